package skiff.sim;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.function.LongSupplier;
import skiff.metainfo.Metainfo;

/**
 * What a {@link ScriptedPeer.Kind#LEECHER} asks for: while unchoked, the torrent's blocks in order,
 * {@link #QUEUE} ahead; while choked, the pieces it was allowed fast (BEP 6). It remembers when it was
 * first unchoked and when its first block came.
 */
final class LeechScript {
    /** Requests kept out. */
    static final int QUEUE = 16;
    private static final int BLOCK = 16 << 10;

    /** Where a request goes: the peer's connection. */
    interface Requests {
        void request(int piece, int begin, int length);
    }

    private final Metainfo meta;
    private final LongSupplier clock;
    private final ArrayDeque<Integer> allowedFast = new ArrayDeque<>();
    /** When skiff first unchoked this leecher (simulated ms), or -1. */
    long firstUnchokedMillis = -1;
    /** When this leecher's first block came (simulated ms), or -1. */
    long firstBlockMillis = -1;
    private boolean choked = true;
    private int nextBlock;
    private int outstanding;

    LeechScript(Metainfo meta, LongSupplier clock) {
        this.meta = meta;
        this.clock = clock;
    }

    /** A message from skiff, by id and body; the requests it leads to go to {@code out}. */
    void received(int id, ByteBuffer body, Requests out) {
        switch (id) {
            case 0 -> {
                choked = true;
                outstanding = 0; // what was asked is rejected (BEP 6), or dropped
            }
            case 1 -> {
                if (firstUnchokedMillis < 0) {
                    firstUnchokedMillis = clock.getAsLong();
                }
                choked = false;
            }
            case 7 -> {
                if (firstBlockMillis < 0) {
                    firstBlockMillis = clock.getAsLong();
                }
                outstanding = Math.max(0, outstanding - 1);
            }
            case 17 -> allowedFast.add(body.getInt(body.position())); // asked for at once, choked or not
            default -> {
                return;
            }
        }
        while (choked && !allowedFast.isEmpty() && outstanding < QUEUE) {
            int p = allowedFast.poll();
            for (int begin = 0; begin < meta.pieceSize(p); begin += BLOCK) {
                out.request(p, begin, Math.min(BLOCK, meta.pieceSize(p) - begin));
                outstanding++;
            }
        }
        int blocksPerPiece = meta.pieceLength() / BLOCK;
        int blocks = (int) ((meta.totalLength() + BLOCK - 1) / BLOCK);
        while (!choked && outstanding < QUEUE && nextBlock < blocks) {
            int piece = nextBlock / blocksPerPiece;
            int begin = nextBlock % blocksPerPiece * BLOCK;
            out.request(piece, begin, Math.min(BLOCK, meta.pieceSize(piece) - begin));
            nextBlock++;
            outstanding++;
        }
    }
}
