package skiff.peer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ScatteringByteChannel;

/**
 * Where block payloads go: either assembled whole in a buffer the sink lends and then written,
 * or, when it lends none, read from the socket straight into storage.
 */
public interface BlockSink {
    /** A buffer with {@code length} bytes of room for one block, or null to use {@link #receive}. */
    ByteBuffer lendBlockBuffer(int length);

    /** Gives back a lent buffer once its block is written or abandoned. */
    void returnBlockBuffer(ByteBuffer buffer);

    /**
     * Reads up to {@code length} bytes for torrent offset {@code offset}, and into {@code after}
     * what follows them if the read reaches that far. Returns the bytes read for the offset, -1 at
     * end of stream.
     */
    int receive(ScatteringByteChannel in, long offset, int length, ByteBuffer after) throws IOException;

    /** Writes bytes for torrent offset {@code offset}: a whole assembled block, or those that came with the header. */
    void write(long offset, ByteBuffer bytes) throws IOException;
}
