package skiff.tracker;

import java.util.Locale;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import javax.net.ssl.SSLContext;
import skiff.loop.Dns;
import skiff.loop.EventLoop;

/** Makes the right {@link Tracker} for a URL, with the settings every tracker shares. */
public final class Trackers {
    private final EventLoop loop;
    private final Dns dns;
    private final RandomGenerator random;
    private final Supplier<SSLContext> tls;
    private final long httpTimeoutMillis;
    private final long udpBaseTimeoutMillis;
    private final int udpMaxRetransmits;
    private final String userAgent;

    public Trackers(EventLoop loop, Dns dns, RandomGenerator random, Supplier<SSLContext> tls, long httpTimeoutMillis,
                    long udpBaseTimeoutMillis, int udpMaxRetransmits, String userAgent) {
        this.loop = loop;
        this.dns = dns;
        this.random = random;
        this.tls = tls;
        this.httpTimeoutMillis = httpTimeoutMillis;
        this.udpBaseTimeoutMillis = udpBaseTimeoutMillis;
        this.udpMaxRetransmits = udpMaxRetransmits;
        this.userAgent = userAgent;
    }

    /**
     * GETs an http(s) URL with the trackers' client (redirects followed, every size capped, one
     * deadline): a .torrent given by URL. The body, or why there is none, goes to {@code callback}
     * on the loop.
     */
    public void fetch(String url, Tracker.Callback<byte[]> callback) {
        java.net.URI uri = HttpTracker.parse(url, callback);
        if (uri != null) {
            String q = uri.getRawQuery();
            String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
            new HttpExchange(loop, dns, tls, httpTimeoutMillis, userAgent, HttpTracker.MAX_REDIRECTS, callback)
                .get(uri, q == null ? path : path + "?" + q);
        }
    }

    /**
     * POSTs {@code body} to an http URL with the same client, within {@code timeoutMillis}: a UPnP
     * router's SOAP call. Any HTTP status is an answer; {@code headers} are whole header lines.
     */
    public void post(java.net.URI uri, java.util.List<String> headers, byte[] body, long timeoutMillis,
                     Tracker.Callback<HttpReply> callback) {
        String q = uri.getRawQuery();
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        new HttpExchange(loop, dns, tls, timeoutMillis, userAgent, callback).post(uri, q == null ? path : path + "?" + q, headers, body);
    }

    /** A tracker for {@code url}, or null when its scheme is not one skiff speaks. */
    public Tracker create(String url) {
        String lower = url.toLowerCase(Locale.ROOT);
        if (lower.startsWith("http://") || lower.startsWith("https://")) {
            return new HttpTracker(url, loop, dns, tls, httpTimeoutMillis, userAgent);
        }
        if (lower.startsWith("udp://")) {
            return new UdpTracker(url, loop, dns, random, udpBaseTimeoutMillis, udpMaxRetransmits);
        }
        return null;
    }
}
