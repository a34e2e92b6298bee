package skiff.swarm;

import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import skiff.peer.CloseReason;
import skiff.peer.PeerConnection;

/**
 * Who may stay after the handshake: not ourselves, not a peer banned for corrupt data (by address
 * or, since it may come back from another port, by peer id), not a second connection to the same
 * peer. Loop thread only.
 */
final class Admission {
    private final byte[] ourId;
    private final PeerSet peers;
    private final Map<InetSocketAddress, PeerConnection<PeerState>> connections;
    private final Events events;
    private final Set<String> bannedIds = new HashSet<>();

    /** {@code connections}: the download's live map. */
    Admission(byte[] ourId, PeerSet peers, Map<InetSocketAddress, PeerConnection<PeerState>> connections, Events events) {
        this.ourId = ourId;
        this.peers = peers;
        this.connections = connections;
        this.events = events;
    }

    /** Why a peer that just completed its handshake must go, or null if it may stay. */
    CloseReason refuse(PeerConnection<PeerState> c, byte[] peerId) {
        if (Arrays.equals(peerId, ourId)) {
            peers.ban(c.address());
            return CloseReason.SELF;
        }
        if (bannedIds.contains(HexFormat.of().formatHex(peerId))) {
            return CloseReason.BANNED;
        }
        for (PeerConnection<PeerState> other : connections.values()) {
            if (other != c && other.peerId() != null && Arrays.equals(other.peerId(), peerId) && other.handshakeDone()) {
                return CloseReason.DUPLICATE;
            }
        }
        return null;
    }

    /** A peer proven to have sent corrupt data: closed, and never dialled or accepted again. */
    void ban(InetSocketAddress a) {
        if (peers.banned(a)) {
            return;
        }
        peers.ban(a);
        PeerConnection<PeerState> c = connections.get(a);
        if (c != null && c.peerId() != null) {
            bannedIds.add(HexFormat.of().formatHex(c.peerId()));
        }
        if (c != null) {
            c.close(CloseReason.BANNED, "sent data that failed the hash check");
        }
        events.info("banned " + PeerConnection.name(a) + ": sent corrupt data");
    }
}
