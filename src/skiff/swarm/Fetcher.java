package skiff.swarm;

import java.net.InetSocketAddress;
import java.util.Collection;
import java.util.List;
import java.util.function.LongSupplier;
import skiff.peer.PeerConnection;
import skiff.peer.Wire;

/**
 * What we ask of peers and what they send back: tops up each peer's requests, checks an arriving
 * block against them, cancels endgame duplicates, gives back what a choke or a close leaves, and
 * keeps who sent which block for the hash check's verdict.
 */
final class Fetcher {
    private final Picker<PeerConnection<PeerState>> picker;
    private final Collection<PeerConnection<PeerState>> connections;
    private final LongSupplier clock;
    private final Blame blame;

    private final GlobalLimits limits;

    /** {@code connections}: a live view of the download's connections; {@code limits}: the download rate's among them. */
    Fetcher(Picker<PeerConnection<PeerState>> picker, Collection<PeerConnection<PeerState>> connections, LongSupplier clock,
            GlobalLimits limits) {
        this.limits = limits;
        this.picker = picker;
        this.connections = connections;
        this.clock = clock;
        this.blame = new Blame(picker::blockCount);
        picker.retryOwners((piece, who) -> mayRetry(piece, who));
        picker.onRevoke((piece, who) -> revoked(piece, who));
        picker.retryPreemption((who, owner) -> retryRank(-1, who) > retryRank(-1, owner));
    }

    /** Tops up a peer's requests to its queue depth. */
    void fill(PeerConnection<PeerState> c) {
        PeerState s = c.state();
        long now = clock.getAsLong();
        if (c.peerChoking() || !c.amInterested() || !c.handshakeDone() || s.snubbedUntilMillis > now) {
            return;
        }
        int room = s.queueDepth - s.requests.size();
        // Top up in batches: one write per few requests, not one per block.
        if (room <= 0 || (!s.requests.isEmpty() && room < Math.max(1, s.queueDepth / 4))) {
            return;
        }
        int allowed = limits.downloadLimited() ? limits.takeDownloadBlocks(room, Wire.BLOCK_BYTES) : room;
        if (allowed <= 0) {
            return; // the download limit holds it back: the next block, or the tick, asks again
        }
        int n = picker.pick(c.peerPieces(), allowed, s::has, (piece, begin, length) -> {
            s.requests.add(Picker.key(piece, Picker.blockOf(begin)), now);
            c.send().request(piece, begin, length);
        }, c);
        if (n < allowed && limits.downloadLimited()) {
            limits.returnDownloadBlocks(allowed - n, Wire.BLOCK_BYTES); // what the picker had no use for
        }
        if (n > 0) {
            c.flush();
        } else if (s.requests.isEmpty() && !picker.wants(c.peerPieces())) {
            c.send().interested(false);
        }
    }

    void fillAll() {
        for (PeerConnection<PeerState> c : List.copyOf(connections)) {
            if (!c.isClosed()) {
                fill(c);
            }
        }
    }

    /** Whether a block's payload is one we asked this peer for and still want; false discards it. */
    boolean starting(PeerConnection<PeerState> c, int piece, int begin, int length) {
        PeerState s = c.state();
        if (!s.requests.remove(Picker.key(piece, Picker.blockOf(begin)))) {
            return false; // unrequested, or cancelled: BEP 3 tolerates late blocks, so discard quietly
        }
        if (begin % Wire.BLOCK_BYTES != 0 || length != picker.blockLength(piece, Picker.blockOf(begin))
                || !picker.wanted(piece, begin)) { // malformed, or an endgame duplicate
            picker.released(piece, begin);
            return false;
        }
        return true;
    }

    /** A block is stored. Returns whether that completed its piece. */
    boolean received(PeerConnection<PeerState> c, int piece, int begin, int length) {
        blame.received(piece, Picker.blockOf(begin), c.address());
        boolean duplicated = picker.askedOfOthers(piece, begin); // counts this peer's request until received
        boolean complete = picker.received(piece, begin);
        if (duplicated) {
            cancelDuplicates(c, piece, begin, length);
        }
        return complete;
    }

    /** Rejects a peer may send before it rests a while (BEP 6): honest ones reject what a choke or a full queue left. */
    static final int MAX_REJECTS = 200;
    static final long REJECT_REST_MILLIS = 30_000;

    /** BEP 6: the peer will not send this block: it goes back to the picker, for anyone. */
    void rejected(PeerConnection<PeerState> c, int piece, int begin, long now) {
        PeerState s = c.state();
        if (s.requests.remove(Picker.key(piece, Picker.blockOf(begin)))) {
            picker.released(piece, begin);
        }
        if (++s.rejects > MAX_REJECTS) {
            s.rejects = 0;
            s.snubbedUntilMillis = now + REJECT_REST_MILLIS; // no more requests to it for a while
        }
    }

    /** A block cut off mid-way by a closing connection goes back to the picker for someone else. */
    void abandoned(int piece, int begin) {
        picker.released(piece, begin);
    }

    /** Endgame: the same block was asked of others; tell them not to bother. */
    private void cancelDuplicates(PeerConnection<PeerState> from, int piece, int begin, int length) {
        long key = Picker.key(piece, Picker.blockOf(begin));
        for (PeerConnection<PeerState> other : List.copyOf(connections)) {
            if (other != from && other.state().requests.remove(key)) {
                picker.released(piece, begin);
                other.send().cancel(piece, begin, length);
            }
        }
    }

    /**
     * A choke or a close: the peer's requests go back to the picker (BEP 3: a choke discards them
     * all), and the retried pieces it owned go to someone else. A peer that flaps choke and unchoke
     * never lets a request time out, so it kept a retry it never served.
     */
    void release(PeerConnection<PeerState> c) {
        PeerState s = c.state();
        s.requests.forEach(key -> picker.released((int) (key >>> 32), (int) key * Wire.BLOCK_BYTES));
        s.requests.clear();
        picker.disown(c);
    }

    /** Whether the piece's hash check must also checksum its blocks, for blame. */
    boolean needsChecksums(int piece) {
        return blame.needsChecksums(piece);
    }

    /**
     * The piece verified. Returns the peers its earlier, bad version now proves guilty;
     * {@code checksums}: its blocks' CRC-32C, when {@link #needsChecksums} asked for them.
     */
    List<InetSocketAddress> good(int piece, long[] checksums) {
        picker.verified(piece);
        return blame.good(piece, checksums, a -> {
            for (PeerConnection<PeerState> c : connections) {
                if (c.address().equals(a)) {
                    c.state().goodPieces++;
                }
            }
        });
    }

    /** The piece failed its hash check. Returns the peers certainly guilty; the piece is fetched again. */
    List<InetSocketAddress> bad(int piece, long[] checksums) {
        List<InetSocketAddress> guilty = blame.bad(piece, checksums);
        picker.failed(piece); // refetched from one peer alone, so that blame is certain next time
        for (PeerConnection<PeerState> c : connections) {
            // A peer that had nothing else for us heard "not interested" while this piece was being
            // hashed; it must hear that we want it again, or the piece waits for nobody (and a seed
            // closes on a peer that is not interested in it).
            if (!c.isClosed() && c.handshakeDone() && c.peerPieces().get(piece) && !c.amInterested()) {
                c.send().interested(true);
            }
        }
        return guilty;
    }

    /** A verdict that came after the stop. */
    void forget(int piece) {
        blame.forget(piece);
    }

    /**
     * Who may own the retry of a piece that failed its hash: the best-ranked peer that can serve it
     * now (has it, does not choke us, is not snubbed). A peer that sent blocks of pieces that
     * verified ranks above one that never did, whatever the suspicion: liars that claim every piece
     * and send nothing (or only blocks nobody asked for) must not hold a retry hostage from the
     * honest peer that shared the bad piece with a corrupter. Between equals, one not suspected of
     * the failed version ranks higher.
     */
    private boolean mayRetry(int piece, PeerConnection<PeerState> c) {
        int rank = retryRank(piece, c);
        for (PeerConnection<PeerState> other : connections) {
            if (other != c && other.handshakeDone() && !other.isClosed() && other.peerPieces().get(piece)
                    && !other.peerChoking() && other.state().snubbedUntilMillis <= clock.getAsLong()
                    && retryRank(piece, other) > rank) {
                return false;
            }
        }
        return true;
    }

    /** The rank for a piece; for {@code piece} -1, the same without the suspicion (both owner and taker sent its bad version, or neither). */
    private int retryRank(int piece, PeerConnection<PeerState> c) {
        int proven = c.state().goodPieces > 0 ? 2 : 0;
        return piece < 0 ? proven : proven + (blame.suspected(piece, c.address()) ? 0 : 1);
    }

    /**
     * A retry was taken from {@code c}: it becomes a suspect of the piece, and its requests for it are
     * cancelled, so that a block it sends late cannot land in the next owner's try.
     */
    private void revoked(int piece, PeerConnection<PeerState> c) {
        blame.gaveUp(piece, c.address());
        PeerState s = c.state();
        s.requests.removePiece(piece, key -> {
            int block = (int) key;
            if (!c.isClosed()) {
                c.send().cancel(piece, block * Wire.BLOCK_BYTES, picker.blockLength(piece, block));
            }
        });
    }
}
