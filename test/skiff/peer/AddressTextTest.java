package skiff.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** Addresses as users read them: IPv6 short (RFC 5952) and bracketed. */
class AddressTextTest {
    private static String text(String ip) throws Exception {
        return AddressText.of(new InetSocketAddress(InetAddress.getByName(ip), 6881));
    }

    @Test
    void ipv4AsIsAndIpv6ShortInBrackets() throws Exception {
        assertEquals("10.0.0.1:6881", text("10.0.0.1"));
        assertEquals("[::1]:6881", text("::1"));
        assertEquals("[::]:6881", text("::"));
        assertEquals("[2001:db8::1]:6881", text("2001:0db8:0:0:0:0:0:1"));
        assertEquals("[2001:db8:0:1:1:1:1:1]:6881", text("2001:db8:0:1:1:1:1:1"), "one zero group stays");
        assertEquals("[2001:0:0:1::1]:6881", text("2001:0:0:1:0:0:0:1"), "the longest run goes");
        assertEquals("[2001:db8::1:0:0:1]:6881", text("2001:db8:0:0:1:0:0:1"), "the first of two equal runs goes");
        assertEquals("[fe80::]:6881", text("fe80::"));
        assertEquals("[1:2:3:4:5:6:7:8]:6881", text("1:2:3:4:5:6:7:8"));
        assertEquals("10.0.0.1:6881", text("::ffff:10.0.0.1"), "a mapped IPv4 address is the IPv4 one");
    }
}
