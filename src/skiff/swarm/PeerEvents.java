package skiff.swarm;

import java.util.Map;
import java.net.InetSocketAddress;
import skiff.loop.EventLoop;
import skiff.metainfo.Bitfield;
import skiff.peer.CloseReason;
import skiff.peer.PeerConnection;
import skiff.peer.PeerListener;

/**
 * What one download's connections report, turned into the download's work: interest, the
 * picker's availability, requests to serve, blocks to verify, and the bookkeeping of a close.
 * Loop thread only.
 */
final class PeerEvents implements PeerListener<PeerState> {
    private final Download download;
    private final EventLoop loop;
    private final Events events;
    private final Admission admission;
    private final Uploader uploader;
    private final Map<InetSocketAddress, PeerConnection<PeerState>> connections;
    private final PeerSet peers;
    private final Traffic traffic;
    private final Timeouts timeouts;
    private final GlobalLimits limits;
    private final CloseCounts closeCounts = new CloseCounts();
    private final Settings settings;
    private final Shared shared;
    /** Peer exchange (BEP 11); null for a private torrent (BEP 27). */
    private final Pex pex;
    /** Peers that completed a handshake with us, over the whole run. */
    private int peersUsed;
    /** BEP 6, over the whole run: rejects received and sent, and peers that said have all. */
    private long rejectsReceived;
    private long rejectsSent;
    private int haveAlls;
    private WebSeeds webSeeds;

    PeerEvents(Download download, EventLoop loop, Events events, Admission admission, Uploader uploader,
               Map<InetSocketAddress, PeerConnection<PeerState>> connections, PeerSet peers, Traffic traffic,
               Shared shared, Settings settings) {
        this.settings = settings;
        this.shared = shared;
        this.pex = download.metainfo().isPrivate() ? null : new Pex(peers);
        this.download = download;
        this.loop = loop;
        this.events = events;
        this.admission = admission;
        this.uploader = uploader;
        this.connections = connections;
        this.peers = peers;
        this.traffic = traffic;
        this.timeouts = new Timeouts(settings, events);
        this.limits = shared.limits();
    }

    /** The download's web seeds, which hear when their connections close. */
    void webSeeds(WebSeeds w) {
        this.webSeeds = w;
    }

    int peersUsed() {
        return peersUsed;
    }

    /** Connected peers that have every piece. */
    int seeds() {
        int n = 0;
        for (PeerConnection<PeerState> c : connections.values()) {
            if (c.handshakeDone() && c.peerPieces().complete()) {
                n++;
            }
        }
        return n;
    }

    /** Connections the peer dialled: not in the peer set, their ports are ephemeral and never dialled. */
    int incoming() {
        int n = 0;
        for (PeerConnection<PeerState> c : connections.values()) {
            if (!c.outgoing()) {
                n++;
            }
        }
        return n;
    }

    /** The Fast extension's traffic (BEP 6), for the debug log at the end. */
    String fastSummary() {
        long sent = rejectsSent;
        for (PeerConnection<PeerState> c : connections.values()) {
            sent += c.counters().rejectsSent();
        }
        return "have all from " + haveAlls + " peers, rejects received " + rejectsReceived + ", sent " + sent;
    }

    CloseCounts closeCounts() {
        return closeCounts;
    }

    @Override
    public void connected(PeerConnection<PeerState> c) {
        events.debug(c + ": connected (" + (c.outgoing() ? "we dialled" : "it dialled") + ")");
    }

    @Override
    public CloseReason handshaken(PeerConnection<PeerState> c, byte[] peerId, byte[] reserved) {
        CloseReason refused = admission.refuse(c, peerId);
        if (refused != null) {
            return refused;
        }
        events.debug(c + ": handshake (" + c.transport() + ")");
        Bitfield have = download.have();
        if (c.fast() && (have.count() == 0 || have.complete())) {
            c.send().haveAll(have.complete()); // BEP 6: instead of a bitfield
        } else if (have.count() > 0) {
            c.send().bitfield(have);
        }
        if (c.fast() && have.count() > 0) {
            // BEP 6: pieces the peer may have from us even while choked, so that a newcomer gets going;
            // a seed too (as libtorrent's): a flash crowd's leechers start before their turn at a slot
            for (int piece : skiff.peer.Wire.allowedFastSet(c.address().getAddress().getAddress(), download.metainfo().infoHash(),
                    have.size(), skiff.peer.Wire.ALLOWED_FAST_SET_SIZE)) {
                if (have.get(piece)) {
                    c.send().allowedFast(piece);
                }
            }
            c.flush();
        }
        if (settings.dhtPort() > 0 && !download.metainfo().isPrivate() && skiff.peer.Wire.supportsDht(reserved)) {
            c.send().port(settings.dhtPort()); // BEP 5: tell a DHT peer where our node is
            c.flush();
        }
        peersUsed++;
        return null;
    }

    /** BEP 5's PORT: the peer's DHT node, pinged and kept if it answers (never for a private torrent). */
    @Override
    public void port(PeerConnection<PeerState> c, int port) {
        if (!download.metainfo().isPrivate()) {
            events.debug(c + ": its DHT node is on UDP port " + port);
            shared.dhtNodes().accept(new java.net.InetSocketAddress(c.address().getAddress(), port));
        }
    }

    @Override
    public void choked(PeerConnection<PeerState> c, boolean choked) {
        if (events.debugging()) { // chokes come often from a busy swarm: no string built unless it is read
            events.debug(c + (choked ? ": choked us" : ": unchoked us"));
        }
        if (choked) {
            download.fetcher().release(c);
        } else {
            download.fill(c);
        }
    }

    @Override
    public void interested(PeerConnection<PeerState> c, boolean interested) {
        events.debug(c + ": " + (interested ? "interested" : "not interested"));
        uploader.interested(c, interested, connections.values(), loop.nowMillis());
    }

    @Override
    public void have(PeerConnection<PeerState> c, int piece) {
        download.picker().peerHas(piece);
        if (!download.finished() && !download.have().get(piece) && !c.amInterested()) {
            c.send().interested(true);
        }
        if (download.finished() && c.peerPieces().complete()) {
            c.close(CloseReason.BOTH_SEEDS, null);
            return;
        }
        download.fill(c);
    }

    @Override
    public void bitfield(PeerConnection<PeerState> c, Bitfield pieces) {
        if (c.fast() && pieces.complete() && pieces.size() > 0) {
            haveAlls++; // under BEP 6 a seed says have all (a full bitfield counts the same)
        }
        for (int i = pieces.nextSet(0); i >= 0; i = pieces.nextSet(i + 1)) {
            download.picker().peerHas(i);
        }
        if (download.finished() && pieces.complete()) {
            c.close(CloseReason.BOTH_SEEDS, null);
            return;
        }
        if (!download.finished() && download.picker().wants(pieces)) {
            c.send().interested(true);
        }
    }

    @Override
    public void request(PeerConnection<PeerState> c, int piece, int begin, int length) {
        if (events.debugging()) {
            events.debug(c + ": request " + piece + "/" + begin + "/" + length);
        }
        uploader.request(c, piece, begin, length);
    }

    @Override
    public void cancel(PeerConnection<PeerState> c, int piece, int begin, int length) {
        c.cancelUpload(piece, begin, length);
    }



    @Override
    public boolean blockStarting(PeerConnection<PeerState> c, int piece, int begin, int length) {
        return download.fetcher().starting(c, piece, begin, length);
    }

    @Override
    public boolean blockStillWanted(PeerConnection<PeerState> c, int piece, int begin) {
        return download.picker() == null || download.picker().wanted(piece, begin);
    }

    @Override
    public void blockReceived(PeerConnection<PeerState> c, int piece, int begin, int length) {
        download.blockArrived(c, piece, begin, length);
    }

    @Override
    public void blockAbandoned(PeerConnection<PeerState> c, int piece, int begin, int length) {
        if (download.fetcher() != null) {
            download.fetcher().abandoned(piece, begin);
        }
    }



    @Override
    public void closed(PeerConnection<PeerState> c, CloseReason reason, String detail) {
        rejectsSent += c.counters().rejectsSent();
        if (connections.remove(c.address()) == c) {
            limits.closed();
            if (c.handshakeDone() && !c.amChoking() && c.peerInterested()) {
                uploader.slotFreed(connections.values(), loop.nowMillis());
            }
        }
        closeCounts.count(reason);
        PeerState s = c.state();
        traffic.closed(c, s);
        if (download.picker() != null) {
            download.fetcher().release(c); // its requests and any retry it owned go back
            if (c.handshakeDone()) {
                download.picker().peerGone(c.peerPieces());
            }
        }
        if (reason == CloseReason.BOTH_SEEDS) {
            PeerSet.Peer p = peers.get(c.address());
            if (p != null) {
                p.seed = true;
            }
        }
        peers.closed(c.address(), reason, c.handshakeDone(), loop.nowMillis());
        if (webSeeds != null) {
            webSeeds.closed(c, reason, detail, loop.nowMillis());
        }
        events.debug(c + ": closed (" + reason.words() + (detail != null ? ": " + detail : "") + ")");
        if (!download.stopped() && !download.finished() && download.picker() != null) {
            download.fetcher().fillAll(); // its released requests may go to someone else now
        }
    }

    /** BEP 9: a peer fetching the metadata from us gets each piece it asks for; a private torrent never offers it. */
    @Override
    public void extensionHandshake(PeerConnection<PeerState> c, skiff.peer.ExtensionHandshake h) {
        if (h.client() != null) {
            events.debug(c + ": client " + h.client());
        }
    }

    @Override
    public void extended(PeerConnection<PeerState> c, int id, byte[] b, int offset, int length) {
        skiff.metainfo.Metainfo m = download.metainfo();
        if (id == skiff.peer.ExtensionHandshake.UT_PEX) {
            if (pex != null && pex.received(c, b, offset, length, loop.nowMillis()) > 0) {
                download.dial();
            }
            return;
        }
        if (id != skiff.peer.ExtensionHandshake.UT_METADATA || m.isPrivate()) {
            return; // an extension we did not offer: ignored, as BEP 10 says
        }
        skiff.peer.MetadataMessages.Message msg = skiff.peer.MetadataMessages.parse(b, offset, length);
        if (msg == null || msg.type() != skiff.peer.MetadataMessages.REQUEST) {
            return;
        }
        int size = m.infoSize();
        int n = skiff.peer.MetadataMessages.pieceLength(msg.piece(), size);
        c.sendExtended("ut_metadata", n == 0 ? skiff.peer.MetadataMessages.reject(msg.piece())
            : skiff.peer.MetadataMessages.data(msg.piece(), size, m.infoBytes(msg.piece() * skiff.peer.MetadataMessages.PIECE_BYTES, n)));
    }

    /** BEP 6: a request the peer will not serve goes back to the picker; one that rejects everything rests a while. */
    @Override
    public void rejected(PeerConnection<PeerState> c, int piece, int begin, int length) {
        if (download.fetcher() == null) {
            return;
        }
        rejectsReceived++;
        download.fetcher().rejected(c, piece, begin, loop.nowMillis());
        download.fetcher().fillAll();
    }

    /** A magnet's connection taken over from the metadata phase: it counts as handshaken now. */
    private void adopted(PeerConnection<PeerState> c) {
        peersUsed++;
        Bitfield have = download.have();
        for (int p = have.nextSet(0); p >= 0; p = have.nextSet(p + 1)) {
            c.send().have(p); // the bitfield's place (have none) went in the metadata phase
        }
        c.flush();
        bitfield(c, c.peerPieces());
        if (!c.isClosed() && !c.peerChoking()) {
            download.fill(c);
        }
    }

    /**
     * Our extension handshake (BEP 10) for a peer at {@code a}: ut_metadata serves the info
     * dictionary to magnet users (BEP 9) and ut_pex trades peers (BEP 11); neither for a private torrent (BEP 27).
     */
    byte[] extensionOffer(InetSocketAddress a) {
        skiff.metainfo.Metainfo m = download.metainfo();
        Map<String, Integer> extensions = m.isPrivate() ? Map.of()
            : Map.of("ut_metadata", skiff.peer.ExtensionHandshake.UT_METADATA, "ut_pex", skiff.peer.ExtensionHandshake.UT_PEX);
        return skiff.peer.ExtensionHandshake.message(extensions, settings.client(), settings.port(),
            PeerConnection.MAX_QUEUED_UPLOADS, a.getAddress(), m.isPrivate() ? 0 : m.infoSize());
    }

    /**
     * Each tick, for every peer: its rates sampled, its timeouts checked, more blocks asked of it
     * and the haves queued since the last tick sent; then peer exchange to the peers that are due.
     * {@code lastBlockMillis}: when any peer last sent a block we asked for.
     */
    void tick(long now, double seconds, long lastBlockMillis) {
        for (PeerConnection<PeerState> c : java.util.List.copyOf(connections.values())) {
            PeerState s = c.state();
            traffic.sample(c, s, seconds);
            timeouts.check(c, s, now, download.picker(), lastBlockMillis);
            if (!c.isClosed()) {
                download.fill(c);
                c.flush(); // the haves queued since the last tick, if no request carried them
            }
        }
        traffic.endTick(seconds, now);
        if (pex != null) {
            pex.tick(now, connections.values());
        }
    }

    /** A magnet's connections from its metadata phase, taken over in place (see {@link Download#adopt}). */
    void adopt(java.util.List<PeerConnection<PeerState>> kept, skiff.peer.BlockSink sink, skiff.peer.BlockSource source) {
        for (PeerConnection<PeerState> c : kept) {
            connections.put(c.address(), c);
            if (c.outgoing()) {
                peers.add(java.util.List.of(c.address()));
                peers.connected(c.address());
            }
            c.adopt(skiff.peer.TorrentShape.of(download.metainfo()), this, sink, source);
            if (!c.isClosed()) {
                c.resendExtensions(extensionOffer(c.address())); // now with ut_pex and metadata_size
                adopted(c);
            }
        }
    }
}
