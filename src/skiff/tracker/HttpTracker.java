package skiff.tracker;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import skiff.loop.Dns;
import skiff.loop.EventLoop;

/** An HTTP or HTTPS tracker (BEP 3, BEP 48 scrape), on the loop. One request at a time. */
public final class HttpTracker implements Tracker {
    /** BEP 3 leaves redirects to HTTP; five is what browsers and libtorrent allow at least. */
    static final int MAX_REDIRECTS = 5;

    private final String url;
    private final EventLoop loop;
    private final Dns dns;
    private final Supplier<SSLContext> tls;
    private final long timeoutMillis;
    private final String userAgent;
    private byte[] trackerId;
    private HttpExchange inFlight;

    public HttpTracker(String url, EventLoop loop, Dns dns, Supplier<SSLContext> tls, long timeoutMillis, String userAgent) {
        this.url = url;
        this.loop = loop;
        this.dns = dns;
        this.tls = tls;
        this.timeoutMillis = timeoutMillis;
        this.userAgent = userAgent;
    }

    @Override
    public String url() {
        return url;
    }

    /** Turns a reply body into a value, or says why it cannot. */
    private interface BodyParser<T> {
        T parse(byte[] body) throws TrackerException;
    }

    @Override
    public void announce(AnnounceRequest request, Callback<AnnounceResponse> callback) {
        URI uri = parse(url, callback);
        if (uri == null) {
            return;
        }
        String query = HttpAnnounceCodec.announceQuery(uri.getRawQuery(), request, trackerId);
        start(uri, uri.getRawPath(), query, body -> {
            AnnounceResponse r = HttpAnnounceCodec.parseAnnounce(body);
            if (r.trackerId() != null) {
                trackerId = r.trackerId();
            }
            return r;
        }, callback);
    }

    @Override
    public void scrape(byte[] infoHash, Callback<ScrapeResponse> callback) {
        URI uri = parse(url, callback);
        if (uri == null) {
            return;
        }
        String path = HttpAnnounceCodec.scrapePath(uri.getRawPath());
        if (path == null) {
            callback.failed("this tracker has no scrape address");
            return;
        }
        String base = uri.getRawQuery();
        String query = (base == null || base.isEmpty() ? "" : base + "&") + "info_hash=" + HttpAnnounceCodec.percent(infoHash);
        start(uri, path, query, body -> HttpAnnounceCodec.parseScrape(body, infoHash), callback);
    }

    @Override
    public void cancel() {
        if (inFlight != null) {
            inFlight.abort();
            inFlight = null;
        }
    }

    private <T> void start(URI uri, String path, String query, BodyParser<T> parser, Callback<T> callback) {
        cancel();
        String target = (path == null || path.isEmpty() ? "/" : path) + (query.isEmpty() ? "" : "?" + query);
        HttpExchange exchange = new HttpExchange(loop, dns, tls, timeoutMillis, userAgent, MAX_REDIRECTS, new Callback<>() {
            @Override
            public void succeeded(byte[] body) {
                inFlight = null;
                T value;
                try {
                    value = parser.parse(body);
                } catch (TrackerException e) {
                    callback.failed(e.getMessage());
                    return;
                }
                callback.succeeded(value);
            }

            @Override
            public void failed(String reason) {
                inFlight = null;
                callback.failed(reason);
            }
        });
        inFlight = exchange;
        exchange.get(uri, target);
    }

    /** Checks the URL once per request; a bad one fails at once with a reason. */
    static URI parse(String url, Callback<?> callback) {
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                callback.failed("not an HTTP tracker URL");
                return null;
            }
            if (uri.getHost() == null) {
                callback.failed("tracker URL has no host");
                return null;
            }
            return uri;
        } catch (URISyntaxException e) {
            callback.failed("bad tracker URL (" + e.getReason() + ")");
            return null;
        }
    }

    /**
     * A request's bytes: a GET when {@code body} is null, else a POST of {@code body} with
     * {@code headers} (whole lines) and its length.
     */
    static byte[] requestBytes(String host, int port, boolean defaultPort, String target, String userAgent,
                               java.util.List<String> headers, byte[] body) {
        String hostHeader = (host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host)
                + (defaultPort ? "" : ":" + port);
        StringBuilder req = new StringBuilder(body == null ? "GET " : "POST ").append(target).append(" HTTP/1.1\r\n")
                .append("Host: ").append(hostHeader).append("\r\n")
                .append("User-Agent: ").append(userAgent).append("\r\n")
                .append("Accept-Encoding: identity\r\n")
                .append("Connection: close\r\n");
        if (body != null) {
            headers.forEach(h -> req.append(h).append("\r\n"));
            req.append("Content-Length: ").append(body.length).append("\r\n");
        }
        byte[] head = req.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
        if (body == null) {
            return head;
        }
        byte[] all = java.util.Arrays.copyOf(head, head.length + body.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        return all;
    }
}
