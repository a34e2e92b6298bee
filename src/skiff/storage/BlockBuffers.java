package skiff.storage;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * The pool of direct buffers blocks are assembled in: bounded in how many are out at once and in
 * how many are kept for reuse. One per process (the session's), shared by every torrent's
 * storage, so that eight torrents take no more direct memory than one. Loop thread only.
 */
public final class BlockBuffers {
    /** Buffers kept for reuse; more are made while more peers are mid-block at once. */
    private static final int MAX_SPARE = 16;
    private static final int BLOCK_BYTES = 16 << 10;
    /**
     * Block buffers out at once at most (4 MiB of direct memory, a quarter of the image's cap);
     * past it a payload takes the unbuffered path, so a thousand peers cannot exhaust direct memory.
     */
    static final int MAX_LENT = 256;

    private final int bytes;
    private final int maxLent;
    private final ArrayDeque<ByteBuffer> spare = new ArrayDeque<>();
    private int lent;

    /** The process's pool: 16 KiB blocks, {@link #MAX_LENT} out at once. */
    public BlockBuffers() {
        this(BLOCK_BYTES, MAX_LENT);
    }

    BlockBuffers(int bytes, int maxLent) {
        this.bytes = bytes;
        this.maxLent = maxLent;
    }

    /** A buffer with {@code length} bytes of room; null when {@code maxLent} are out or {@code length} exceeds a buffer. */
    ByteBuffer lend(int length) {
        if (lent >= maxLent || length > bytes) {
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
