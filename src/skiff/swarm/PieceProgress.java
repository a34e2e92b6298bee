package skiff.swarm;

/** A started piece, for the picker: which of its blocks arrived, and how many requests each has out. */
final class PieceProgress {
    final int blocks;
    final long[] received;
    final byte[] requests; // outstanding requests per block, saturating
    int receivedCount;

    PieceProgress(int blocks) {
        this.blocks = blocks;
        this.received = new long[(blocks + 63) >>> 6];
        this.requests = new byte[blocks];
    }

    boolean got(int b) {
        return (received[b >>> 6] & (1L << (b & 63))) != 0;
    }
}
