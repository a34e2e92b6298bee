package skiff.metainfo;

/**
 * A fixed-size set of piece indexes as bits (BEP 3's bitfield layout: the high bit of the
 * first byte is piece 0). One long per 64 pieces, never an object per piece.
 */
public final class Bitfield {
    private final long[] words;
    private final int size;
    private int count;

    public Bitfield(int size) {
        this.size = size;
        this.words = new long[(size + 63) >>> 6];
    }

    public int size() {
        return size;
    }

    /** How many bits are set. */
    public int count() {
        return count;
    }

    public boolean complete() {
        return count == size;
    }

    public boolean get(int i) {
        return (words[i >>> 6] & (1L << (i & 63))) != 0;
    }

    public void set(int i) {
        long bit = 1L << (i & 63);
        if ((words[i >>> 6] & bit) == 0) {
            words[i >>> 6] |= bit;
            count++;
        }
    }

    /** Sets every bit (BEP 6's have all). */
    public void setAll() {
        java.util.Arrays.fill(words, -1L);
        if (size % 64 != 0 && words.length > 0) {
            words[words.length - 1] = (1L << (size % 64)) - 1; // no bit past the end
        }
        count = size;
    }

    public void clear(int i) {
        long bit = 1L << (i & 63);
        if ((words[i >>> 6] & bit) != 0) {
            words[i >>> 6] &= ~bit;
            count--;
        }
    }

    /** Index of the first set bit at or after {@code from}, or -1. */
    public int nextSet(int from) {
        if (from >= size) {
            return -1;
        }
        int w = from >>> 6;
        long word = words[w] & (-1L << (from & 63));
        while (true) {
            if (word != 0) {
                int i = (w << 6) + Long.numberOfTrailingZeros(word);
                return i < size ? i : -1;
            }
            if (++w >= words.length) {
                return -1;
            }
            word = words[w];
        }
    }

    /** Index of the first clear bit at or after {@code from}, or -1. */
    public int nextClear(int from) {
        for (int i = from; i < size; i++) {
            long word = words[i >>> 6];
            if (word == -1L) {
                i |= 63;
                continue;
            }
            if ((word & (1L << (i & 63))) == 0) {
                return i;
            }
        }
        return -1;
    }

    /** Whether {@code other} has a piece this set lacks. */
    public boolean lacksAnyOf(Bitfield other) {
        for (int w = 0; w < words.length; w++) {
            if ((other.words[w] & ~words[w]) != 0) {
                return true;
            }
        }
        return false;
    }

    /** The wire form (BEP 3): ceil(size/8) bytes, high bit first, spare bits zero. */
    public byte[] toBytes() {
        byte[] out = new byte[(size + 7) >>> 3];
        for (int i = nextSet(0); i >= 0; i = nextSet(i + 1)) {
            out[i >>> 3] |= (byte) (0x80 >>> (i & 7));
        }
        return out;
    }

    /**
     * Reads the wire form; null when the length is wrong or a spare bit is set, which BEP 3
     * peers must not send.
     */
    public static Bitfield fromBytes(byte[] bytes, int offset, int length, int size) {
        if (length != (size + 7) >>> 3) {
            return null;
        }
        Bitfield b = new Bitfield(size);
        for (int i = 0; i < length; i++) {
            int v = bytes[offset + i] & 0xff;
            if (v == 0) {
                continue;
            }
            for (int bit = 0; bit < 8; bit++) {
                if ((v & (0x80 >>> bit)) != 0) {
                    int piece = (i << 3) + bit;
                    if (piece >= size) {
                        return null;
                    }
                    b.set(piece);
                }
            }
        }
        return b;
    }

    public Bitfield copy() {
        Bitfield b = new Bitfield(size);
        System.arraycopy(words, 0, b.words, 0, words.length);
        b.count = count;
        return b;
    }
}
