package skiff.peer;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Where block payloads go: each assembled whole in a buffer the sink lends, then written. A payload
 * the sink lends no buffer for is read and dropped, and its block asked for again.
 */
public interface BlockSink {
    /** A buffer with {@code length} bytes of room for one block, or null when none is free. */
    ByteBuffer lendBlockBuffer(int length);

    /** Gives back a lent buffer once its block is written or abandoned. */
    void returnBlockBuffer(ByteBuffer buffer);

    /** Writes a whole assembled block at torrent offset {@code offset}. */
    void write(long offset, ByteBuffer bytes) throws IOException;
}
