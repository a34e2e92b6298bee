package skiff.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import skiff.testutil.LoopThread;
import skiff.testutil.ScriptedHttpServer;

/** The HTTP tracker client against small in-process servers that misbehave on purpose. */
class HttpTrackerTest {
    private static final byte[] HASH = new byte[20];
    private static final AnnounceRequest REQUEST = new AnnounceRequest(HASH, "-SK0100-000000000000".getBytes(StandardCharsets.US_ASCII),
        6881, 0, 0, 100, Event.STARTED, 50, 1);
    private static final String PEERS = "d8:intervali1800e5:peers6:\u007f\u0000\u0000\u0001\u001a\u00e1e";

    private LoopThread lt;

    @BeforeEach
    void start() throws Exception {
        lt = new LoopThread();
    }

    @AfterEach
    void stop() throws Exception {
        lt.close();
    }

    private CompletableFuture<AnnounceResponse> announce(String url, long timeoutMillis) {
        CompletableFuture<AnnounceResponse> f = new CompletableFuture<>();
        lt.run(() -> new HttpTracker(url, lt.loop, lt.dns, null, timeoutMillis, "skiff-test").announce(REQUEST, Callbacks.into(f)));
        return f;
    }

    @Test
    void contentLengthChunkedAndCloseDelimitedBodies() throws Exception {
        try (ScriptedHttpServer s = ScriptedHttpServer.replying(line -> {
            if (line.contains("/chunked")) {
                return ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n" + PEERS.substring(0, 5) + "\r\n"
                    + Integer.toHexString(PEERS.length() - 5) + "\r\n" + PEERS.substring(5) + "\r\n0\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
            }
            if (line.contains("/close")) {
                return ("HTTP/1.0 200 OK\r\n\r\n" + PEERS).getBytes(StandardCharsets.ISO_8859_1);
            }
            return ScriptedHttpServer.ok(PEERS);
        })) {
            for (String path : List.of("/announce", "/chunked/announce", "/close/announce")) {
                AnnounceResponse r = announce(s.url(path), 5000).get(10, TimeUnit.SECONDS);
                assertEquals(List.of(new InetSocketAddress("127.0.0.1", 6881)), r.peers(), path);
            }
            String first = s.requests.get(0);
            assertTrue(first.startsWith("GET /announce?info_hash=%00%00"), first);
            assertTrue(first.contains("&event=started") && first.endsWith(" HTTP/1.1"), first);
        }
    }

    @Test
    void followsRedirectsButNotForever() throws Exception {
        try (ScriptedHttpServer s = ScriptedHttpServer.replying(line -> {
            if (line.contains("/hop1")) {
                return "HTTP/1.1 302 Found\r\nLocation: /hop2/announce?x=1\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
            }
            if (line.contains("/hop2")) {
                return ScriptedHttpServer.ok(PEERS);
            }
            return "HTTP/1.1 301 Moved\r\nLocation: /loop/announce\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        })) {
            assertEquals(1, announce(s.url("/hop1/announce"), 5000).get(10, TimeUnit.SECONDS).peers().size());
            assertTrue(s.requests.get(1).startsWith("GET /hop2/announce?x=1"), s.requests.get(1));
            assertEquals("too many redirects", Callbacks.failure(announce(s.url("/loop/announce"), 5000), 10));
        }
    }

    @Test
    void failuresAreReadableOneLiners() throws Exception {
        try (ScriptedHttpServer s = ScriptedHttpServer.replying(line -> {
            if (line.contains("/failure")) {
                return ScriptedHttpServer.ok("d14:failure reason8:not heree");
            }
            if (line.contains("/404")) {
                return "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
            }
            if (line.contains("/huge")) {
                return "HTTP/1.1 200 OK\r\nContent-Length: 999999999\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
            }
            if (line.contains("/garbage")) {
                return ScriptedHttpServer.ok("<html>hello</html>");
            }
            return "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort".getBytes(StandardCharsets.US_ASCII);
        })) {
            assertEquals("tracker says: not here", Callbacks.failure(announce(s.url("/failure/announce"), 5000), 10));
            assertEquals("tracker answered HTTP 404", Callbacks.failure(announce(s.url("/404/announce"), 5000), 10));
            assertTrue(Callbacks.failure(announce(s.url("/huge/announce"), 5000), 10).contains("over the limit"));
            assertTrue(Callbacks.failure(announce(s.url("/garbage/announce"), 5000), 10).contains("invalid bencode"));
            assertEquals("tracker reply was cut short", Callbacks.failure(announce(s.url("/cut/announce"), 5000), 10));
        }
    }

    @Test
    void endlessChunkedStreamIsCutOff() throws Exception {
        try (ScriptedHttpServer s = new ScriptedHttpServer((line, out) -> {
            out.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = ("4000\r\n" + "x".repeat(0x4000) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < 1000; i++) { // 16 MiB at most, far past the 2 MiB cap
                out.write(chunk);
            }
        })) {
            assertTrue(Callbacks.failure(announce(s.url("/announce"), 10_000), 20).contains("larger than 2 MiB"));
        }
    }

    @Test
    void silentServerTimesOutAndDeadPortFailsFast() throws Exception {
        try (ScriptedHttpServer s = ScriptedHttpServer.replying(line -> null)) {
            long start = System.nanoTime();
            String reason = Callbacks.failure(announce(s.url("/hold/announce"), 500), 10);
            assertTrue(reason.startsWith("timed out"), reason);
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5));
        }
        int dead = skiff.testutil.Ports.free();
        String reason = Callbacks.failure(announce("http://127.0.0.1:" + dead + "/announce", 5000), 10);
        assertTrue(reason.toLowerCase().contains("refused"), reason);
    }

    @Test
    void badUrlsFailAtOnce() throws Exception {
        assertEquals("not an HTTP tracker URL", Callbacks.failure(announce("ftp://x/announce", 1000), 5));
        assertTrue(Callbacks.failure(announce("http://[zz/announce", 1000), 5).startsWith("bad tracker URL"));
    }

    @Test
    void scrapeReadsTheCounts() throws Exception {
        String body = "d5:filesd20:" + "\u0000".repeat(20) + "d8:completei5e10:downloadedi7e10:incompletei2eeee";
        try (ScriptedHttpServer s = ScriptedHttpServer.replying(line -> ScriptedHttpServer.ok(body))) {
            CompletableFuture<ScrapeResponse> f = new CompletableFuture<>();
            lt.run(() -> new HttpTracker(s.url("/announce"), lt.loop, lt.dns, null, 5000, "t").scrape(HASH, Callbacks.into(f)));
            assertEquals(new ScrapeResponse(5, 7, 2), f.get(10, TimeUnit.SECONDS));
            assertTrue(s.requests.get(0).startsWith("GET /scrape?info_hash="), s.requests.get(0));
        }
    }
}
