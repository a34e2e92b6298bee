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
