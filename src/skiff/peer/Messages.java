package skiff.peer;

import java.util.HashSet;
import java.util.Set;
import skiff.metainfo.Bitfield;

/**
 * What we say to one peer: BEP 3's messages, BEP 5's PORT and BEP 6's Fast ones, queued in its
 * {@link Outbox}; with what our side declared (choking, interested) and the pieces we allowed it
 * while choked. A message the send buffer cannot take closes the connection: a peer that does not
 * read what we send. Loop thread only.
 */
public final class Messages {
    /** Queued haves (9 bytes each) go out once this many bytes wait, if nothing carried them sooner. */
    static final int LAZY_BYTES = 512;

    private final Outbox outbox;
    private final PeerConnection<?> conn;
    private boolean choking = true;
    private boolean interested;
    /** BEP 6: both sides speak the Fast extension; the pieces we allowed the peer while choked. */
    private boolean fast;
    private final Set<Integer> allowedFast = new HashSet<>();

    Messages(Outbox outbox, PeerConnection<?> conn) {
        this.outbox = outbox;
        this.conn = conn;
    }

    public void choke(boolean choke) {
        if (choking == choke) {
            return;
        }
        choking = choke;
        if (choke) { // BEP 3: choking a peer discards the requests it made
            for (int[] r : outbox.clearUploads()) {
                reject(r[0], r[1], r[2]); // BEP 6: a choke rejects each queued request; without it they go silently
            }
        }
        simple(choke ? Wire.CHOKE : Wire.UNCHOKE);
    }

    public void interested(boolean yes) {
        if (interested != yes) {
            interested = yes;
            simple(yes ? Wire.INTERESTED : Wire.NOT_INTERESTED);
        }
    }

    /**
     * A have that goes out with this peer's next write (our requests, or the swarm's tick): one
     * write for many. Past {@link #LAZY_BYTES} queued it goes at once, so the buffer stays small.
     */
    public void have(int piece) {
        if (sent(outbox.message(Wire.HAVE, piece), 9) && outbox.queuedBytes() >= LAZY_BYTES) {
            conn.flush();
        }
    }

    /** BEP 6: the peer's request will not be served; only under the Fast extension, else nothing is sent. */
    public void reject(int piece, int begin, int length) {
        if (fast && sent(outbox.message(Wire.REJECT, piece, begin, length), 17)) {
            conn.counters.rejectsSent++;
        }
    }

    /** BEP 5's PORT: the UDP port of our DHT node, for a peer that set the DHT bit. */
    public void port(int port) {
        sent(outbox.port(port), 7);
    }

    /** BEP 6: instead of a bitfield, when we have every piece or none. */
    public void haveAll(boolean all) {
        simple(all ? Wire.HAVE_ALL : Wire.HAVE_NONE);
    }

    /** BEP 6: the peer may ask for {@code piece} even while we choke it; we serve it. */
    public void allowedFast(int piece) {
        if (fast && allowedFast.add(piece)) {
            sent(outbox.message(Wire.ALLOWED_FAST, piece), 9);
        }
    }

    public void bitfield(Bitfield pieces) {
        byte[] b = pieces.toBytes();
        if (sent(outbox.bitfield(b), 5 + b.length)) {
            conn.flush();
        }
    }

    /** Queues a request without flushing; call {@link PeerConnection#flush()} after a batch. */
    public void request(int piece, int begin, int length) {
        sent(outbox.message(Wire.REQUEST, piece, begin, length), 17);
    }

    public void cancel(int piece, int begin, int length) {
        if (sent(outbox.message(Wire.CANCEL, piece, begin, length), 17)) {
            conn.flush();
        }
    }

    public void keepAlive() {
        if (sent(outbox.raw(new byte[4]), 4)) {
            conn.flush();
        }
    }

    private void simple(int id) {
        if (sent(outbox.message(id), 5)) {
            conn.flush();
        }
    }

    /** A whole message made elsewhere (a handshake, an extension message), queued as it is. */
    void raw(byte[] bytes) {
        sent(outbox.raw(bytes), bytes.length);
    }

    /**
     * Whether a message of {@code bytes} went into the send buffer ({@code fit}); one that did not
     * fit closes the connection, and a closed one takes none.
     */
    private boolean sent(boolean fit, int bytes) {
        if (conn.isClosed()) {
            return false;
        }
        if (!fit) {
            conn.close(CloseReason.SEND_QUEUE_FULL, outbox.queuedBytes() + bytes + " bytes queued");
        }
        return fit;
    }

    boolean choking() {
        return choking;
    }

    boolean interested() {
        return interested;
    }

    boolean fast() {
        return fast;
    }

    /** Set once both handshakes are in: whether both sides set BEP 6's bit. */
    void fast(boolean both) {
        fast = both;
    }

    boolean allowed(int piece) {
        return allowedFast.contains(piece);
    }
}
