package skiff.peer;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The block of a piece message, read after its header: assembled in a buffer the sink lends and
 * then written whole, or read and dropped when nobody asked for it or no buffer is free. One per
 * connection, reused for every block. Loop thread only.
 */
final class BlockPayload {
    /** A piece message's header: what a scattering read takes behind a block. */
    private static final int NEXT_HEADER_BYTES = 13;

    private final BlockSink sink;
    private final long pieceLength;
    private final ByteBuffer[] scatter = new ByteBuffer[2];
    /**
     * Direct, so the scattering read needs no temporary buffer; one header long, so the next
     * block's payload stays in the socket for its own buffer instead of being copied there.
     */
    private final ByteBuffer next = ByteBuffer.allocateDirect(NEXT_HEADER_BYTES);
    private int piece;
    private int begin;
    private int length;
    private int done;
    private boolean wanted;
    private ByteBuffer block;
    private int spill;

    BlockPayload(BlockSink sink, long pieceLength) {
        this.sink = sink;
        this.pieceLength = pieceLength;
    }

    /** Whether a block has started and not all of its bytes are in. */
    boolean pending() {
        return done < length;
    }

    int piece() {
        return piece;
    }

    int begin() {
        return begin;
    }

    int length() {
        return length;
    }

    /** Whether the block is being assembled: asked for, and a buffer was free. */
    boolean wanted() {
        return wanted;
    }

    /**
     * Starts a block of {@code length} bytes (checked by the caller) and takes what of it the
     * receive buffer {@code in} (read mode) already holds. Returns those bytes. A wanted block no
     * buffer is free for is dropped: {@link #wanted} turns false.
     */
    int start(int piece, int begin, int length, boolean wanted, ByteBuffer in) {
        this.piece = piece;
        this.begin = begin;
        this.length = length;
        done = 0;
        block = wanted ? sink.lendBlockBuffer(length) : null;
        this.wanted = block != null;
        int now = Math.min(length, in.remaining());
        if (now > 0) {
            if (block != null) {
                block.put(0, in, in.position(), now).position(now);
            }
            in.position(in.position() + now);
            done = now;
        }
        return now;
    }

    /**
     * Reads more of the block from the socket; returns its bytes read, -1 at end of stream. One
     * scattering read also takes what follows the block (the next header) and puts it in
     * {@code in}, which is empty while a block is pending: {@link #spill()} says how much.
     */
    int read(PeerStream channel, ByteBuffer in) throws IOException {
        int want = length - done;
        int n;
        next.clear();
        if (block != null) {
            scatter[0] = block;
            scatter[1] = next;
            long r = channel.read(scatter);
            n = (int) Math.min(r, want);
        } else {
            ByteBuffer discard = in.clear().limit(Math.min(want, in.capacity()));
            n = channel.read(discard);
            in.clear();
        }
        spill = next.position();
        if (spill > 0) {
            in.put(next.flip());
        }
        if (n > 0) {
            done += n;
        }
        return n;
    }

    /** Bytes the last {@link #read} put in the receive buffer behind the block. */
    int spill() {
        return spill;
    }

    /** Once every byte is in: writes an assembled block; the payload is then free for the next. */
    void finish() throws IOException {
        long start = (long) piece * pieceLength + begin;
        length = 0;
        done = 0;
        if (block != null) {
            ByteBuffer b = block;
            block = null;
            try {
                sink.write(start, b.flip());
            } finally {
                sink.returnBlockBuffer(b);
            }
        }
    }

    /** The connection is closing: a lent buffer goes back unwritten. */
    void abandon() {
        if (block != null) {
            sink.returnBlockBuffer(block);
            block = null;
        }
        length = 0;
        done = 0;
    }
}
