package skiff.swarm;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiPredicate;
import java.util.function.LongPredicate;
import java.util.random.RandomGenerator;
import skiff.metainfo.Bitfield;
import skiff.metainfo.Metainfo;
import skiff.peer.Wire;

/**
 * Chooses which blocks to request from a peer: finish started pieces first, a few random pieces
 * at the start so there is something to trade quickly, then rarest first with random ties; in
 * endgame, blocks already requested elsewhere are requested again. A tie among equally rare
 * pieces goes to a random extent, then in order within it (libtorrent's piece extent affinity).
 * {@code P}: who asks (the download's connections), which the retry of a failed piece is kept for.
 */
public final class Picker<P> {
    /** Pieces picked at random before rarest-first takes over (libtorrent uses a similar threshold). */
    static final int RANDOM_FIRST_PIECES = 4;
    /**
     * Equally rare pieces are taken in order within an extent of this size, the one last started
     * first: the files fill in long runs instead of 16 KiB islands. Random writes over a mapped file
     * cost a page fault per 4 KiB page; in 16 MiB runs the kernel maps larger folios per fault
     * (a 256 MiB test: 69,600 faults in random piece order, 28,000 in 16 MiB runs). A disk seeks less too.
     */
    static final int EXTENT_BYTES = 16 << 20;

    /** Receives each chosen block: its piece, offset and length. */
    public interface BlockOut {
        void block(int piece, int begin, int length);
    }

    private final Metainfo metainfo;
    private final RandomGenerator random;
    private final Bitfield have;
    private final Bitfield hashing;
    private final int[] availability;
    private final Map<Integer, PieceProgress> active = new LinkedHashMap<>();
    /** The started pieces with open blocks, in start order: where a pick looks first. */
    private final OpenPieces open = new OpenPieces();
    /** Pieces started so far: the next one's place in that order. */
    private long started;
    /** Pieces that failed their hash: refetched from one peer alone, so blame is certain next time. */
    private final Retries<P> retries = new Retries<>();
    private final int extentPieces;
    private int lastStarted = -1;
    /** No piece we lack is rarer (a bound): a scan for a new piece stops at a candidate this rare, among seeds the first. */
    private int rarestMissing;
    private SequentialOrder sequential;
    /** The pieces to fetch at all (null: every one). */
    private Bitfield wanted;

    public Picker(Metainfo metainfo, Bitfield have, RandomGenerator random) {
        this.metainfo = metainfo;
        this.have = have;
        this.random = random;
        this.hashing = new Bitfield(metainfo.pieceCount());
        this.availability = new int[metainfo.pieceCount()];
        this.extentPieces = Math.max(1, EXTENT_BYTES / metainfo.pieceLength());
    }

    public static long key(int piece, int block) {
        return ((long) piece << 32) | (block & 0xffffffffL);
    }

    public static int blockOf(int begin) {
        return begin / Wire.BLOCK_BYTES;
    }

    int blockCount(int piece) {
        return (metainfo.pieceSize(piece) + Wire.BLOCK_BYTES - 1) / Wire.BLOCK_BYTES;
    }

    int blockLength(int piece, int block) {
        return Math.min(Wire.BLOCK_BYTES, metainfo.pieceSize(piece) - block * Wire.BLOCK_BYTES);
    }

    public void peerHas(int piece) {
        availability[piece]++;
    }

    public void peerGone(Bitfield pieces) {
        for (int i = pieces.nextSet(0); i >= 0; i = pieces.nextSet(i + 1)) {
            if (availability[i] > 0) {
                availability[i]--;
                rarestMissing = Math.min(rarestMissing, availability[i]);
            }
        }
    }

    public int availability(int piece) {
        return availability[piece];
    }

    /** Whether the peer has a piece we still want (not had, not being hashed). */
    public boolean wants(Bitfield peerPieces) {
        for (int i = peerPieces.nextSet(0); i >= 0; i = peerPieces.nextSet(i + 1)) {
            if (!have.get(i) && !hashing.get(i) && !unwanted(i)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Chooses up to {@code max} blocks from {@code peerPieces}; {@code mine} says whether this
     * peer already has a request out for a block key. Returns how many were chosen.
     */
    public int pick(Bitfield peerPieces, int max, LongPredicate mine, BlockOut out) {
        return pick(peerPieces, max, mine, out, null);
    }

    /** As above, for the peer {@code who}: a piece being retried after a hash failure goes to one peer only. */
    public int pick(Bitfield peerPieces, int max, LongPredicate mine, BlockOut out, P who) {
        int n = fromActive(peerPieces, max, mine, out, false, who);
        while (n < max) {
            int piece = newPiece(peerPieces, who);
            if (piece < 0) {
                break;
            }
            start(piece, started++);
            lastStarted = piece;
            retries.claim(piece, who);
            n += take(piece, active.get(piece), max - n, mine, out, false);
        }
        if (n < max && allRequested()) {
            n += fromActive(peerPieces, max - n, mine, out, true, who); // endgame
        }
        return n;
    }

    /**
     * Which peers may take an unowned retried piece: the download keeps away those that sent its
     * bad version while someone else can serve it, so a liar cannot hold the retry hostage.
     */
    public void retryOwners(BiPredicate<Integer, P> mayOwn) {
        retries.mayOwn(mayOwn);
    }

    /** Whether {@code who} must leave {@code piece} alone: a retried piece owned by, or kept for, another peer. */
    private boolean ownedByOther(int piece, P who) {
        return retries.ownedByOther(piece, who, this::restart);
    }

    /** A retried piece changed hands: its blocks start over. */
    private void restart(int piece) {
        PieceProgress old = active.get(piece);
        if (old != null) {
            open.remove(old);
            start(piece, old.seq); // a value replaced, in its place: safe inside fromActive's loop
        }
    }

    /** Whether a peer may take a retry from its owner: {@code outranks(who, owner)}. */
    public void retryPreemption(BiPredicate<P, P> outranks) {
        retries.outranks(outranks);
    }

    /** Whether {@code who} owns the retry of a failed piece: its stalls must be noticed fast, nobody else may help. */
    public boolean ownsRetry(P who) {
        return retries.owns(who);
    }

    /** Hears each retried piece taken from its owner by {@link #disown}. */
    public void onRevoke(java.util.function.BiConsumer<Integer, P> listener) {
        retries.onRevoke(listener);
    }

    /**
     * A peer left, choked us or let its requests time out: the retried pieces it owned go to someone
     * else, and start over, so that each retry stays one peer's work and its verdict names that peer.
     * (A retry half from a staller and half from the next owner failed again with nobody to blame, forever.)
     */
    public void disown(P who) {
        retries.disown(who, this::stop);
    }

    private void start(int piece, long seq) {
        PieceProgress p = new PieceProgress(piece, seq, blockCount(piece));
        active.put(piece, p);
        open.track(p);
    }

    private void stop(int piece) {
        PieceProgress p = active.remove(piece);
        if (p != null) {
            open.remove(p);
        }
    }

    private int fromActive(Bitfield peerPieces, int max, LongPredicate mine, BlockOut out, boolean endgame, P who) {
        int n = 0;
        if (!endgame && retries.isEmpty()) { // the open pieces alone: the others have nothing to give
            for (PieceProgress p = open.first(); p != null && n < max; ) {
                PieceProgress next = p.nextOpen; // taking may unlist p
                if (peerPieces.get(p.piece)) {
                    n += take(p.piece, p, max - n, mine, out, false);
                }
                p = next;
            }
            return n;
        }
        for (Map.Entry<Integer, PieceProgress> e : active.entrySet()) {
            if (n >= max) {
                break;
            }
            if (peerPieces.get(e.getKey()) && !ownedByOther(e.getKey(), who)) {
                retries.claim(e.getKey(), who);
                n += take(e.getKey(), e.getValue(), max - n, mine, out, endgame);
            }
        }
        return n;
    }

    private int take(int piece, PieceProgress p, int max, LongPredicate mine, BlockOut out, boolean endgame) {
        int n = 0;
        for (int b = endgame ? 0 : p.firstOpen(); b < p.blocks && n < max; b++) {
            if (p.got(b) || (p.requests[b] > 0 && (!endgame || mine.test(key(piece, b))))) {
                continue; // asked of someone already; in endgame, asked of this peer already
            }
            p.requested(b);
            out.block(piece, b * Wire.BLOCK_BYTES, blockLength(piece, b));
            n++;
        }
        open.track(p);
        return n;
    }

    /** Endgame starts when no piece is left to start and every missing block has a request out. */
    public boolean allRequested() {
        if (have.count() + hashing.count() + active.size() < metainfo.pieceCount()) {
            return false;
        }
        return open.isEmpty();
    }

    /** Only pieces {@code wanted} marks (the files selected), in the torrent's order if {@code sequential}, else rarest first. */
    public void only(Bitfield wanted, boolean sequential) {
        this.wanted = wanted;
        this.sequential = sequential ? new SequentialOrder(have) : null;
    }

    private int newPiece(Bitfield peerPieces, P who) {
        if (sequential != null) {
            return sequential.next(peerPieces, i -> hashing.get(i) || unwanted(i) || active.containsKey(i) || ownedByOther(i, who));
        }
        int count = metainfo.pieceCount();
        int start = random.nextInt(count);
        boolean randomFirst = have.count() < RANDOM_FIRST_PIECES;
        int best = -1;
        int bestAvailability = Integer.MAX_VALUE;
        int rarestSeen = Integer.MAX_VALUE;
        int k = 0;
        for (; k < count; k++) {
            int i = start + k < count ? start + k : start + k - count;
            if (have.get(i)) {
                continue;
            }
            rarestSeen = Math.min(rarestSeen, availability[i]);
            if (!peerPieces.get(i) || hashing.get(i) || unwanted(i)) {
                continue;
            }
            if (!randomFirst && availability[i] >= bestAvailability) {
                continue; // the map lookups below only for a piece that would win
            }
            if (active.containsKey(i) || ownedByOther(i, who)) {
                continue;
            }
            if (randomFirst) {
                return i;
            }
            best = i;
            bestAvailability = availability[i];
            if (bestAvailability <= Math.max(1, rarestMissing)) {
                break; // none is rarer (this peer has it: 1 at least): the first from a random start is a random one
            }
        }
        if (k == count) {
            rarestMissing = rarestSeen; // a whole scan: the bound is the minimum again
        }
        if (best < 0) {
            return best;
        }
        int next = lastStarted < 0 ? -1 : firstInExtent(lastStarted, bestAvailability, peerPieces, who);
        return next >= 0 ? next : firstInExtent(best, bestAvailability, peerPieces, who);
    }

    /** The first piece of {@code piece}'s extent this peer can serve that is as rare as {@code rarity}; -1 if none. */
    private int firstInExtent(int piece, int rarity, Bitfield peerPieces, P who) {
        int start = piece / extentPieces * extentPieces;
        int end = (int) Math.min(metainfo.pieceCount(), (long) start + extentPieces);
        for (int i = start; i < end; i++) {
            if (peerPieces.get(i) && !have.get(i) && !hashing.get(i) && !unwanted(i) && availability[i] == rarity
                    && !active.containsKey(i) && !ownedByOther(i, who)) {
                return i;
            }
        }
        return -1;
    }

    private boolean unwanted(int piece) {
        return wanted != null && !wanted.get(piece);
    }

    /** A request is gone without data (choke, timeout, disconnect, cancel). */
    public void released(int piece, int begin) {
        PieceProgress p = active.get(piece);
        int b = blockOf(begin);
        if (p != null && b < p.blocks) {
            p.released(b);
            open.track(p);
        }
    }

    /** Whether a block is asked of more than one peer (endgame), so that the others should hear a cancel. */
    public boolean askedOfOthers(int piece, int begin) {
        PieceProgress p = active.get(piece);
        int b = blockOf(begin);
        return p != null && b < p.blocks && p.requests[b] > 1;
    }

    /** A block arrived; returns true when it completes its piece, which is then handed to hashing. */
    public boolean received(int piece, int begin) {
        PieceProgress p = active.get(piece);
        int b = blockOf(begin);
        if (p == null || b >= p.blocks || !p.arrived(b)) {
            return false;
        }
        open.track(p);
        if (p.receivedCount == p.blocks) {
            stop(piece);
            hashing.set(piece);
            return true;
        }
        return false;
    }

    /** Whether a block is still wanted (not yet received); late duplicates in endgame are not. */
    public boolean wanted(int piece, int begin) {
        PieceProgress p = active.get(piece);
        int b = blockOf(begin);
        return p != null && b < p.blocks && !p.got(b);
    }

    public void verified(int piece) {
        hashing.clear(piece);
        have.set(piece);
        retries.verified(piece);
    }

    /** The piece failed its hash: every block is wanted again, from one peer alone. */
    public void failed(int piece) {
        hashing.clear(piece);
        stop(piece);
        retries.failed(piece);
    }

    /** For the debug log of a stall: which pieces are missing, and which of those are retries and whose. */
    String missingSummary() {
        StringBuilder b = new StringBuilder();
        int shown = 0;
        for (int i = have.nextClear(0); i >= 0 && i < metainfo.pieceCount() && shown < 8; i = have.nextClear(i + 1)) {
            if (unwanted(i)) {
                continue;
            }
            PieceProgress p = active.get(i);
            b.append(shown++ == 0 ? "" : ", ").append(i).append(hashing.get(i) ? " hashing" : "")
                .append(p != null ? " " + p.receivedCount + "/" + p.blocks + " blocks" : "")
                .append(retries.describe(i));
        }
        return b.toString();
    }

    public int activePieces() {
        return active.size();
    }

    public Bitfield have() {
        return have;
    }
}
