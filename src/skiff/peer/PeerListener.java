package skiff.peer;

import skiff.metainfo.Bitfield;

/** What a connection reports to its swarm. Called on the loop thread. */
public interface PeerListener {
    /** The TCP connection is up (outgoing only); the handshake goes out next. */
    void connected(PeerConnection c);

    /** A valid handshake for our torrent arrived; return a reason to refuse it, or null to go on. */
    CloseReason handshaken(PeerConnection c, byte[] peerId, byte[] reserved);

    void choked(PeerConnection c, boolean choked);

    void interested(PeerConnection c, boolean interested);

    void have(PeerConnection c, int piece);

    void bitfield(PeerConnection c, Bitfield pieces);

    void request(PeerConnection c, int piece, int begin, int length);

    void cancel(PeerConnection c, int piece, int begin, int length);

    /** A block is about to arrive; return whether we asked for it (if not its bytes are discarded). */
    boolean blockStarting(PeerConnection c, int piece, int begin, int length);

    /** A block we asked for is fully in storage. */
    void blockReceived(PeerConnection c, int piece, int begin, int length);

    /** A block we asked for was cut off by the connection closing: nobody is sending it now. */
    default void blockAbandoned(PeerConnection c, int piece, int begin, int length) {
    }

    void closed(PeerConnection c, CloseReason reason, String detail);
}
