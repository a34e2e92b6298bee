package skiff.storage;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * The pool of direct buffers blocks are assembled in: bounded in how many are out at once and in
 * how many are kept for reuse. Loop thread only.
 */
final class BlockBuffers {
    /** Buffers kept for reuse; more are made while more peers are mid-block at once. */
    private static final int MAX_SPARE = 16;

    private final int bytes;
    private final int maxLent;
    private final ArrayDeque<ByteBuffer> spare = new ArrayDeque<>();
    private int lent;

    BlockBuffers(int bytes, int maxLent) {
        this.bytes = bytes;
        this.maxLent = maxLent;
    }

    /** A buffer with {@code length} bytes of room, or null when {@code maxLent} are out already. */
    ByteBuffer lend(int length) {
        if (lent >= maxLent) {
            return null;
        }
        ByteBuffer b = spare.poll();
        if (b == null) {
            b = ByteBuffer.allocateDirect(bytes);
        }
        lent++;
        b.clear().limit(length);
        return b;
    }

    /** Takes back a lent buffer; the caller must not touch it again. */
    void giveBack(ByteBuffer b) {
        lent--;
        if (spare.size() < MAX_SPARE) {
            spare.push(b);
        }
    }
}
