package skiff.swarm;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import skiff.peer.ExtensionHandshake;
import skiff.peer.PeerConnection;
import skiff.peer.PexMessage;

/**
 * Peer exchange (BEP 11) for one torrent: each peer that speaks {@code ut_pex} hears, at most once
 * a minute, which peers we connected to and left since our last message to it, 50 of each at
 * most (libtorrent's limits); what peers tell us goes into the bounded peer set. Never used for a
 * private torrent (BEP 27): the caller does not make one. Loop thread only.
 */
final class Pex {
    /** BEP 11: no more than one message a minute. */
    static final long INTERVAL_MILLIS = 60_000;
    static final int MAX_ADDED = 50;
    static final int MAX_DROPPED = 50;
    /** A peer's messages closer together than this are ignored: honest ones come a minute apart. */
    static final long MIN_RECEIVE_GAP_MILLIS = 20_000;

    private final PeerSet peers;

    Pex(PeerSet peers) {
        this.peers = peers;
    }

    /** Sends each peer that is due what changed since our last message to it. */
    void tick(long now, Collection<PeerConnection<PeerState>> connections) {
        List<InetSocketAddress> current = new ArrayList<>();
        List<Byte> flags = new ArrayList<>();
        for (PeerConnection<PeerState> c : connections) {
            InetSocketAddress a = listening(c);
            if (a != null) {
                current.add(a);
                flags.add(flags(c));
            }
        }
        for (PeerConnection<PeerState> c : connections) {
            PeerState s = c.state();
            if (!c.handshakeDone() || c.extensions() == null || c.extensions().id("ut_pex") == 0
                    || s.pexSentMillis >= 0 && now - s.pexSentMillis < INTERVAL_MILLIS) {
                continue;
            }
            InetSocketAddress self = listening(c);
            List<InetSocketAddress> added = new ArrayList<>();
            List<Byte> addedFlags = new ArrayList<>();
            for (int i = 0; i < current.size() && added.size() < MAX_ADDED; i++) {
                InetSocketAddress a = current.get(i);
                if (!a.equals(self) && !s.pexSent.contains(a)) {
                    added.add(a);
                    addedFlags.add(flags.get(i));
                }
            }
            List<InetSocketAddress> dropped = new ArrayList<>();
            for (InetSocketAddress a : s.pexSent) {
                if (dropped.size() < MAX_DROPPED && !current.contains(a)) {
                    dropped.add(a);
                }
            }
            if (added.isEmpty() && dropped.isEmpty() && s.pexSentMillis >= 0) {
                continue;
            }
            byte[] f = new byte[addedFlags.size()];
            for (int i = 0; i < f.length; i++) {
                f[i] = addedFlags.get(i);
            }
            if (c.sendExtended("ut_pex", new PexMessage(added, f, dropped).message())) {
                s.pexSentMillis = now;
                s.pexSent.addAll(added);
                dropped.forEach(s.pexSent::remove);
            }
        }
    }

    /** A peer's message: its added peers join the peer set. Returns how many were new. */
    int received(PeerConnection<PeerState> c, byte[] b, int offset, int length, long now) {
        PeerState s = c.state();
        if (s.pexReceivedMillis >= 0 && now - s.pexReceivedMillis < MIN_RECEIVE_GAP_MILLIS) {
            return 0;
        }
        s.pexReceivedMillis = now;
        PexMessage m = PexMessage.parse(b, offset, length);
        return m == null ? 0 : peers.add(m.added());
    }

    /** BEP 11's flags for a peer, from what we saw of it: a seed, reachable (we dialled it), over uTP, encrypted. */
    static byte flags(PeerConnection<PeerState> c) {
        String how = c.transport();
        return (byte) ((c.peerPieces().complete() ? PexMessage.FLAG_SEED : 0) | (c.outgoing() ? PexMessage.FLAG_REACHABLE : 0)
                | (how.startsWith("utp") ? PexMessage.FLAG_UTP : 0) | (how.contains("encrypted") ? PexMessage.FLAG_ENCRYPTION : 0));
    }

    /**
     * Where a connected peer listens: the address we dialled, or for an incoming peer its address
     * with the port its extension handshake named (its own port is ephemeral); null if unknown.
     */
    static InetSocketAddress listening(PeerConnection<PeerState> c) {
        if (!c.handshakeDone() || WebSeeds.is(c)) {
            return null; // a web seed is no peer to tell others of
        }
        if (c.outgoing()) {
            return c.address();
        }
        ExtensionHandshake h = c.extensions();
        return h == null || h.port() <= 0 ? null : new InetSocketAddress(c.address().getAddress(), h.port());
    }

    /** For PeerState: what we told a peer. */
    static Set<InetSocketAddress> newSentSet() {
        return new HashSet<>();
    }
}
