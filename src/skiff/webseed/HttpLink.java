package skiff.webseed;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import skiff.http.IpLiteral;
import skiff.http.PlainTransport;
import skiff.http.TlsTransport;
import skiff.http.Transport;
import skiff.loop.Dns;
import skiff.loop.EventLoop;
import skiff.loop.Handler;

/**
 * One keep-alive HTTP connection of a web seed, on the loop: resolve, connect, TLS for https,
 * then request bytes out and reply bytes in. Reused for the next request to the same scheme,
 * host and port while the server keeps it open.
 */
final class HttpLink implements Handler {
    /** What the link tells its web seed, on the loop. */
    interface Listener {
        /** Reply bytes (or the end of the stream) may be read. */
        void linkReadable();

        void linkFailed(String why);
    }

    private final EventLoop loop;
    private final Dns dns;
    private final Supplier<SSLContext> tls;
    private final Listener listener;
    private String origin;
    private SocketChannel channel;
    private SelectionKey key;
    private Transport transport;
    private ByteBuffer request;
    private boolean up;
    /** Replies read on this connection: a reused one the server closed while idle may be retried. */
    private int replies;
    private boolean closeAfterReply;

    HttpLink(EventLoop loop, Dns dns, Supplier<SSLContext> tls, Listener listener) {
        this.loop = loop;
        this.dns = dns;
        this.tls = tls;
        this.listener = listener;
    }

    static String origin(URI u) {
        String scheme = u.getScheme().toLowerCase(Locale.ROOT);
        return scheme + "://" + u.getHost().toLowerCase(Locale.ROOT) + ":" + port(u);
    }

    private static int port(URI u) {
        return u.getPort() > 0 ? u.getPort() : u.getScheme().equalsIgnoreCase("https") ? 443 : 80;
    }

    /** Sends {@code bytes} to {@code u}'s server: on this connection if it is open to that server, else on a new one. */
    void send(URI u, ByteBuffer bytes) {
        if (channel == null || !origin(u).equals(origin)) {
            open(u);
        }
        request = bytes;
        if (up) {
            try {
                transport.write(request); // the rest when the socket takes it; its reader is not woken from here
                interest();
            } catch (IOException e) {
                loop.execute(() -> listener.linkFailed(e.getMessage() == null ? e.toString() : e.getMessage()));
            }
        }
    }

    /** Whether the connection has carried a reply before (so a close before the next one is the server's idle timeout). */
    boolean reused() {
        return replies > 0;
    }

    void replied() {
        replies++;
    }

    /** The server said it closes after this reply ("Connection: close"). */
    void closeAfterReply() {
        closeAfterReply = true;
    }

    boolean closingAfterReply() {
        return closeAfterReply;
    }

    private void open(URI u) {
        close();
        origin = origin(u);
        String host = u.getHost();
        String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        int port = port(u);
        boolean https = u.getScheme().equalsIgnoreCase("https");
        InetAddress literal = IpLiteral.parse(bare);
        String wanted = origin;
        if (literal != null) {
            connect(new InetSocketAddress(literal, port), https, bare);
        } else {
            dns.resolve(bare, a -> {
                if (wanted.equals(origin) && channel == null) {
                    connect(new InetSocketAddress(a, port), https, bare);
                }
            }, why -> {
                if (wanted.equals(origin) && channel == null) {
                    listener.linkFailed(why);
                }
            });
        }
    }

    private void connect(InetSocketAddress address, boolean https, String host) {
        try {
            channel = SocketChannel.open();
            channel.configureBlocking(false);
            transport = https ? new TlsTransport(channel, context(), host, address.getPort(), dns, this::advance)
                : new PlainTransport(channel);
            boolean connected = channel.connect(address);
            key = loop.register(channel, connected ? SelectionKey.OP_WRITE | SelectionKey.OP_READ : SelectionKey.OP_CONNECT, this);
        } catch (IOException e) {
            listener.linkFailed("cannot connect to " + address + ": " + e.getMessage());
        }
    }

    private SSLContext context() throws IOException {
        try {
            return tls != null ? tls.get() : SSLContext.getDefault();
        } catch (NoSuchAlgorithmException e) {
            throw new IOException("TLS is not available in this runtime");
        }
    }

    @Override
    public void ready(SelectionKey k) {
        try {
            if (k.isConnectable()) {
                if (!channel.finishConnect()) {
                    return;
                }
                k.interestOps(SelectionKey.OP_WRITE | SelectionKey.OP_READ);
            }
        } catch (IOException e) {
            listener.linkFailed(e.getMessage() == null ? e.toString() : e.getMessage());
            return;
        }
        advance();
    }

    /** A step: the TLS handshake, the request out, then the reader hears that bytes may be in. */
    private void advance() {
        if (key == null || !key.isValid()) {
            return;
        }
        try {
            if (!transport.handshake()) {
                interest();
                return;
            }
            up = true;
            if (request != null && request.hasRemaining()) {
                transport.write(request);
            }
            interest();
        } catch (IOException e) {
            listener.linkFailed(e.getMessage() == null ? e.toString() : e.getMessage());
            return;
        }
        listener.linkReadable();
    }

    /** Waits for the socket; for nothing while TLS work runs on a worker (a readable socket would spin the loop). */
    private void interest() {
        boolean write = request != null && request.hasRemaining() || transport.wantsWrite();
        key.interestOps(transport.working() ? 0 : write ? SelectionKey.OP_WRITE | SelectionKey.OP_READ : SelectionKey.OP_READ);
    }

    /** Reply bytes: 0 when none are ready, -1 at the end of the stream. */
    int read(ByteBuffer dst) throws IOException {
        if (!up || key == null) {
            return 0;
        }
        int n = transport.read(dst);
        if (n == 0 && transport.wantsWrite()) {
            interest(); // TLS may need to answer (a key update) before more comes
        }
        return n;
    }

    void close() {
        if (key != null) {
            loop.close(key, null);
        } else if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing to do about a failed close
            }
        }
        key = null;
        channel = null;
        transport = null;
        origin = null;
        up = false;
        replies = 0;
        request = null;
        closeAfterReply = false;
    }

    @Override
    public void closed(Throwable cause) {
        if (cause != null && key != null) {
            key = null;
            listener.linkFailed(cause.getMessage() == null ? cause.toString() : cause.getMessage());
        }
    }
}
