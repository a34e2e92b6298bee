package skiff.tracker;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import skiff.testutil.LoopThread;
import skiff.testutil.Opentracker;
import skiff.testutil.TlsProxy;

/** HTTPS announces through nginx (a real TLS server) to opentracker, with a test trust store. */
class HttpsTrackerTest {
    private static final byte[] HASH = HexFormat.of().parseHex("00112233445566778899aabbccddeeff00112233");

    private static CompletableFuture<AnnounceResponse> announce(LoopThread lt, String url, SSLContext ctx, int port) {
        CompletableFuture<AnnounceResponse> f = new CompletableFuture<>();
        AnnounceRequest r = new AnnounceRequest(HASH, ("-SK0100-" + port + "0000000").substring(0, 20).getBytes(StandardCharsets.US_ASCII),
            port, 0, 0, 10, Event.STARTED, 50, 1);
        lt.run(() -> new HttpTracker(url, lt.loop, lt.dns, ctx == null ? null : () -> ctx, 5000, "skiff-test")
            .announce(r, Callbacks.into(f)));
        return f;
    }

    @Test
    void announcesOverTlsAndRefusesUntrustedOrMismatchedCertificates() throws Exception {
        try (Opentracker ot = Opentracker.start(List.of(HexFormat.of().formatHex(HASH)));
             TlsProxy proxy = TlsProxy.start(ot.port);
             LoopThread lt = new LoopThread()) {
            SSLContext trusting = proxy.trusting();
            String url = "https://localhost:" + proxy.port + "/announce";
            announce(lt, url, trusting, 51001).get(20, TimeUnit.SECONDS);
            AnnounceResponse r = announce(lt, url, trusting, 51002).get(20, TimeUnit.SECONDS);
            assertTrue(r.peers().contains(new InetSocketAddress("127.0.0.1", 51001)), r.peers().toString());

            String untrusted = Callbacks.failure(announce(lt, url, null, 51003), 20);
            assertTrue(untrusted.startsWith("TLS handshake failed"), untrusted);
            String mismatch = Callbacks.failure(announce(lt, "https://127.0.0.1:" + proxy.port + "/announce", trusting, 51004), 20);
            assertTrue(mismatch.startsWith("TLS handshake failed"), mismatch);
        }
    }
}
