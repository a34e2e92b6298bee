package skiff.peer;

import skiff.metainfo.Bitfield;

/** What a connection reports to its swarm. Called on the loop thread. */
/** {@code S}: the swarm's per-peer state, as each connection carries it. */
public interface PeerListener<S> {
    /** The TCP connection is up (outgoing only); the handshake goes out next. */
    void connected(PeerConnection<S> c);

    /** A valid handshake for our torrent arrived; return a reason to refuse it, or null to go on. */
    CloseReason handshaken(PeerConnection<S> c, byte[] peerId, byte[] reserved);

    void choked(PeerConnection<S> c, boolean choked);

    void interested(PeerConnection<S> c, boolean interested);

    void have(PeerConnection<S> c, int piece);

    void bitfield(PeerConnection<S> c, Bitfield pieces);

    void request(PeerConnection<S> c, int piece, int begin, int length);

    void cancel(PeerConnection<S> c, int piece, int begin, int length);

    /** A block is about to arrive; return whether we asked for it (if not its bytes are discarded). */
    boolean blockStarting(PeerConnection<S> c, int piece, int begin, int length);

    /**
     * A block's payload is all here and about to be written: whether it still is (in endgame another
     * peer's copy may have come first).
     */
    default boolean blockStillWanted(PeerConnection<S> c, int piece, int begin) {
        return true;
    }

    /** A block we asked for is fully in storage. */
    void blockReceived(PeerConnection<S> c, int piece, int begin, int length);

    /** A block we asked for was cut off by the connection closing: nobody is sending it now. */
    default void blockAbandoned(PeerConnection<S> c, int piece, int begin, int length) {
    }

    /** BEP 6: the peer will not send a block we asked for. */
    /** BEP 5's PORT: the peer's DHT node listens on this UDP port. */
    default void port(PeerConnection<S> c, int port) {
    }

    default void rejected(PeerConnection<S> c, int piece, int begin, int length) {
    }

    /** The peer's extension handshake (BEP 10) arrived. */
    default void extensionHandshake(PeerConnection<S> c, ExtensionHandshake h) {
    }

    /** An extended message (BEP 10) under our id {@code id}: its payload is {@code length} bytes of {@code b} from {@code offset}, valid during the call. */
    default void extended(PeerConnection<S> c, int id, byte[] b, int offset, int length) {
    }

    void closed(PeerConnection<S> c, CloseReason reason, String detail);
}
