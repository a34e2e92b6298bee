package skiff.session;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import skiff.loop.Timer;
import skiff.mse.MseException;
import skiff.mse.MseStream;
import skiff.peer.PeerStream;

/**
 * An incoming stream while the {@link Router} reads the start of the peer's handshake, and after:
 * the bytes read to route it are replayed to the torrent's connection, so its codec sees the
 * whole handshake as if it had read it itself. Loop thread only.
 */
final class RoutedStream implements PeerStream {
    /** BEP 3: pstrlen, "BitTorrent protocol", 8 reserved bytes, then the 20-byte info-hash. */
    static final int HEAD_BYTES = 1 + 19 + 8 + 20;
    private static final byte[] PROTOCOL = "\u0013BitTorrent protocol".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final Router router;
    private final PeerStream inner;
    /** What the head and everything after it is read from: the socket, or an MSE layer over it. */
    private PeerStream source;
    /** Where the socket's events go: the sniffer, or the MSE layer while it shakes hands. */
    private Events current = new Sniffer();
    private final Events sniffer = current;
    private MseStream mse;
    private final InetSocketAddress from;
    private final ByteBuffer head = ByteBuffer.allocate(HEAD_BYTES);
    private Events target;
    private Timer timeout;
    private boolean routed;
    private boolean released;

    RoutedStream(Router router, PeerStream inner, InetSocketAddress from) {
        this.router = router;
        this.inner = inner;
        this.source = inner;
        this.from = from;
    }

    /** Starts reading the head, for at most {@code timeoutMillis}. */
    void sniff(long timeoutMillis) throws IOException {
        timeout = router.loop().schedule(timeoutMillis, () -> drop(Router.Outcome.TIMED_OUT));
        inner.start(new Relay());
    }

    /** The stream beneath could not even start: counted as closed early. */
    void closedBeforeRouting() {
        drop(Router.Outcome.CLOSED_EARLY);
    }

    private void drop(Router.Outcome why) {
        if (!routed && !released) {
            released = true;
            timeout.cancel();
            router.unrouted(why);
            source.release();
        }
    }

    /** The head is in: a BitTorrent handshake for a torrent we run goes to it, anything else is dropped. */
    private void route() {
        byte[] h = head.array();
        skiff.swarm.PeerNetwork.Acceptor torrent = router.torrent(java.util.Arrays.copyOfRange(h, 28, HEAD_BYTES));
        if (torrent == null) {
            drop(Router.Outcome.UNKNOWN_TORRENT);
            return;
        }
        routed = true;
        timeout.cancel();
        router.unrouted(Router.Outcome.ROUTED);
        if (mse != null) {
            router.encrypted();
        }
        head.flip();
        torrent.accepted(this, from);
    }

    /** Whether the bytes so far can begin a BitTorrent handshake: anything else is dropped at its first byte. */
    private boolean mayBeBitTorrent() {
        int n = Math.min(head.position(), PROTOCOL.length);
        return java.util.Arrays.equals(head.array(), 0, n, PROTOCOL, 0, n);
    }

    /**
     * The first bytes were not a plain handshake: an encrypted one (MSE) starts with a random
     * public key instead. The MSE layer takes over the socket with the bytes read so far, and the
     * plain handshake is then read from what it decrypts, as from a plain socket.
     */
    private void startEncrypted() throws IOException {
        skiff.mse.Encryption e = router.encryption();
        head.flip();
        mse = MseStream.accept(inner, head, e.methods(), e.preferRc4(), router::torrentByRequestKey, router.random());
        head.clear();
        source = mse;
        current = mse.beneath();
        mse.start(sniffer);
    }

    /** The replayed head: the stream beneath will not say readable for bytes we already hold. */
    private void replayHead() {
        if (target == null || released || !head.hasRemaining()) {
            return;
        }
        try {
            target.readable();
        } catch (IOException e) {
            release();
            target.closed(e);
        }
    }

    // ---- PeerStream, for the torrent's connection once routed ----

    @Override
    public void start(Events events) {
        target = events;
        events.connected();
        router.loop().execute(this::replayHead);
    }

    @Override
    public boolean connected() {
        return true;
    }

    @Override
    public void wantWrite(boolean want) {
        source.wantWrite(want);
    }

    @Override
    public void release() {
        released = true;
        source.release();
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        int n = replay(dst);
        if (dst.hasRemaining()) {
            int more = source.read(dst);
            return more < 0 ? (n > 0 ? n : -1) : n + more;
        }
        return n;
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        long n = 0;
        for (int i = offset; i < offset + length && head.hasRemaining(); i++) {
            n += replay(dsts[i]);
        }
        if (head.hasRemaining()) {
            return n;
        }
        long more = source.read(dsts, offset, length);
        return more < 0 ? (n > 0 ? n : -1) : n + more;
    }

    private int replay(ByteBuffer dst) {
        if (!routed || !head.hasRemaining()) {
            return 0;
        }
        int n = Math.min(head.remaining(), dst.remaining());
        int limit = head.limit();
        head.limit(head.position() + n);
        dst.put(head);
        head.limit(limit);
        return n;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        return source.write(src);
    }

    @Override
    public java.nio.channels.WritableByteChannel fileTarget() {
        return source.fileTarget(); // writes pass straight through: so may a file's bytes
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        return source.write(srcs, offset, length);
    }

    @Override
    public String transport() {
        return source.transport();
    }

    @Override
    public boolean isOpen() {
        return source.isOpen();
    }

    @Override
    public void close() throws IOException {
        released = true;
        source.close();
    }

    /** The socket's events, to whoever reads it now. */
    private final class Relay implements Events {
        @Override
        public void connected() {
            current.connected();
        }

        @Override
        public void connectFailed(String why) {
            current.connectFailed(why);
        }

        @Override
        public void readable() throws IOException {
            current.readable();
        }

        @Override
        public void writable() {
            current.writable();
        }

        @Override
        public void closed(Throwable cause) {
            current.closed(cause);
        }
    }

    /** Reads the head while unrouted, then passes the events on. */
    private final class Sniffer implements Events {
        @Override
        public void connected() {
            // accepted streams start connected; the torrent's connection hears it in start()
        }

        @Override
        public void connectFailed(String why) {
            drop(Router.Outcome.NOT_BITTORRENT); // not for accepted streams; dropped if it ever came
        }

        @Override
        public void readable() throws IOException {
            if (routed) {
                if (target != null) {
                    target.readable();
                }
                return;
            }
            int n = source.read(head);
            if (n < 0) {
                drop(Router.Outcome.CLOSED_EARLY);
            } else if (!mayBeBitTorrent()) {
                if (mse == null && router.encryption().acceptsEncrypted()) {
                    startEncrypted();
                } else {
                    drop(Router.Outcome.NOT_BITTORRENT);
                }
            } else if (!head.hasRemaining()) {
                if (mse == null && !router.encryption().acceptsPlain()) {
                    drop(Router.Outcome.PLAIN_REFUSED);
                } else {
                    route();
                }
            }
        }

        @Override
        public void writable() {
            if (target != null) {
                target.writable();
            }
        }

        @Override
        public void closed(Throwable cause) {
            if (target != null) {
                target.closed(cause);
            } else if (!routed && !released) {
                released = true;
                timeout.cancel();
                router.unrouted(cause instanceof MseException m
                    ? (m.unknownTorrent() ? Router.Outcome.UNKNOWN_TORRENT : Router.Outcome.BAD_ENCRYPTION)
                    : Router.Outcome.CLOSED_EARLY);
            }
        }
    }
}
