package skiff.utp;

import java.nio.ByteBuffer;

/**
 * Packets that arrived ahead of a gap, kept (copied) until the gap fills, and the selective ack
 * (BEP 29) that tells the sender which ones we hold. Bounded in packets and in bytes.
 */
final class Reorder {
    /** Packets past the next expected one that are kept; later ones are dropped and sent again (BEP 29's mask covers 256 with 32 bytes). */
    static final int MAX_AHEAD = 256;
    /** Selective-ack bytes sent at most: 256 packets. */
    static final int MAX_SACK_BYTES = MAX_AHEAD / 8;

    private byte[][] held;
    private int[] seqs;
    private int count;
    private long bytes;

    int count() {
        return count;
    }

    long bytes() {
        return bytes;
    }

    /** Keeps a copy of {@code payload} for {@code seq}, which lies 1 to MAX_AHEAD - 1 past the next expected. */
    void put(int seq, ByteBuffer payload) {
        if (held == null) {
            held = new byte[MAX_AHEAD][];
            seqs = new int[MAX_AHEAD];
        }
        int i = seq & (MAX_AHEAD - 1);
        if (held[i] != null) {
            if (seqs[i] == seq) {
                return; // a duplicate: it is the same packet
            }
            take(seqs[i]); // a packet long delivered another way: its slot is needed
            if (held == null) {
                put(seq, payload);
                return;
            }
        }
        byte[] copy = new byte[payload.remaining()];
        payload.duplicate().get(copy);
        held[i] = copy;
        seqs[i] = seq;
        count++;
        bytes += copy.length;
    }

    /** The length of the payload kept for {@code seq}, or -1 if none is. */
    int length(int seq) {
        if (count == 0) {
            return -1;
        }
        int i = seq & (MAX_AHEAD - 1);
        return held[i] == null || seqs[i] != seq ? -1 : held[i].length;
    }

    /** The payload kept for {@code seq}, taken out; null if none is. */
    byte[] take(int seq) {
        if (count == 0) {
            return null;
        }
        int i = seq & (MAX_AHEAD - 1);
        byte[] b = held[i];
        if (b == null || seqs[i] != seq) {
            return null;
        }
        held[i] = null;
        count--;
        bytes -= b.length;
        if (count == 0) {
            held = null; // the memory goes back once the gap is filled
            seqs = null;
        }
        return b;
    }

    /**
     * Fills {@code mask} with the selective ack after {@code ack} (bit 0 is ack + 2); returns its
     * length in bytes (a multiple of 4), or 0 when nothing is held.
     */
    int sack(int ack, byte[] mask) {
        if (count == 0) {
            return 0;
        }
        int last = -1;
        java.util.Arrays.fill(mask, 0, MAX_SACK_BYTES, (byte) 0);
        for (int bit = 0; bit < MAX_SACK_BYTES * 8; bit++) {
            int seq = (ack + 2 + bit) & 0xffff;
            int i = seq & (MAX_AHEAD - 1);
            if (held[i] != null && seqs[i] == seq) {
                mask[bit >>> 3] |= (byte) (1 << (bit & 7));
                last = bit;
            }
        }
        return last < 0 ? 0 : (last / 32 + 1) * 4;
    }
}
