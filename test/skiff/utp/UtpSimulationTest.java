package skiff.utp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import skiff.peer.PeerStream;

/**
 * uTP between two endpoints over the simulated network: whole transfers both ways through loss,
 * reordering and a bottleneck; a refused and an unanswered dial; the FIN; LEDBAT keeping the
 * bottleneck's queue near its 100 ms target; hostile datagrams.
 */
class UtpSimulationTest {
    private static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static void transfer(long seed, double loss, int jitter, int size) throws IOException {
        transfer(seed, loss, jitter, size, 50_000);
    }

    private static void transfer(long seed, double loss, int jitter, int size, int readBudget) throws IOException {
        UtpNet net = new UtpNet(seed);
        net.loss = loss;
        net.jitterMillis = jitter;
        byte[] up = bytes(size, seed);
        byte[] down = bytes(size / 3, seed + 1);
        UtpNet.End[] ends = net.connect(up, down, readBudget);
        if (readBudget < 10_000) {
            net.bytesPerSecond = 100L << 20;
            net.stallNowAndThen(ends[1], 100, 60, net.now[0] + 3_600_000);
        }
        boolean done = net.runUntil(() -> ends[1].in.size() == up.length && ends[0].in.size() == down.length, 3600);
        assertTrue(done, "seed " + seed + ": got " + ends[1].in.size() + " of " + up.length + " and "
            + ends[0].in.size() + " of " + down.length + " by " + net.now[0] + "; dropped " + net.dropped);
        assertArrayEquals(up, ends[1].in.toByteArray());
        assertArrayEquals(down, ends[0].in.toByteArray());
        assertNull(ends[0].failed);
        assertEquals(List.of(), net.warnings);
    }

    @Test
    void bytesArriveWholeBothWays() throws IOException {
        transfer(1, 0, 0, 2 << 20);
    }

    @Test
    void bytesArriveWholeThroughLossAndReordering() throws IOException {
        for (long seed = 10; seed < 16; seed++) {
            transfer(seed, 0.05, 30, 600_000);
        }
    }

    /**
     * A reader that takes little per turn, so the receive buffer fills while packets are held past
     * gaps; and more than 65,536 packets, so sequence numbers wrap while some are held.
     */
    @Test
    void aSlowReaderBehindLossGetsEveryByteAcrossTheSequenceWrap() throws IOException {
        transfer(30, 0.02, 15, 100 << 20, 3000);
    }

    @Test
    void heavyLossStillDelivers() throws IOException {
        transfer(20, 0.25, 10, 200_000);
    }

    @Test
    void aClosedPortRefusesTheDial() throws IOException {
        UtpNet net = new UtpNet(3);
        UtpEndpoint a = net.endpoint(1);
        net.endpoint(2); // not listening: answers SYNs with RESET
        UtpNet.End dialer = new UtpNet.End(new byte[0], 1000);
        dialer.stream = a.dial(UtpNet.address(2));
        dialer.stream.start(dialer);
        assertTrue(net.runUntil(() -> dialer.failed != null, 10));
        assertTrue(dialer.failed.contains("refused"), dialer.failed);
        assertTrue(net.now[0] - 1_000_000 < 200, "refused after " + (net.now[0] - 1_000_000) + " ms");
        assertEquals(0, a.connections());
    }

    @Test
    void anUnansweredDialFailsAfterTwoSynsAndThreeSeconds() throws IOException {
        UtpNet net = new UtpNet(4);
        UtpEndpoint a = net.endpoint(1);
        UtpNet.End dialer = new UtpNet.End(new byte[0], 1000);
        dialer.stream = a.dial(new InetSocketAddress("10.9.9.9", 1)); // no one there
        dialer.stream.start(dialer);
        assertTrue(net.runUntil(() -> dialer.failed != null, 60));
        long took = net.now[0] - 1_000_000;
        assertTrue(took >= 3_000 && took <= 3_500, "gave up after " + took + " ms");
        assertEquals(2, net.sent, "SYNs sent");
        assertEquals(0, a.connections());
    }

    @Test
    void releaseSendsFinAndThePeerReadsTheEnd() throws IOException {
        UtpNet net = new UtpNet(5);
        byte[] up = bytes(100_000, 5);
        UtpNet.End[] ends = net.connect(up, new byte[0], 50_000);
        assertTrue(net.runUntil(() -> !ends[0].out.hasRemaining(), 30));
        ends[0].stream.release(); // what is queued still goes, then the FIN
        assertTrue(net.runUntil(() -> ends[1].sawEnd, 30));
        assertArrayEquals(up, ends[1].in.toByteArray());
        ends[1].stream.release();
        assertTrue(net.runUntil(() -> net.endpoints.values().stream().allMatch(e -> e.connections() == 0), 30));
    }

    @Test
    void aResetIsAReadError() throws IOException {
        UtpNet net = new UtpNet(6);
        UtpNet.End[] ends = net.connect(new byte[10], new byte[10], 1000);
        assertTrue(net.runUntil(() -> ends[1].in.size() == 10 && ends[0].in.size() == 10, 10));
        ((UtpStream) ends[0].stream).failedForTest();
        assertTrue(net.runUntil(() -> ends[1].readError != null, 10));
        assertTrue(ends[1].readError.getMessage().contains("reset"), ends[1].readError.getMessage());
    }

    @Test
    void ledbatKeepsTheBottleneckQueueNearTarget() throws IOException {
        UtpNet net = new UtpNet(7);
        net.bytesPerSecond = 1 << 20; // 1 MiB/s with a 1 s tail-drop queue
        net.delayMillis = 25;
        byte[] up = bytes(20 << 20, 7);
        UtpNet.End[] ends = net.connect(up, new byte[0], 1 << 20);
        long start = net.now[0];
        assertTrue(net.runUntil(() -> ends[1].in.size() >= 8 << 20, 60), "only " + ends[1].in.size());
        double seconds = (net.now[0] - start) / 1000.0;
        long queueAfterRampUp = 0;
        net.maxQueueMicros = 0;
        int before = ends[1].in.size();
        long t0 = net.now[0];
        assertTrue(net.runUntil(() -> ends[1].in.size() >= before + (8 << 20), 60));
        queueAfterRampUp = net.maxQueueMicros;
        double rate = (ends[1].in.size() - before) / ((net.now[0] - t0) / 1000.0);
        assertTrue(rate > 0.85 * (1 << 20) * 1400 / 1448.0, "rate " + rate + " B/s, first 8 MiB in " + seconds + " s");
        assertTrue(queueAfterRampUp < 160_000, "the bottleneck queued " + queueAfterRampUp / 1000 + " ms");
        assertEquals(0, net.dropped, "the 1 s queue overflowed");
    }

    /**
     * A SYN flood from 3,000 addresses: at most {@link UtpEndpoint#MAX_SOCKETS} connections at once,
     * the rest refused and counted; the ones the acceptor turns away (as the router does when busy)
     * are gone after their FIN's linger, and the endpoint's timer stops with them.
     */
    @Test
    void aSynFloodIsCappedAndDrains() throws IOException {
        UtpNet net = new UtpNet(9);
        UtpEndpoint b = net.endpoint(2);
        int[] accepted = {0};
        b.listen((stream, from) -> {
            accepted[0]++;
            stream.release(); // busy: turned away at once
        });
        java.nio.ByteBuffer syn = java.nio.ByteBuffer.allocate(UtpPacket.HEADER_BYTES);
        for (int i = 0; i < 3000; i++) {
            syn.clear();
            UtpPacket.header(syn, UtpPacket.ST_SYN, i, 1, 0, 1 << 20, 1, 0, null, 0);
            syn.flip();
            b.received(syn, new InetSocketAddress("10.7." + (i / 250) + "." + (i % 250), 4000 + i));
            assertTrue(b.connections() <= UtpEndpoint.MAX_SOCKETS, b.connections() + " connections");
        }
        assertEquals(UtpEndpoint.MAX_SOCKETS, accepted[0]);
        assertTrue(b.summary().contains("refused=" + (3000 - UtpEndpoint.MAX_SOCKETS)), b.summary());
        assertTrue(net.runUntil(() -> b.connections() == 0, 30), b.connections() + " left");
        assertTrue(net.now[0] - 1_000_000 <= UtpSocket.LINGER_MILLIS + 1000, "drained after " + (net.now[0] - 1_000_000) + " ms");
        assertTrue(net.runUntil(() -> net.loop.nextTimerMillis() == Long.MAX_VALUE, 5),
            "the endpoint's tick stops with its last connection");
    }

    /**
     * Sixty hand-made peers, each sending 253 full packets past a gap it never fills: each
     * connection may hold its window, but all of them together no more than the endpoint's budget.
     */
    @Test
    void gapsNeverFilledHoldNoMoreThanTheBudget() throws IOException {
        UtpNet net = new UtpNet(10);
        UtpEndpoint receiver = net.endpoint(200);
        receiver.listen((stream, from) -> {
            UtpNet.End e = new UtpNet.End(new byte[0], 1 << 20);
            e.stream = stream;
            try {
                stream.start(e);
            } catch (IOException x) {
                throw new AssertionError(x);
            }
        });
        int peers = 60;
        int[] theirFirst = new int[peers];
        java.nio.ByteBuffer out = java.nio.ByteBuffer.allocate(UtpEndpoint.PACKET_BUFFER_BYTES);
        for (int i = 0; i < peers; i++) {
            int n = i;
            InetSocketAddress from = new InetSocketAddress("10.9.0." + i, 7000);
            net.raw.put(from, d -> {
                if ((d.get(0) & 0xff) >> 4 == UtpPacket.ST_STATE) {
                    theirFirst[n] = d.getShort(16) & 0xffff; // the receiver's first sequence number
                }
            });
            out.clear();
            UtpPacket.header(out, UtpPacket.ST_SYN, 100 + i, 1, 0, 1 << 20, 1, 0, null, 0);
            receiver.received(out.flip(), from);
        }
        assertTrue(net.runUntil(() -> java.util.Arrays.stream(theirFirst).allMatch(f -> f != 0), 5));
        long most = 0;
        for (int i = 0; i < peers; i++) {
            InetSocketAddress from = new InetSocketAddress("10.9.0." + i, 7000);
            for (int seq = 3; seq < 256; seq++) { // seq 2 never comes
                out.clear();
                UtpPacket.header(out, UtpPacket.ST_DATA, 101 + i, 1, 0, 1 << 20, seq, (theirFirst[i] - 1) & 0xffff, null, 0);
                out.put(new byte[1400]);
                receiver.received(out.flip(), from);
                most = Math.max(most, receiver.heldBytes());
            }
        }
        assertTrue(most <= ReceiveBudget.MAX_BYTES, "held " + most);
        assertTrue(most > ReceiveBudget.MAX_BYTES - 2 * 1400, "the budget was never reached: " + most);
        assertEquals(peers, receiver.connections());
        receiver.close();
        assertEquals(0, receiver.heldBytes());
    }

    @Test
    void hostileDatagramsAreCountedAndDropped() throws IOException {
        UtpNet net = new UtpNet(8);
        UtpEndpoint b = net.endpoint(2);
        List<PeerStream> accepted = new ArrayList<>();
        b.listen((s, from) -> accepted.add(s));
        Random r = new Random(8);
        for (int i = 0; i < 10_000; i++) {
            byte[] junk = new byte[r.nextInt(60)];
            r.nextBytes(junk);
            if (junk.length > 0 && r.nextBoolean()) {
                junk[0] = (byte) (r.nextInt(5) << 4 | 1); // a plausible type and version
            }
            b.received(java.nio.ByteBuffer.wrap(junk), UtpNet.address(1 + r.nextInt(200)));
        }
        assertTrue(b.connections() <= UtpEndpoint.MAX_SOCKETS, b.connections() + " sockets");
        assertNotNull(b.summary());
        assertTrue(net.runUntil(() -> b.connections() == 0 || net.now[0] > 1_000_000 + 30_000, 40));
        assertEquals(List.of(), net.warnings);
    }
}
