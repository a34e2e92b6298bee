package skiff.peer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;

/** Where block payloads go: straight from the socket into storage. */
public interface BlockSink {
    /** Reads up to {@code length} bytes for torrent offset {@code offset}; -1 at end of stream. */
    int receive(ReadableByteChannel in, long offset, int length) throws IOException;

    /** Writes bytes that already arrived with the message header. */
    void write(long offset, ByteBuffer bytes) throws IOException;
}
