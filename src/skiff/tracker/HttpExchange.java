package skiff.tracker;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import skiff.http.PlainTransport;
import skiff.http.TlsTransport;
import skiff.http.Transport;
import skiff.loop.Dns;
import skiff.loop.EventLoop;
import skiff.loop.Handler;
import skiff.loop.Timer;

/**
 * One HTTP request on the loop (a GET following redirects, or a POST): resolve, connect, (TLS),
 * send, read the reply with every size capped, all within one deadline. Calls back exactly once
 * unless aborted.
 */
final class HttpExchange implements Handler {
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
    private SelectionKey key;
    private SocketChannel channel;
    private Transport transport;
    private ByteBuffer request;
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
        request = ByteBuffer.wrap(HttpTracker.requestBytes(bareHost, port, target.getPort() <= 0, pathAndQuery, userAgent,
            postHeaders, postBody));
        reader = new HttpResponseReader();
        InetAddress literal = skiff.http.IpLiteral.parse(bareHost);
        if (literal != null) {
            open(new InetSocketAddress(literal, port), https, bareHost);
        } else {
            dns.resolve(bareHost, a -> {
                if (!finished) {
                    open(new InetSocketAddress(a, port), https, bareHost);
                }
            }, this::fail);
        }
    }

    private void open(InetSocketAddress address, boolean https, String host) {
        try {
            channel = SocketChannel.open();
            channel.configureBlocking(false);
            transport = https ? new TlsTransport(channel, context(), host, address.getPort(), dns, this::advance)
                : new PlainTransport(channel);
            boolean connected = channel.connect(address);
            key = loop.register(channel, connected ? SelectionKey.OP_WRITE | SelectionKey.OP_READ : SelectionKey.OP_CONNECT, this);
        } catch (IOException e) {
            fail("cannot connect to " + address + ": " + e.getMessage());
        }
    }

    private SSLContext context() throws SSLException {
        try {
            return tls != null ? tls.get() : SSLContext.getDefault();
        } catch (NoSuchAlgorithmException e) {
            throw new SSLException("TLS is not available in this runtime");
        }
    }

    @Override
    public void ready(SelectionKey k) throws IOException {
        if (finished) {
            return;
        }
        try {
            if (k.isConnectable()) {
                if (!channel.finishConnect()) {
                    return;
                }
                k.interestOps(SelectionKey.OP_WRITE | SelectionKey.OP_READ);
            }
        } catch (IOException e) {
            fail(e.getMessage() == null ? e.toString() : e.getMessage());
            return;
        }
        advance();
    }

    /** One more step of the exchange: from a ready socket, or when TLS work done on a worker wakes it. */
    private void advance() {
        if (finished || key == null || !key.isValid()) {
            return;
        }
        try {
            step();
        } catch (SSLHandshakeException e) {
            fail("TLS handshake failed: " + e.getMessage());
        } catch (TrackerException e) {
            fail(e.getMessage());
        } catch (IOException e) {
            fail(e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    private void step() throws IOException, TrackerException {
        if (!transport.handshake()) {
            idle();
            return;
        }
        if (request.hasRemaining()) {
            transport.write(request);
        }
        boolean moreToWrite = request.hasRemaining() || transport.wantsWrite();
        key.interestOps(moreToWrite ? SelectionKey.OP_WRITE | SelectionKey.OP_READ : SelectionKey.OP_READ);
        while (true) {
            readBuffer.clear();
            int n = transport.read(readBuffer);
            if (n == 0) {
                if (transport.working()) {
                    idle();
                }
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
        complete();
    }

    /** Waits for the socket, or for nothing while TLS work runs on a worker (a readable socket would spin the loop). */
    private void idle() {
        int ops = transport.working() ? 0 : transport.wantsWrite() ? SelectionKey.OP_WRITE | SelectionKey.OP_READ : SelectionKey.OP_READ;
        key.interestOps(ops);
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
        if (key != null) {
            loop.close(key, null);
            key = null;
        } else if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing to do about a failed close
            }
        }
        channel = null;
    }

    @Override
    public void closed(Throwable cause) {
        if (cause != null) {
            fail(cause.getMessage() == null ? cause.toString() : cause.getMessage());
        }
    }
}
