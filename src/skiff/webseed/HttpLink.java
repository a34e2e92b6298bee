package skiff.webseed;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import skiff.http.HttpSocket;
import skiff.loop.Dns;
import skiff.loop.EventLoop;

/**
 * A web seed's HTTP connection, kept alive: reused for the next request to the same scheme, host
 * and port while the server keeps it open, opened anew for another.
 */
final class HttpLink implements HttpSocket.Listener {
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
    private HttpSocket socket;
    private String origin;
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
        int port = u.getPort() > 0 ? u.getPort() : scheme.equals("https") ? 443 : 80;
        return scheme + "://" + u.getHost().toLowerCase(Locale.ROOT) + ":" + port;
    }

    /** Sends {@code bytes} to {@code u}'s server: on this connection if it is open to that server, else on a new one. */
    void send(URI u, ByteBuffer bytes) {
        if (socket == null || !origin(u).equals(origin)) {
            close();
            origin = origin(u);
            socket = new HttpSocket(loop, dns, tls, this);
            socket.open(u);
        }
        socket.send(bytes);
    }

    /** Whether the connection is open (or opening) to {@code u}'s server. */
    boolean goesTo(URI u) {
        return socket != null && origin(u).equals(origin);
    }

    /** A GET of bytes [{@code offset}, {@code offset + length}) of {@code u}, on a connection kept alive. */
    static byte[] rangeRequest(URI u, long offset, long length, String userAgent) {
        String target = (u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath())
                + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
        String host = u.getRawAuthority().substring(u.getRawAuthority().indexOf('@') + 1);
        return ("GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: " + userAgent
                + "\r\nRange: bytes=" + offset + "-" + (offset + length - 1)
                + "\r\nAccept-Encoding: identity\r\nConnection: keep-alive\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
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

    /** Reply bytes: 0 when none are ready, -1 at the end of the stream. */
    int read(ByteBuffer dst) throws IOException {
        return socket == null ? 0 : socket.read(dst);
    }

    void close() {
        if (socket != null) {
            socket.close();
        }
        socket = null;
        origin = null;
        replies = 0;
        closeAfterReply = false;
    }

    @Override
    public void readable() {
        listener.linkReadable();
    }

    @Override
    public void failed(String why) {
        listener.linkFailed(why);
    }
}
