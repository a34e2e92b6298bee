package skiff.utp;

import java.nio.ByteBuffer;

/**
 * Bytes by stream offset, oldest first, in a ring that grows by doubling up to a cap: a uTP
 * stream's unacknowledged outgoing bytes, or its received bytes not yet read. The ring keeps its
 * array when it empties and gives it back only in {@link #trim}, on the connection's tick, so a
 * connection idle for a tick holds no buffer. A receiving stream empties after nearly every
 * packet: an array given back then made 2.8 GB of garbage in a 1 GiB download over uTP, whose
 * survivors of the 1 MiB young generation filled the old one (peak RssAnon 23 MiB against 16 over
 * TCP).
 */
final class ByteRing {
    private static final byte[] EMPTY = new byte[0];
    static final int FIRST_BYTES = 4096;

    private final int max;
    private byte[] buf = EMPTY;
    private long start;
    private long end;
    private boolean used;

    /** {@code max}: a power of two. */
    ByteRing(int max) {
        if (Integer.bitCount(max) != 1) {
            throw new IllegalArgumentException("not a power of two: " + max);
        }
        this.max = max;
    }

    int size() {
        return (int) (end - start);
    }

    int free() {
        return max - size();
    }

    /** The array's length: 0 when given back. */
    int capacity() {
        return buf.length;
    }

    /** The stream offset after the newest byte held. */
    long end() {
        return end;
    }

    /** Appends what fits of {@code src}; returns the bytes taken. */
    int put(ByteBuffer src) {
        int n = Math.min(src.remaining(), free());
        if (n == 0) {
            return 0;
        }
        reserve(size() + n);
        used = true;
        int at = index(end);
        int first = Math.min(n, buf.length - at);
        src.get(buf, at, first);
        src.get(buf, 0, n - first);
        end += n;
        return n;
    }

    /** Appends {@code length} bytes of {@code src} from {@code offset}, which must fit ({@link #free}). */
    void put(byte[] src, int offset, int length) {
        if (length > free()) {
            throw new IllegalArgumentException(length + " bytes into " + free());
        }
        reserve(size() + length);
        used = true;
        int at = index(end);
        int first = Math.min(length, buf.length - at);
        System.arraycopy(src, offset, buf, at, first);
        System.arraycopy(src, offset + first, buf, 0, length - first);
        end += length;
    }

    /** Copies {@code length} bytes from stream offset {@code offset} (held) into {@code dst}. */
    void copy(long offset, int length, ByteBuffer dst) {
        int at = index(offset);
        int first = Math.min(length, buf.length - at);
        dst.put(buf, at, first);
        dst.put(buf, 0, length - first);
    }

    /** Moves the oldest bytes into {@code dst}; returns how many. */
    int take(ByteBuffer dst) {
        int n = Math.min(dst.remaining(), size());
        if (n > 0) {
            copy(start, n, dst);
            discardTo(start + n);
        }
        return n;
    }

    /** Forgets every byte before stream offset {@code offset}. */
    void discardTo(long offset) {
        start = Math.min(Math.max(start, offset), end);
    }

    /** Gives the array back if nothing is held and nothing was put since the last call. */
    void trim() {
        if (start == end && !used) {
            buf = EMPTY;
        }
        used = false;
    }

    private int index(long offset) {
        return (int) (offset & (buf.length - 1));
    }

    private void reserve(int bytes) {
        if (bytes <= buf.length) {
            return;
        }
        int capacity = Math.max(FIRST_BYTES, buf.length);
        while (capacity < bytes) {
            capacity <<= 1;
        }
        byte[] bigger = new byte[capacity];
        int n = size();
        // the bytes held keep their stream offsets, now modulo the new capacity
        for (long o = start; o < end; ) {
            int at = index(o, capacity);
            int run = (int) Math.min(end - o, Math.min(capacity - at, buf.length - index(o)));
            System.arraycopy(buf, index(o), bigger, at, run);
            o += run;
        }
        buf = bigger;
    }

    private static int index(long offset, int capacity) {
        return (int) (offset & (capacity - 1));
    }
}
