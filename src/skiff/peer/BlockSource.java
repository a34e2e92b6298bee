package skiff.peer;

import java.io.IOException;
import java.nio.channels.WritableByteChannel;

/** Where uploaded blocks come from: verified data, sent from the files without a heap copy. */
public interface BlockSource {
    /** Sends up to {@code length} bytes at torrent offset {@code offset}; returns how many went out. */
    long transfer(long offset, int length, WritableByteChannel out) throws IOException;

    /** The upload rate limit: whether {@code bytes} more may go out now. */
    boolean allowUpload(int bytes);
}
