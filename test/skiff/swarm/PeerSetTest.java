package skiff.swarm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PeerSetTest {
    @Test
    void trackerListsOfPortZeroAndOurselvesAreIgnored() {
        PeerSet set = new PeerSet(6881);
        List<InetSocketAddress> hostile = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            hostile.add(new InetSocketAddress("127.0.0.1", 6881)); // us
            hostile.add(new InetSocketAddress("0.0.0.0", 6881)); // us, any address
        }
        hostile.add(new InetSocketAddress("127.0.0.2", 7000));
        hostile.add(new InetSocketAddress("127.0.0.2", 7000)); // duplicate
        assertEquals(1, set.add(hostile));
        assertEquals(List.of(new InetSocketAddress("127.0.0.2", 7000)), set.candidates(10, 0, false));
    }

    /**
     * Behind a NAT our outside address is no local one: once the DHT's nodes agree on it, the DHT and
     * trackers handing it back on our port are refused, while another port there (a second host
     * behind the same router) is kept.
     */
    @Test
    void ourOutsideAddressOnOurPortIsRefusedOnceKnown() throws Exception {
        java.net.InetAddress[] outside = {null};
        PeerSet set = new PeerSet(6881, ip -> ip.equals(outside[0])); // as the session's OurAddresses answers
        InetSocketAddress us = new InetSocketAddress("203.0.113.7", 6881);
        InetSocketAddress housemate = new InetSocketAddress("203.0.113.7", 51413);
        assertEquals(1, set.add(List.of(us)), "while our outside address is unknown");
        outside[0] = java.net.InetAddress.getByName("203.0.113.7");
        assertEquals(List.of(), set.candidates(10, 0, false), "added before it was known, and still never dialled");
        assertEquals(1, set.add(List.of(us, housemate)));
        assertEquals(List.of(housemate), set.candidates(10, 0, false));
        assertTrue(set.isUs(us));
        assertTrue(!set.isUs(housemate));
    }

    @Test
    void knownPeersAreBoundedAndFailedDialsBackOff() {
        PeerSet set = new PeerSet(6881);
        List<InetSocketAddress> many = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            many.add(new InetSocketAddress("127.0." + (i / 250) + "." + (i % 250 + 1), 7000));
        }
        set.add(many);
        assertEquals(PeerSet.MAX_KNOWN, set.size());
        InetSocketAddress a = set.candidates(1, 0, false).get(0);
        set.connected(a);
        set.disconnected(a, true, 1000);
        assertTrue(!set.candidates(PeerSet.MAX_KNOWN, 1000, false).contains(a), "backing off");
        assertTrue(set.candidates(PeerSet.MAX_KNOWN, 1000 + PeerSet.FIRST_RETRY_MILLIS, false).contains(a));
        set.ban(a);
        assertTrue(!set.candidates(PeerSet.MAX_KNOWN, Long.MAX_VALUE / 2, false).contains(a), "banned");
    }

    /** A dead peer that every tracker answer lists again backs off further at each failure; the listing does not reset it. */
    @Test
    void aDeadPeerBacksOffFurtherEachTimeWhateverTheTrackerSays() {
        PeerSet set = new PeerSet(6881);
        InetSocketAddress dead = new InetSocketAddress("127.0.0.9", 7000);
        long now = 0;
        List<Long> waits = new ArrayList<>();
        for (int attempt = 0; attempt < 12; attempt++) {
            set.add(List.of(dead)); // the tracker lists it at every announce
            long at = now;
            while (!set.candidates(10, at, false).contains(dead)) {
                at += 1000;
            }
            waits.add((at - now) / 1000);
            set.connected(dead);
            set.disconnected(dead, true, at);
            now = at;
        }
        assertEquals(List.of(0L, 10L, 20L, 40L, 80L, 160L, 320L, 640L, 1280L, 1800L, 1800L, 1800L), waits);
        assertEquals(1, set.size());
    }
}
