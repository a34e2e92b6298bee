package skiff.session;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import skiff.loop.EventLoop;
import skiff.peer.PeerStream;
import skiff.swarm.PeerNetwork;

/**
 * Takes every incoming connection on the session's port and hands it to the torrent its
 * handshake names (the info-hash, BEP 3), or drops it: a torrent we do not run, not a BitTorrent
 * handshake, too slow, or too many waiting at once. Loop thread only.
 */
final class Router implements PeerNetwork.Acceptor {
    /** libtorrent's handshake_timeout: long enough for a slow link, short enough that idlers go. */
    static final long HANDSHAKE_TIMEOUT_MILLIS = 10_000;
    /** Connections waiting for their handshake at once; past it new ones are closed. */
    static final int MAX_UNROUTED = 64;

    /** What became of an incoming connection. */
    enum Outcome { ROUTED, UNKNOWN_TORRENT, NOT_BITTORRENT, TIMED_OUT, CLOSED_EARLY, BUSY }

    private final EventLoop loop;
    private final Map<ByteBuffer, PeerNetwork.Acceptor> torrents = new HashMap<>();
    private final EnumMap<Outcome, Integer> outcomes = new EnumMap<>(Outcome.class);
    private int unrouted;

    Router(EventLoop loop) {
        this.loop = loop;
    }

    EventLoop loop() {
        return loop;
    }

    /** Incoming connections naming {@code infoHash} go to {@code acceptor} from now on. */
    void add(byte[] infoHash, PeerNetwork.Acceptor acceptor) {
        torrents.put(ByteBuffer.wrap(infoHash.clone()), acceptor);
    }

    void remove(byte[] infoHash) {
        torrents.remove(ByteBuffer.wrap(infoHash));
    }

    PeerNetwork.Acceptor torrent(byte[] infoHash) {
        return torrents.get(ByteBuffer.wrap(infoHash));
    }

    @Override
    public void accepted(PeerStream stream, InetSocketAddress from) {
        if (unrouted >= MAX_UNROUTED || torrents.isEmpty()) {
            count(torrents.isEmpty() ? Outcome.UNKNOWN_TORRENT : Outcome.BUSY);
            stream.release();
            return;
        }
        unrouted++;
        RoutedStream r = new RoutedStream(this, stream, from);
        try {
            r.sniff(HANDSHAKE_TIMEOUT_MILLIS);
        } catch (IOException e) {
            r.closedBeforeRouting();
        }
    }

    /** A connection stopped waiting: routed, or dropped for {@code why}. */
    void unrouted(Outcome why) {
        unrouted--;
        count(why);
    }

    private void count(Outcome o) {
        outcomes.merge(o, 1, Integer::sum);
    }

    /** Incoming connections by what became of them, for the debug log and tests. */
    Map<Outcome, Integer> outcomes() {
        return new EnumMap<>(outcomes);
    }

    int waiting() {
        return unrouted;
    }
}
