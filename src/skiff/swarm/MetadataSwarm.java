package skiff.swarm;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import skiff.loop.EventLoop;
import skiff.loop.Timer;
import skiff.peer.CloseReason;
import skiff.peer.ExtensionHandshake;
import skiff.peer.MetadataMessages;
import skiff.peer.PeerConnection;
import skiff.peer.PeerListener;
import skiff.peer.TorrentShape;
import skiff.peer.Wire;
import skiff.tracker.Announcer;

/**
 * A magnet link's first phase: peers from its trackers and {@code x.pe} (and incoming ones) are
 * asked for the metadata (BEP 9) until it hashes to the info-hash; then they are handed to the
 * download. Loop thread only.
 */
public final class MetadataSwarm implements PeerListener<PeerState> {
    private final EventLoop loop;
    private final Executor workers;
    private final Settings settings;
    private final Events events;
    private final PeerNetwork network;
    private final GlobalLimits limits;
    /** Where a peer's DHT node goes (BEP 5's PORT); whether the torrent is private is not known yet, as for the DHT itself. */
    private final Consumer<java.net.InetSocketAddress> dhtNodes;
    private final Consumer<byte[]> done;
    private final PeerSet peers;
    private final Map<InetSocketAddress, PeerConnection<PeerState>> connections = new LinkedHashMap<>();
    private final Connector connector;
    private final MetadataFetch<PeerConnection<PeerState>> fetch;
    private final TrackerLink trackerLink;
    private final Admission admission;
    private Timer tick;
    private boolean hashing;
    private boolean over;
    private int withMetadata;

    /** {@code done}: the verified info dictionary, on the loop. */
    public MetadataSwarm(EventLoop loop, Executor workers, byte[] infoHash, Settings settings, Events events, PeerNetwork network,
                         Shared shared, Consumer<byte[]> done) {
        this.loop = loop;
        this.workers = workers;
        this.settings = settings;
        this.events = events;
        this.network = network;
        this.limits = shared.limits();
        this.dhtNodes = shared.dhtNodes();
        this.done = done;
        this.peers = new PeerSet(settings.port(), shared.ours());
        this.fetch = new MetadataFetch<>(infoHash);
        this.connector = new Connector(loop, network, TorrentShape.unknown(infoHash), this, null, null,
                Wire.handshake(infoHash, settings.peerId(), Wire.ourReserved(settings.dhtPort() > 0)).array(), peers, connections, settings.maxPeers(),
                limits);
        // no ut_pex: the torrent may be private (BEP 27), which only its metadata can tell
        connector.offerExtensions(a -> ExtensionHandshake.message(Map.of("ut_metadata", ExtensionHandshake.UT_METADATA),
                settings.client(), settings.port(), PeerConnection.MAX_QUEUED_UPLOADS, a.getAddress(), 0));
        this.trackerLink = new TrackerLink(peers, events, this::dial);
        this.admission = new Admission(settings.peerId(), peers, connections, events);
    }

    public void start() {
        try {
            network.listen((stream, from) -> connector.accept(stream, from, over));
        } catch (java.io.IOException e) {
            events.failed("cannot listen for peers: " + e.getMessage());
            return;
        }
        connector.startAloneClock(loop.nowMillis());
        tick = loop.schedule(settings.tickMillis(), this::tick);
        dial();
    }

    public void addPeers(List<InetSocketAddress> addresses) {
        peers.add(new ArrayList<>(addresses));
        if (tick != null) {
            dial();
        }
    }

    public Announcer.Listener trackerListener() {
        return trackerLink;
    }

    /** Every address known, for the download that follows. */
    public List<InetSocketAddress> knownPeers() {
        return peers.addresses();
    }

    public int connections() {
        return connections.size();
    }

    public int knownPeerCount() {
        return peers.size();
    }

    /** Peers that said they have the metadata. */
    public int peersWithMetadata() {
        return withMetadata;
    }

    /** Bytes of metadata in, and its size (-1 unknown). */
    public int metadataSize() {
        return fetch.size();
    }

    /** The metadata is in: no more dialling or asking; the connections wait for {@link #handOver}. */
    public void finish() {
        over = true;
        if (tick != null) {
            tick.cancel();
        }
    }

    /**
     * Gives the download the handshaken connections, still open and still counted in the global
     * limits (the download's close of each uncounts it); the rest are closed.
     */
    public List<PeerConnection<PeerState>> handOver() {
        finish();
        List<PeerConnection<PeerState>> kept = new ArrayList<>();
        for (PeerConnection<PeerState> c : List.copyOf(connections.values())) {
            if (c.handshakeDone() && !c.isClosed()) {
                connections.remove(c.address());
                kept.add(c);
            } else {
                c.close(CloseReason.METADATA_DONE, null);
            }
        }
        return kept;
    }

    /** Ends the phase: connections closed, the port left to the download (or closed too when {@code closeNetwork}). */
    public void stop(boolean closeNetwork) {
        over = true;
        if (tick != null) {
            tick.cancel();
        }
        for (PeerConnection<PeerState> c : List.copyOf(connections.values())) {
            c.close(closeNetwork ? CloseReason.SHUTDOWN : CloseReason.METADATA_DONE, null);
        }
        if (closeNetwork) {
            network.close();
        }
    }

    private void dial() {
        if (!over) {
            connector.dial(false);
        }
    }

    private void tick() {
        for (PeerConnection<PeerState> c : List.copyOf(connections.values())) {
            if (c.handshakeDone()) {
                ask(c);
            } else if (loop.nowMillis() - c.counters().createdMillis() > settings.connectTimeoutMillis()) {
                c.close(c.socketConnected() ? CloseReason.HANDSHAKE_TIMEOUT : CloseReason.CONNECT_TIMEOUT, null);
            }
        }
        connector.warnIfAlone(loop.nowMillis(), false, events);
        dial();
        tick = loop.schedule(settings.tickMillis(), this::tick);
    }

    private void ask(PeerConnection<PeerState> c) {
        ExtensionHandshake h = c.extensions();
        if (over || hashing || h == null || h.id("ut_metadata") == 0 || !fetch.offered(h.metadataSize())) {
            return;
        }
        for (int piece : fetch.next(c, loop.nowMillis())) {
            c.sendExtended("ut_metadata", MetadataMessages.request(piece));
        }
    }

    // ---- PeerListener ----

    @Override
    public void connected(PeerConnection<PeerState> c) {
        events.debug(c + ": connected (for metadata, " + (c.outgoing() ? "we dialled" : "it dialled") + ")");
    }

    @Override
    public CloseReason handshaken(PeerConnection<PeerState> c, byte[] peerId, byte[] reserved) {
        CloseReason refused = admission.refuse(c, peerId);
        if (refused == null && !Wire.supportsExtensions(reserved)) {
            return CloseReason.NO_METADATA; // without BEP 10 a peer cannot give us the metadata
        }
        if (refused == null) {
            events.debug(c + ": handshake (" + c.transport() + ")"); // as a download's peers log it
        }
        if (refused == null && c.fast()) {
            c.send().haveAll(false); // BEP 6: have none, where a bitfield would go
        }
        if (refused == null && settings.dhtPort() > 0 && Wire.supportsDht(reserved)) {
            c.send().port(settings.dhtPort()); // BEP 5
        }
        return refused;
    }

    @Override
    public void port(PeerConnection<PeerState> c, int port) {
        events.debug(c + ": its DHT node is on UDP port " + port);
        dhtNodes.accept(new java.net.InetSocketAddress(c.address().getAddress(), port));
    }

    @Override
    public void extensionHandshake(PeerConnection<PeerState> c, ExtensionHandshake h) {
        if (h.id("ut_metadata") == 0 || h.metadataSize() < 0) {
            c.close(CloseReason.NO_METADATA, null);
            return;
        }
        if (!fetch.offered(h.metadataSize())) {
            c.close(CloseReason.BAD_METADATA, "metadata_size " + h.metadataSize() + " against " + fetch.size());
            return;
        }
        withMetadata++;
        events.debug(c + ": has the metadata (" + h.metadataSize() + " bytes, " + h.client() + ")");
        ask(c);
    }

    @Override
    public void extended(PeerConnection<PeerState> c, int id, byte[] b, int offset, int length) {
        if (id != ExtensionHandshake.UT_METADATA) {
            return;
        }
        MetadataMessages.Message m = MetadataMessages.parse(b, offset, length);
        if (m == null) {
            c.close(CloseReason.BAD_METADATA, "not a ut_metadata message");
            return;
        }
        switch (m.type()) {
            case MetadataMessages.REQUEST -> c.sendExtended("ut_metadata", MetadataMessages.reject(m.piece())); // we have none yet
            case MetadataMessages.REJECT -> fetch.rejected(c, m.piece(), loop.nowMillis());
            case MetadataMessages.DATA -> {
                String wrong = fetch.received(c, m.piece(), m.totalSize(), m.bytes(), m.dataOffset(), m.dataLength());
                if (wrong != null) {
                    c.close(CloseReason.BAD_METADATA, wrong);
                    return;
                }
                if (fetch.complete()) {
                    check();
                } else {
                    ask(c);
                }
            }
            default -> {
                // a type BEP 9 does not define: ignored
            }
        }
    }

    /** The metadata is all in: hashed on a worker, then handed on, or fetched again. */
    private void check() {
        byte[] data = fetch.data();
        hashing = true;
        workers.execute(() -> {
            boolean good = fetch.matches(data);
            loop.execute(() -> checked(data, good));
        });
    }

    private void checked(byte[] data, boolean good) {
        hashing = false;
        if (over) {
            return;
        }
        if (good) {
            events.info("metadata: " + data.length + " bytes from " + withMetadata + (withMetadata == 1 ? " peer" : " peers"));
            done.accept(data);
            return;
        }
        events.warn("the metadata from peers does not match the info-hash; fetching it again");
        for (PeerConnection<PeerState> c : fetch.failed()) {
            admission.ban(c.address());
        }
        connections.values().forEach(this::ask);
    }

    @Override
    public void closed(PeerConnection<PeerState> c, CloseReason reason, String detail) {
        if (connections.remove(c.address()) == c) {
            limits.closed();
        }
        fetch.release(c);
        peers.closed(c.address(), reason, c.handshakeDone(), loop.nowMillis());
        events.debug(c + ": closed (" + reason.words() + (detail != null ? ": " + detail : "") + ")");
        if (!over) {
            connections.values().forEach(this::ask);
        }
    }

    // the pieces of a torrent we do not know yet: nothing to do with them

    @Override
    public void choked(PeerConnection<PeerState> c, boolean choked) {
    }

    @Override
    public void interested(PeerConnection<PeerState> c, boolean interested) {
    }

    @Override
    public void have(PeerConnection<PeerState> c, int piece) {
    }

    @Override
    public void bitfield(PeerConnection<PeerState> c, skiff.metainfo.Bitfield pieces) {
    }

    @Override
    public void request(PeerConnection<PeerState> c, int piece, int begin, int length) {
    }

    @Override
    public void cancel(PeerConnection<PeerState> c, int piece, int begin, int length) {
    }

    @Override
    public boolean blockStarting(PeerConnection<PeerState> c, int piece, int begin, int length) {
        return false;
    }

    @Override
    public void blockReceived(PeerConnection<PeerState> c, int piece, int begin, int length) {
    }
}
