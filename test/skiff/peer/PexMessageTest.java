package skiff.peer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** BEP 11's message both ways: IPv4 and IPv6, flags, bounds, and malformed lists refused. */
class PexMessageTest {
    @Test
    void addedAndDroppedReadBackAsSent() {
        List<InetSocketAddress> added = List.of(new InetSocketAddress("127.0.0.2", 6881), new InetSocketAddress("::1", 51413),
            new InetSocketAddress("10.1.2.3", 65535));
        byte[] flags = {PexMessage.FLAG_SEED, PexMessage.FLAG_REACHABLE, 0};
        List<InetSocketAddress> dropped = List.of(new InetSocketAddress("192.168.0.9", 1));
        byte[] m = new PexMessage(added, flags, dropped).message();
        PexMessage back = PexMessage.parse(m, 0, m.length);
        assertEquals(List.of(added.get(0), added.get(2), added.get(1)), back.added(), "IPv4 first, then IPv6");
        assertArrayEquals(new byte[] {PexMessage.FLAG_SEED, 0, PexMessage.FLAG_REACHABLE}, back.addedFlags());
        assertEquals(dropped, back.dropped());
    }

    @Test
    void malformedListsAreRefusedAndLongOnesCut() {
        String[] bad = {"d5:added5:abcdee", "d7:dropped7:abcdefgh8:added6.f0:e", "li1ee", "d5:added"};
        for (String s : bad) {
            assertNull(PexMessage.parse(s.getBytes(), 0, s.length()), s);
        }
        List<InetSocketAddress> many = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            many.add(new InetSocketAddress("10.0." + (i / 250) + "." + (i % 250 + 1), 1000 + i));
        }
        byte[] m = new PexMessage(many, new byte[1000], List.of()).message();
        assertEquals(PexMessage.MAX_ENTRIES, PexMessage.parse(m, 0, m.length).added().size());
        byte[] portZero = "d5:added6:\u0001\u0002\u0003\u0004\u0000\u0000e".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        assertEquals(0, PexMessage.parse(portZero, 0, portZero.length).added().size(), "port 0 is no peer");
    }
}
