package skiff.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import skiff.testutil.LoopThread;
import skiff.testutil.Opentracker;

/** Announces against a real opentracker over HTTP and UDP. */
class OpentrackerTest {
    private static final byte[] HASH = HexFormat.of().parseHex("0123456789abcdef0123456789abcdef01234567");

    private static AnnounceRequest request(String peerId, int port, Event event) {
        return new AnnounceRequest(HASH, peerId.getBytes(StandardCharsets.US_ASCII), port, 0, 0, 1000, event, 50, port);
    }

    private static AnnounceResponse announce(LoopThread lt, Tracker t, AnnounceRequest r) throws Exception {
        CompletableFuture<AnnounceResponse> f = new CompletableFuture<>();
        lt.run(() -> t.announce(r, Callbacks.into(f)));
        return f.get(20, TimeUnit.SECONDS);
    }

    @Test
    void twoPeersSeeEachOtherAndStoppedRemovesOne() throws Exception {
        try (Opentracker ot = Opentracker.start(List.of(HexFormat.of().formatHex(HASH))); LoopThread lt = new LoopThread()) {
            Trackers trackers = new Trackers(lt.loop, lt.dns, new SplittableRandom(3), null, 5000, 1000, 3, "skiff-test");
            for (String url : List.of(ot.http(), ot.udp())) {
                int portA = url.startsWith("udp") ? 41001 : 40001;
                int portB = portA + 1;
                Tracker a = trackers.create(url);
                Tracker b = trackers.create(url);
                announce(lt, a, request("-SK0100-aaaaaaaaaaaa", portA, Event.STARTED));
                AnnounceResponse rb = announce(lt, b, request("-SK0100-bbbbbbbbbbbb", portB, Event.STARTED));
                assertTrue(rb.peers().contains(new InetSocketAddress("127.0.0.1", portA)), url + " " + rb.peers());
                assertTrue(rb.intervalSeconds() >= 30);
                announce(lt, a, request("-SK0100-aaaaaaaaaaaa", portA, Event.STOPPED));
                AnnounceResponse again = announce(lt, b, request("-SK0100-bbbbbbbbbbbb", portB, Event.NONE));
                assertFalse(again.peers().contains(new InetSocketAddress("127.0.0.1", portA)), url + " " + again.peers());
            }
            CompletableFuture<ScrapeResponse> s = new CompletableFuture<>();
            Tracker udp = trackers.create(ot.udp());
            lt.run(() -> udp.scrape(HASH, Callbacks.into(s)));
            assertTrue(s.get(20, TimeUnit.SECONDS).leechers() >= 1);
        }
    }

    @Test
    void unlistedTorrentIsAReadableFailure() throws Exception {
        try (Opentracker ot = Opentracker.start(List.of(HexFormat.of().formatHex(HASH))); LoopThread lt = new LoopThread()) {
            Tracker t = new Trackers(lt.loop, lt.dns, new SplittableRandom(3), null, 5000, 1000, 3, "t").create(ot.http());
            CompletableFuture<AnnounceResponse> f = new CompletableFuture<>();
            AnnounceRequest r = new AnnounceRequest(new byte[20], "-SK0100-cccccccccccc".getBytes(StandardCharsets.US_ASCII),
                1, 0, 0, 0, Event.STARTED, 50, 1);
            lt.run(() -> t.announce(r, Callbacks.into(f)));
            assertTrue(Callbacks.failure(f, 20).startsWith("tracker says: Requested download is not authorized"));
        }
    }

    /** BEP 12: a dead first tier falls through to a live second tier, within the back-off. */
    @Test
    void deadFirstTierFallsThroughToTheSecond() throws Exception {
        try (Opentracker ot = Opentracker.start(List.of(HexFormat.of().formatHex(HASH))); LoopThread lt = new LoopThread()) {
            int dead = skiff.testutil.Ports.free();
            Trackers trackers = new Trackers(lt.loop, lt.dns, new SplittableRandom(3), null, 2000, 200, 1, "t");
            List<List<Tracker>> tiers = List.of(
                List.of(trackers.create("http://127.0.0.1:" + dead + "/announce"), trackers.create("udp://127.0.0.1:" + dead)),
                List.of(trackers.create(ot.udp())));
            List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
            CompletableFuture<AnnounceResponse> answered = new CompletableFuture<>();
            Announcer.Stats stats = new Announcer.Stats() {
                public long uploaded() {
                    return 0;
                }

                public long downloaded() {
                    return 0;
                }

                public long left() {
                    return 1000;
                }
            };
            Announcer.Listener listener = new Announcer.Listener() {
                public void announced(String url, AnnounceResponse r) {
                    events.add("ok " + url);
                    answered.complete(r);
                }

                public void announceFailed(String url, String reason) {
                    events.add("fail " + url);
                }

                public void allFailed(Map<String, String> errors, long retry) {
                    events.add("all failed");
                }
            };
            Announcer[] announcer = new Announcer[1];
            long start = System.nanoTime();
            lt.run(() -> {
                announcer[0] = new Announcer(lt.loop, tiers, HASH, "-SK0100-dddddddddddd".getBytes(StandardCharsets.US_ASCII),
                    7777, new SplittableRandom(5), stats, listener);
                announcer[0].start();
            });
            answered.get(20, TimeUnit.SECONDS);
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10));
            assertEquals(List.of("fail", "fail", "ok " + ot.udp()),
                new ArrayList<>(events).stream().map(e -> e.startsWith("fail") ? "fail" : e).toList());
            CompletableFuture<Void> stopped = new CompletableFuture<>();
            lt.run(() -> announcer[0].stop(() -> stopped.complete(null)));
            stopped.get(10, TimeUnit.SECONDS);
        }
    }
}
