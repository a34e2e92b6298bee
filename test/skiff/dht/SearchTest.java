package skiff.dht;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import skiff.bencode.Dicts;

/** A torrent's search when its lookups cannot start or end at once: it keeps trying, on the clock. */
class SearchTest {
    private final List<String> sent = new ArrayList<>();
    private final List<byte[]> tids = new ArrayList<>();

    private Dht node(long now) {
        return new Dht(NodeId.random(new SplittableRandom(1)), (datagram, to) -> {
            String text = new String(datagram, StandardCharsets.ISO_8859_1);
            sent.add(text);
            try {
                tids.add(Krpc.decode(datagram).tid());
            } catch (KrpcException e) {
                throw new AssertionError(e);
            }
        }, new SplittableRandom(2), now);
    }

    @Test
    void aLookupThatCouldNotSendIsTriedAgainLater() throws Exception {
        long now = 1_000_000;
        Dht dht = node(now);
        InetSocketAddress known = DhtNet.address(1);
        dht.ping(known); // one node in the table: it answers our ping
        dht.received(Krpc.response(tids.get(0), NodeId.random(new SplittableRandom(3)), Dicts.builder(), DhtNet.address(9)), known, now);
        assertEquals(1, dht.size());
        for (int i = 0; i < Dht.MAX_PENDING; i++) { // every query slot taken: the search's first lookup cannot send
            dht.ping(DhtNet.address(100 + i));
        }
        sent.clear();
        dht.track(NodeId.random(new SplittableRandom(4)).bytes(), 6881, p -> { }, () -> true);
        assertTrue(sent.stream().noneMatch(s -> s.contains("get_peers")), "no slot for it now");
        for (int s = 1; s <= 20; s++) {
            dht.tick(now + s * 1000L); // the pings time out after 4 s; the search tries again after 5
        }
        assertTrue(sent.stream().anyMatch(s -> s.contains("get_peers")), "the search asked again once it could");
    }
}
