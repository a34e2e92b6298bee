package skiff.swarm;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import skiff.loop.EventLoop;
import skiff.metainfo.Bitfield;
import skiff.metainfo.Metainfo;
import skiff.peer.PeerConnection;
import skiff.storage.HashPool;

/**
 * A download's verification path: a block in storage, the piece it completes hashed on a worker,
 * and what the verdict does: haves to the peers, bans for the peers that sent bad blocks, a
 * refetch, a failure when written data cannot be read back, and the download's end. It counts the
 * verified bytes and remembers when the last block arrived.
 */
final class Verifier {
    private final EventLoop loop;
    private final Metainfo metainfo;
    private final HashPool hashes;
    private final Path root;
    private final Events events;
    private final Admission admission;
    private final Map<InetSocketAddress, PeerConnection<PeerState>> connections;
    private final Traffic traffic;
    private final Timeline timeline;
    private final StallWatch stallWatch;
    private final IntConsumer verifiedPieces; // each piece that passes its hash check
    private final Download download;
    private Bitfield have;
    private Fetcher fetcher;
    private Wanted wanted;
    private long lastBlockMillis; // when any peer last sent a block we asked for
    private boolean stopped;

    Verifier(EventLoop loop, Metainfo metainfo, HashPool hashes, Path root, Events events, Admission admission,
             Map<InetSocketAddress, PeerConnection<PeerState>> connections, Traffic traffic, Timeline timeline,
             StallWatch stallWatch, IntConsumer verifiedPieces, Download download) {
        this.loop = loop;
        this.metainfo = metainfo;
        this.hashes = hashes;
        this.root = root;
        this.events = events;
        this.admission = admission;
        this.connections = connections;
        this.traffic = traffic;
        this.timeline = timeline;
        this.stallWatch = stallWatch;
        this.verifiedPieces = verifiedPieces;
        this.download = download;
    }

    /** The pieces found good on disk, and the fetcher that asks for the rest. */
    void start(Bitfield good, Fetcher f, Wanted w) {
        have = good;
        fetcher = f;
        wanted = w;
    }

    /** A stall counts from when the swarm starts, not from 1970. */
    void swarmStarted(long now) {
        lastBlockMillis = now;
    }

    /** Verdicts from now on are dropped: the download stops. */
    void stop() {
        stopped = true;
    }

    long lastBlockMillis() {
        return lastBlockMillis;
    }

    /** A block we asked for is in storage: a piece it completes is verified on a worker. */
    void blockArrived(PeerConnection<PeerState> c, int piece, int begin, int length) {
        if (traffic.downloaded() == 0) {
            events.debug("first block, from " + c + ", " + timeline.elapsedMillis(loop.nowMillis()) + " ms after the start");
        }
        traffic.received(length);
        lastBlockMillis = loop.nowMillis();
        c.state().lastBlockMillis = lastBlockMillis;
        if (fetcher.received(c, piece, begin, length)) {
            hashes.verify(piece, fetcher.needsChecksums(piece), (v, sums) -> verified(piece, v, sums));
        }
    }

    private void verified(int piece, HashPool.Verdict verdict, long[] checksums) {
        if (stopped) {
            fetcher.forget(piece);
            return;
        }
        switch (verdict) {
            case GOOD -> good(piece, checksums);
            // We wrote it, and cannot read it back: the files were removed or truncated under us.
            case MISSING -> download.fail("cannot read back piece " + piece + " from " + root
                    + ": the download files were removed or truncated");
            default -> bad(piece, checksums);
        }
    }

    private void good(int piece, long[] checksums) {
        fetcher.good(piece, checksums).forEach(admission::ban);
        for (PeerConnection<PeerState> c : List.copyOf(connections.values())) {
            // none to a peer that has the piece: it needs nothing from us there (with 20 seeds, 20 writes a piece saved)
            if (c.handshakeDone() && !c.peerPieces().get(piece)) {
                c.send().have(piece);
            }
        }
        verifiedPieces.accept(piece);
        wanted.got(piece);
        if (wanted.done()) {
            download.finish();
        }
    }

    private void bad(int piece, long[] checksums) {
        events.warn("piece " + piece + " failed its hash check; fetching it again");
        stallWatch.failed(loop.nowMillis());
        fetcher.bad(piece, checksums).forEach(admission::ban);
        if (!wanted.done()) {
            fetcher.fillAll();
        }
    }
}
