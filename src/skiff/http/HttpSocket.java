package skiff.http;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.security.NoSuchAlgorithmException;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import skiff.loop.Dns;
import skiff.loop.EventLoop;
import skiff.loop.Handler;

/**
 * One TCP connection to an HTTP server, on the loop: the host resolved (an IP literal without
 * DNS), connected, TLS for https (the handshake's slow steps on a worker); then request bytes out
 * as the socket takes them, and reply bytes in. Whoever uses it parses the reply.
 */
public final class HttpSocket implements Handler {
    /** What the socket tells its user, on the loop. */
    public interface Listener {
        /** Reply bytes (or the end of the stream) may be read. */
        void readable();

        /** The connection could not be made, or broke: one line, without a stack trace. */
        void failed(String why);
    }

    private final EventLoop loop;
    private final Dns dns;
    private final Supplier<SSLContext> tls;
    private final Listener listener;
    private SocketChannel channel;
    private SelectionKey key;
    private Transport transport;
    private ByteBuffer request;
    private boolean up;
    private boolean closed;

    /** {@code tls}: the TLS context for https, null for the JDK's default trust store. */
    public HttpSocket(EventLoop loop, Dns dns, Supplier<SSLContext> tls, Listener listener) {
        this.loop = loop;
        this.dns = dns;
        this.tls = tls;
        this.listener = listener;
    }

    private static int port(URI u) {
        return u.getPort() > 0 ? u.getPort() : u.getScheme().equalsIgnoreCase("https") ? 443 : 80;
    }

    /** Starts connecting to {@code u}'s host and port, with TLS if its scheme is https. */
    public void open(URI u) {
        String host = u.getHost();
        String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        int port = port(u);
        boolean https = u.getScheme().equalsIgnoreCase("https");
        InetAddress literal = IpLiteral.parse(bare);
        if (literal != null) {
            connect(new InetSocketAddress(literal, port), https, bare);
        } else {
            dns.resolve(bare, a -> {
                if (!closed) {
                    connect(new InetSocketAddress(a, port), https, bare);
                }
            }, why -> {
                if (!closed) {
                    listener.failed(why);
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
            listener.failed("cannot connect to " + address + ": " + e.getMessage());
        }
    }

    private SSLContext context() throws IOException {
        try {
            return tls != null ? tls.get() : SSLContext.getDefault();
        } catch (NoSuchAlgorithmException e) {
            throw new IOException("TLS is not available in this runtime");
        }
    }

    /**
     * Sends {@code bytes} after what is still unsent (requests may be pipelined): now as far as the
     * socket takes them (its reader is not woken from here), the rest when it can.
     */
    public void send(ByteBuffer bytes) {
        if (request != null && request.hasRemaining()) {
            bytes = ByteBuffer.allocate(request.remaining() + bytes.remaining()).put(request).put(bytes).flip();
        }
        request = bytes;
        if (!up) {
            return; // goes once connected
        }
        try {
            transport.write(request);
            interest();
        } catch (IOException e) {
            loop.execute(() -> failed(e));
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
            failed(e);
            return;
        }
        advance();
    }

    /** A step: the TLS handshake, the request out, then the user hears that bytes may be in. */
    private void advance() {
        if (closed || key == null || !key.isValid()) {
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
            failed(e);
            return;
        }
        listener.readable();
    }

    private void failed(IOException e) {
        if (closed) {
            return;
        }
        String why = e.getMessage() == null ? e.toString() : e.getMessage();
        listener.failed(e instanceof SSLHandshakeException ? "TLS handshake failed: " + why : why);
    }

    /** Waits for the socket; for nothing while TLS work runs on a worker (a readable socket would spin the loop). */
    private void interest() {
        if (key == null || !key.isValid()) {
            return;
        }
        boolean write = request != null && request.hasRemaining() || transport.wantsWrite();
        int ops = transport.working() ? 0 : write ? SelectionKey.OP_WRITE | SelectionKey.OP_READ : SelectionKey.OP_READ;
        if (key.interestOps() != ops) {
            key.interestOps(ops);
        }
    }

    /** Reply bytes: 0 when none are ready (or the connection is not up yet), -1 at the end of the stream. */
    public int read(ByteBuffer dst) throws IOException {
        if (!up || closed) {
            return 0;
        }
        int n = transport.read(dst);
        if (n == 0) {
            interest(); // TLS may have to write (or work on a worker) before more comes
        }
        return n;
    }

    /** Closes the connection; no event follows. */
    public void close() {
        closed = true;
        loop.closeChannel(key, channel);
        key = null;
        channel = null;
    }

    @Override
    public void closed(Throwable cause) {
        if (cause != null && !closed) {
            closed = true;
            listener.failed(cause.getMessage() == null ? cause.toString() : cause.getMessage());
        }
    }
}
