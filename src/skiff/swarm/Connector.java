package skiff.swarm;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import skiff.loop.EventLoop;
import skiff.peer.TorrentShape;
import skiff.peer.BlockSink;
import skiff.peer.BlockSource;
import skiff.peer.CloseReason;
import skiff.peer.PeerConnection;
import skiff.peer.PeerListener;
import skiff.peer.PeerStream;

/**
 * Makes connections: dials the peer set's candidates and takes incoming ones, up to the peer
 * limit, never two to one address and none to a banned one; and says when, downloading, none
 * could be had for a long stretch. Loop thread only.
 */
final class Connector {
    /** How long without any peer before the user hears about it. */
    static final long NO_PEERS_WARNING_MILLIS = 5 * 60_000;

    private final EventLoop loop;
    private final PeerNetwork network;
    private final TorrentShape shape;
    private final PeerListener<PeerState> listener;
    private final BlockSink sink;
    private final BlockSource source;
    private final byte[] handshake;
    private final PeerSet peers;
    private final Map<InetSocketAddress, PeerConnection<PeerState>> connections;
    private final int maxPeers;
    private final GlobalLimits limits;
    private java.util.function.Function<InetSocketAddress, byte[]> offer;
    private WebSeeds webSeeds;
    /** Since when we have had no connection at all (while downloading). */
    private long aloneSinceMillis;

    /** {@code connections}: the download's own map, which this fills. */
    Connector(EventLoop loop, PeerNetwork network, TorrentShape shape, PeerListener<PeerState> listener, BlockSink sink, BlockSource source,
              byte[] handshake, PeerSet peers, Map<InetSocketAddress, PeerConnection<PeerState>> connections, int maxPeers,
              GlobalLimits limits) {
        this.limits = limits;
        this.loop = loop;
        this.network = network;
        this.shape = shape;
        this.listener = listener;
        this.sink = sink;
        this.source = source;
        this.handshake = handshake;
        this.peers = peers;
        this.connections = connections;
        this.maxPeers = maxPeers;
    }

    /**
     * An incoming connection: kept if there is room and we do not know it as banned or connected,
     * and the download is not {@code stopping}.
     */
    void accept(PeerStream stream, InetSocketAddress a, boolean stopping) {
        if (stopping || a == null || room() <= 0 || peers.banned(a) || connections.containsKey(a)) {
            stream.release();
            return;
        }
        PeerConnection<PeerState> c = add(stream, a, false); // not a dialable address: an incoming peer's port is ephemeral
        try {
            c.register(handshake);
        } catch (IOException e) {
            c.close(CloseReason.IO_ERROR, e.getMessage());
        }
    }

    /** Dials candidates up to the peer limit, and web seeds while not {@code complete}; once we are, known seeds are left out. */
    void dial(boolean complete) {
        if (!complete && webSeeds != null) {
            webSeeds.dial(loop.nowMillis(), this::webSeed);
        }
        int room = room();
        if (room <= 0) {
            return;
        }
        for (InetSocketAddress a : peers.candidates(room, loop.nowMillis(), complete)) {
            PeerStream stream;
            try {
                stream = network.dial(a);
            } catch (IOException | RuntimeException e) {
                peers.connected(a);
                peers.disconnected(a, true, loop.nowMillis());
                continue;
            }
            PeerConnection<PeerState> c = add(stream, a, true);
            peers.connected(a);
            try {
                c.register(handshake);
            } catch (IOException e) {
                c.close(CloseReason.CONNECT_FAILED, e.getMessage());
            }
        }
    }

    /** A web seed's connection: not counted against --max-peers, as the .torrent chose it (libtorrent does the same). */
    private PeerConnection<PeerState> webSeed(PeerStream stream, InetSocketAddress a) {
        PeerState state = new PeerState();
        state.queueDepth = PeerState.WEB_SEED_QUEUE_DEPTH;
        state.maxQueueDepth = PeerState.WEB_SEED_MAX_QUEUE_DEPTH;
        PeerConnection<PeerState> c = new PeerConnection<>(loop, stream, a, true, shape, listener, sink, state);
        c.source(source);
        connections.put(a, c);
        limits.opened();
        try {
            c.register(handshake);
        } catch (IOException e) {
            c.close(CloseReason.CONNECT_FAILED, e.getMessage());
        }
        return c;
    }

    WebSeeds webSeeds(WebSeeds w) {
        this.webSeeds = w;
        return w;
    }

    /** Connections we may still make: under this torrent's --max-peers and the process's cap. */
    private int room() {
        return Math.min(maxPeers - connections.size(), limits.connectionRoom());
    }

    private PeerConnection<PeerState> add(PeerStream stream, InetSocketAddress a, boolean outgoing) {
        PeerConnection<PeerState> c = new PeerConnection<>(loop, stream, a, outgoing, shape, listener, sink, new PeerState());
        if (offer != null) {
            c.offerExtensions(offer.apply(a));
        }
        c.source(source);
        connections.put(a, c);
        limits.opened();
        return c;
    }

    /** Our extension handshake (BEP 10) for a peer at an address (its {@code yourip}). */
    void offerExtensions(java.util.function.Function<InetSocketAddress, byte[]> offer) {
        this.offer = offer;
    }

    /** The swarm starts now: a stretch without peers counts from here. */
    void startAloneClock(long now) {
        aloneSinceMillis = now;
    }

    /** No peer for a long stretch while downloading: says so once per stretch, naming what we know. */
    void warnIfAlone(long now, boolean finished, Events events) {
        if (finished || !connections.isEmpty()) {
            aloneSinceMillis = now;
            return;
        }
        if (now - aloneSinceMillis >= NO_PEERS_WARNING_MILLIS) {
            aloneSinceMillis = now;
            events.warn("no peers for " + NO_PEERS_WARNING_MILLIS / 60_000 + " minutes (" + peers.size()
                    + " addresses known, none reachable); still trying");
        }
    }
}
