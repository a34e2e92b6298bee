package skiff.utp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * How quickly uTP gets over losses, over the simulated network (20 ms each way, 10 MiB/s): the
 * last packets of a flight lost, and a path that drops one datagram in ten.
 */
class UtpLossRecoveryTest {
    private static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /**
     * Ten packets, the last two lost the first time they go: no later packet is acked to show
     * the loss, so only a timeout (500 ms at least) would find it. The tail-loss probe resends
     * the newest after two round trips, its ack shows the gap, and all is there in under 400 ms.
     */
    @Test
    void aLostTailIsProbedAfterTwoRoundTripsNotTheTimeout() throws IOException {
        UtpNet net = new UtpNet(41);
        byte[] up = bytes(10 * Sender.PACKET_PAYLOAD, 41);
        Set<Integer> dataSeqs = new HashSet<>();
        Set<Integer> droppedOnce = new HashSet<>();
        net.dropIf = d -> {
            ByteBuffer b = ByteBuffer.wrap(d);
            if ((b.get(0) & 0xff) >> 4 != UtpPacket.ST_DATA) {
                return false;
            }
            int seq = b.getShort(16) & 0xffff;
            dataSeqs.add(seq);
            return dataSeqs.size() > 8 && droppedOnce.add(seq);
        };
        UtpNet.End[] ends = net.connect(up, new byte[0], 1 << 20);
        long start = net.now[0];
        assertTrue(net.runUntil(() -> ends[1].in.size() == up.length, 30));
        long took = net.now[0] - start;
        assertArrayEquals(up, ends[1].in.toByteArray());
        assertTrue(droppedOnce.size() == 2, "dropped " + droppedOnce);
        assertTrue(took < 400, "the tail came after " + took + " ms");
    }

    /**
     * One datagram in ten lost, both ways: a window of a few packets, many losses no later ack
     * reveals. Each of three seeds keeps above 100 KiB/s (before the probe, the early retransmit,
     * and the timeout's backoff ending with the first ack: 13-59 KiB/s).
     */
    @Test
    void oneDatagramInTenLostStillMovesOverAHundredKiBPerSecond() throws IOException {
        for (long seed = 1; seed <= 3; seed++) {
            UtpNet net = new UtpNet(seed);
            net.loss = 0.10;
            byte[] up = bytes(2 << 20, seed);
            UtpNet.End[] ends = net.connect(up, new byte[0], 1 << 20);
            long start = net.now[0];
            assertTrue(net.runUntil(() -> ends[1].in.size() == up.length, 600), "seed " + seed);
            assertArrayEquals(up, ends[1].in.toByteArray());
            double kibPerSecond = up.length / 1024.0 / ((net.now[0] - start) / 1000.0);
            assertTrue(kibPerSecond > 100, "seed " + seed + ": " + kibPerSecond + " KiB/s");
        }
    }
}
