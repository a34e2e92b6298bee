package skiff.tracker;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import skiff.http.HttpSocket;
import skiff.loop.Dns;
import skiff.loop.EventLoop;
import skiff.loop.Timer;

/**
 * One HTTP request on the loop (a GET following redirects, or a POST): resolve, connect, (TLS),
 * send, read the reply with every size capped, all within one deadline. Calls back exactly once
 * unless aborted.
 */
final class HttpExchange {
    private static final int READ_CHUNK_BYTES = 16 << 10;

    private final EventLoop loop;
    private final Dns dns;
    private final Supplier<SSLContext> tls;
    private final long timeoutMillis;
    private final String userAgent;
    private final Tracker.Callback<HttpReply> callback;
    /** A POST's headers (whole lines) and body; null for a GET. */
    private List<String> postHeaders;
    private byte[] postBody;
    private int redirectsLeft;
    private Timer deadline;
    private HttpSocket socket;
    private HttpResponseReader reader;
    private URI uri;
    private boolean finished;
    private final ByteBuffer readBuffer = ByteBuffer.allocate(READ_CHUNK_BYTES);

    HttpExchange(EventLoop loop, Dns dns, Supplier<SSLContext> tls, long timeoutMillis, String userAgent,
                 int maxRedirects, Tracker.Callback<byte[]> callback) {
        this(loop, dns, tls, timeoutMillis, userAgent, maxRedirects, callback, true);
    }

    /** Any status is an answer: {@code callback} hears it and the body (a SOAP fault comes as HTTP 500). */
    HttpExchange(EventLoop loop, Dns dns, Supplier<SSLContext> tls, long timeoutMillis, String userAgent,
                 Tracker.Callback<HttpReply> callback) {
        this(loop, dns, tls, timeoutMillis, userAgent, 0, callback, false);
    }

    @SuppressWarnings("unchecked")
    private HttpExchange(EventLoop loop, Dns dns, Supplier<SSLContext> tls, long timeoutMillis, String userAgent,
                         int maxRedirects, Tracker.Callback<?> callback, boolean okOnly) {
        this.loop = loop;
        this.dns = dns;
        this.tls = tls;
        this.timeoutMillis = timeoutMillis;
        this.userAgent = userAgent;
        this.redirectsLeft = maxRedirects;
        this.callback = okOnly ? okOnly((Tracker.Callback<byte[]>) callback) : (Tracker.Callback<HttpReply>) callback;
    }

    /** For a GET: the body of an HTTP 200, any other status a failure. */
    private static Tracker.Callback<HttpReply> okOnly(Tracker.Callback<byte[]> c) {
        return new Tracker.Callback<>() {
            @Override
            public void succeeded(HttpReply r) {
                if (r.status() == 200) {
                    c.succeeded(r.body());
                } else {
                    c.failed("tracker answered HTTP " + r.status());
                }
            }

            @Override
            public void failed(String reason) {
                c.failed(reason);
            }
        };
    }

    void get(URI target, String pathAndQuery) {
        deadline = loop.schedule(timeoutMillis, () -> fail("timed out after " + timeoutMillis / 1000 + " s"));
        connect(target, pathAndQuery);
    }

    /** POSTs {@code body} with {@code headers} (whole lines, such as a SOAPAction); redirects are not followed. */
    void post(URI target, String pathAndQuery, List<String> headers, byte[] body) {
        this.postHeaders = headers;
        this.postBody = body;
        get(target, pathAndQuery);
    }

    void abort() {
        finished = true;
        cleanup();
    }

    private void connect(URI target, String pathAndQuery) {
        this.uri = target;
        boolean https = target.getScheme().toLowerCase(Locale.ROOT).equals("https");
        int port = target.getPort() > 0 ? target.getPort() : https ? 443 : 80;
        String host = target.getHost();
        String bareHost = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        reader = new HttpResponseReader();
        socket = new HttpSocket(loop, dns, tls, new HttpSocket.Listener() {
            @Override
            public void readable() {
                read();
            }

            @Override
            public void failed(String why) {
                fail(why);
            }
        });
        socket.open(target);
        socket.send(ByteBuffer.wrap(HttpTracker.requestBytes(bareHost, port, target.getPort() <= 0, pathAndQuery, userAgent,
            postHeaders, postBody)));
    }

    /** Reads what the socket has; the reply complete, the exchange is. */
    private void read() {
        if (finished) {
            return;
        }
        try {
            while (true) {
                readBuffer.clear();
                int n = socket.read(readBuffer);
                if (n == 0) {
                    return;
                }
                if (n < 0) {
                    reader.endOfStream();
                    break;
                }
                if (reader.feed(readBuffer.array(), 0, n)) {
                    break;
                }
            }
        } catch (TrackerException e) {
            fail(e.getMessage());
            return;
        } catch (IOException e) {
            fail(e.getMessage() == null ? e.toString() : e.getMessage());
            return;
        }
        complete();
    }

    private void complete() {
        cleanup();
        int status = reader.status();
        if (status >= 300 && status < 400 && reader.header("location") != null) {
            redirect(reader.header("location"));
            return;
        }
        finish();
        callback.succeeded(new HttpReply(status, reader.body()));
    }

    private void redirect(String location) {
        if (redirectsLeft-- <= 0) {
            fail("too many redirects");
            return;
        }
        try {
            URI next = uri.resolve(new URI(location.trim()));
            String scheme = next.getScheme() == null ? "" : next.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") || next.getHost() == null) {
                fail("tracker redirected to an unusable URL");
                return;
            }
            String target = (next.getRawPath() == null || next.getRawPath().isEmpty() ? "/" : next.getRawPath())
                    + (next.getRawQuery() == null ? "" : "?" + next.getRawQuery());
            connect(next, target);
        } catch (URISyntaxException | IllegalArgumentException e) {
            fail("tracker redirected to a bad URL");
        }
    }

    private void fail(String reason) {
        if (finished) {
            return;
        }
        finish();
        cleanup();
        callback.failed(reason);
    }

    private void finish() {
        finished = true;
        if (deadline != null) {
            deadline.cancel();
        }
    }

    private void cleanup() {
        if (socket != null) {
            socket.close();
            socket = null;
        }
    }

}
