package skiff.utp;

import java.nio.ByteBuffer;

/**
 * Packets that arrived ahead of a gap, kept (copied) until the gap fills, and the selective ack
 * (BEP 29) that tells the sender which ones we hold. Bounded in packets and in bytes. The copies
 * go into arrays kept per slot and used again: a download that loses packets all the time would
 * otherwise make one array per packet held, and those outlive the young generation.
 */
final class Reorder {
    /** Packets past the next expected one that are kept; later ones are dropped and sent again (BEP 29's mask covers 256 with 32 bytes). */
    static final int MAX_AHEAD = 256;
    /** Selective-ack bytes sent at most: 256 packets. */
    static final int MAX_SACK_BYTES = MAX_AHEAD / 8;
    /** A slot's array holds a full packet's payload from any client we know of. */
    static final int SLOT_BYTES = 1500;

    private byte[][] slots;
    private int[] lengths; // -1: empty
    private int[] seqs;
    private int count;
    private long bytes;
    private boolean used;

    int count() {
        return count;
    }

    long bytes() {
        return bytes;
    }

    /** Keeps a copy of {@code payload} for {@code seq}, which lies 1 to MAX_AHEAD - 1 past the next expected. */
    void put(int seq, ByteBuffer payload) {
        if (slots == null) {
            slots = new byte[MAX_AHEAD][];
            lengths = new int[MAX_AHEAD];
            seqs = new int[MAX_AHEAD];
            java.util.Arrays.fill(lengths, -1);
        }
        used = true;
        int i = seq & (MAX_AHEAD - 1);
        if (lengths[i] >= 0) {
            if (seqs[i] == seq) {
                return; // a duplicate: it is the same packet
            }
            drop(i); // a packet long delivered another way: its slot is needed
        }
        int n = payload.remaining();
        if (slots[i] == null || slots[i].length < n) {
            slots[i] = new byte[Math.max(SLOT_BYTES, n)];
        }
        payload.get(payload.position(), slots[i], 0, n);
        lengths[i] = n;
        seqs[i] = seq;
        count++;
        bytes += n;
    }

    /** The length of the payload kept for {@code seq}, or -1 if none is. */
    int length(int seq) {
        if (count == 0) {
            return -1;
        }
        int i = seq & (MAX_AHEAD - 1);
        return lengths[i] >= 0 && seqs[i] == seq ? lengths[i] : -1;
    }

    /** Moves the payload kept for {@code seq} into {@code into} (null: drops it); false if none is kept. */
    boolean take(int seq, ByteRing into) {
        if (length(seq) < 0) {
            return false;
        }
        int i = seq & (MAX_AHEAD - 1);
        if (into != null) {
            into.put(slots[i], 0, lengths[i]);
        }
        drop(i);
        return true;
    }

    private void drop(int i) {
        count--;
        bytes -= lengths[i];
        lengths[i] = -1;
    }

    /** Lets the arrays go if nothing is held and nothing was put since the last call (the socket's tick). */
    void trim() {
        if (count == 0 && !used) {
            slots = null;
            lengths = null;
            seqs = null;
        }
        used = false;
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
            if (lengths[i] >= 0 && seqs[i] == seq) {
                mask[bit >>> 3] |= (byte) (1 << (bit & 7));
                last = bit;
            }
        }
        return last < 0 ? 0 : (last / 32 + 1) * 4;
    }
}
