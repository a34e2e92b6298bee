package skiff.swarm;

/**
 * A started piece, for the picker: which of its blocks arrived, and how many requests each has out.
 * It counts its open blocks (neither arrived nor asked for) and keeps the lowest one's index at hand,
 * so that a pick skips a fully requested piece at once and does not walk a 1 MiB piece's 64 blocks
 * from the first for each block it hands out.
 */
final class PieceProgress {
    final int piece;
    /** When it started, against the others: {@link OpenPieces} keeps that order. */
    final long seq;
    final int blocks;
    final long[] received;
    final byte[] requests; // outstanding requests per block, saturating
    int receivedCount;
    /** Blocks neither received nor requested. */
    int open;
    /** No open block lies below this index. */
    private int lowestOpen;
    /** Links of {@link OpenPieces}. */
    PieceProgress prevOpen;
    PieceProgress nextOpen;
    boolean listed;

    PieceProgress(int piece, long seq, int blocks) {
        this.piece = piece;
        this.seq = seq;
        this.blocks = blocks;
        this.received = new long[(blocks + 63) >>> 6];
        this.requests = new byte[blocks];
        this.open = blocks;
    }

    boolean got(int b) {
        return (received[b >>> 6] & (1L << (b & 63))) != 0;
    }

    /** The first open block, or {@code blocks} if none is. */
    int firstOpen() {
        while (lowestOpen < blocks && (requests[lowestOpen] != 0 || got(lowestOpen))) {
            lowestOpen++;
        }
        return lowestOpen;
    }

    /** One more request out for block {@code b}. */
    void requested(int b) {
        if (requests[b] == 0 && !got(b)) {
            open--;
        }
        if (requests[b] < Byte.MAX_VALUE) {
            requests[b]++;
        }
    }

    /** A request for block {@code b} is gone without its data. */
    void released(int b) {
        if (requests[b] > 0 && --requests[b] == 0 && !got(b)) {
            open++;
            lowestOpen = Math.min(lowestOpen, b);
        }
    }

    /** Block {@code b} arrived; false if it had already. */
    boolean arrived(int b) {
        if (got(b)) {
            return false;
        }
        if (requests[b] == 0) {
            open--;
        } else {
            requests[b]--;
        }
        received[b >>> 6] |= 1L << (b & 63);
        receivedCount++;
        return true;
    }
}
