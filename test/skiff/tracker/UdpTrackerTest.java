package skiff.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import skiff.testutil.LoopThread;

/** The UDP tracker client (BEP 15) against a scripted server that lies, drops and stalls. */
class UdpTrackerTest {
    private static final AnnounceRequest REQUEST = new AnnounceRequest(new byte[20],
        "-SK0100-000000000000".getBytes(StandardCharsets.US_ASCII), 6881, 0, 0, 100, Event.STARTED, 50, 1);

    private LoopThread lt;
    private DatagramSocket server;
    private DatagramSocket impostor;
    private Thread serverThread;
    private final List<Integer> actionsSeen = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        lt = new LoopThread();
        server = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        server.setSoTimeout(200);
        impostor = new DatagramSocket(0, InetAddress.getLoopbackAddress());
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        impostor.close();
        if (serverThread != null) {
            serverThread.join(5000);
        }
        lt.close();
    }

    /** Serves until closed: drops the first {@code dropFirst} datagrams, lies before every true reply. */
    private void serve(int dropFirst) {
        serverThread = new Thread(() -> {
            byte[] buf = new byte[2048];
            int seen = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!server.isClosed() && System.nanoTime() < deadline) {
                try {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    server.receive(p);
                    ByteBuffer in = ByteBuffer.wrap(buf, 0, p.getLength());
                    long conn = in.getLong();
                    int action = in.getInt();
                    int tid = in.getInt();
                    actionsSeen.add(action);
                    if (seen++ < dropFirst) {
                        continue;
                    }
                    ByteBuffer reply = action == 0
                        ? ByteBuffer.allocate(16).putInt(0).putInt(tid).putLong(0x1234)
                        : ByteBuffer.allocate(26).putInt(1).putInt(tid).putInt(60).putInt(1).putInt(2)
                            .put(new byte[] {127, 0, 0, 9, 0x1a, (byte) 0xe1});
                    if (action == 1 && conn != 0x1234) {
                        reply = ByteBuffer.allocate(8 + 7).putInt(3).putInt(tid).put("bad cid".getBytes(StandardCharsets.US_ASCII));
                    }
                    byte[] out = reply.array();
                    byte[] wrongTid = out.clone();
                    wrongTid[7] ^= 1;
                    send(server, wrongTid, p);        // wrong transaction: dropped
                    send(server, new byte[5], p);     // too short: dropped
                    send(impostor, out, p);           // right bytes, wrong sender: never seen
                    send(server, out, p);
                } catch (SocketTimeoutException e) {
                    // poll again until closed
                } catch (Exception e) {
                    return;
                }
            }
        });
        serverThread.start();
    }

    private static void send(DatagramSocket from, byte[] data, DatagramPacket to) throws Exception {
        from.send(new DatagramPacket(data, data.length, to.getSocketAddress()));
    }

    private CompletableFuture<AnnounceResponse> announce(String url, long baseMillis, int retransmits) {
        CompletableFuture<AnnounceResponse> f = new CompletableFuture<>();
        lt.run(() -> new UdpTracker(url, lt.loop, lt.dns, new SplittableRandom(1), baseMillis, retransmits)
            .announce(REQUEST, Callbacks.into(f)));
        return f;
    }

    @Test
    void connectsThenAnnouncesIgnoringLiesAndStrangers() throws Exception {
        serve(0);
        AnnounceResponse r = announce("udp://127.0.0.1:" + server.getLocalPort() + "/announce", 5000, 2)
            .get(10, TimeUnit.SECONDS);
        assertEquals(List.of(new InetSocketAddress("127.0.0.1", 6881)).size(), r.peers().size());
        assertEquals(new InetSocketAddress("127.0.0.9", 6881), r.peers().get(0));
        assertEquals(2, r.seeders());
        assertEquals(List.of(0, 1), actionsSeen);
    }

    @Test
    void retransmitsWhenDatagramsAreLost() throws Exception {
        serve(2);
        AnnounceResponse r = announce("udp://127.0.0.1:" + server.getLocalPort(), 100, 4).get(10, TimeUnit.SECONDS);
        assertEquals(1, r.peers().size());
        assertEquals(List.of(0, 0, 0, 1), actionsSeen);
    }

    @Test
    void givesUpAfterTheLastRetransmit() throws Exception {
        serve(1000);
        long start = System.nanoTime();
        String reason = Callbacks.failure(announce("udp://127.0.0.1:" + server.getLocalPort(), 50, 2), 10);
        assertEquals("no answer after 3 tries", reason);
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis >= 300 && millis < 5000, "50+100+200 ms expected, took " + millis);
        assertEquals(3, actionsSeen.size());
    }

    @Test
    void closedPortFailsFast() throws Exception {
        int dead = skiff.testutil.Ports.free();
        String reason = Callbacks.failure(announce("udp://127.0.0.1:" + dead, 5000, 8), 10);
        assertEquals("no tracker listens there", reason);
    }
}
