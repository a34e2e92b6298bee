package skiff.peer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;

/**
 * A message too large for the receive buffer, read straight from the socket: a big bitfield is
 * collected whole (the piece count bounds its size), a message we do not speak is skipped.
 */
final class LargeMessage {
    private byte[] body;
    private int done;
    private int skipRemaining;

    boolean pending() {
        return body != null || skipRemaining > 0;
    }

    /**
     * Starts collecting a body of {@code length} bytes, the first of them from {@code in}.
     * Returns the body if {@code in} held all of it, else null.
     */
    byte[] collect(int length, ByteBuffer in) {
        body = new byte[length];
        done = Math.min(length, in.remaining());
        in.get(body, 0, done);
        return completed();
    }

    /** Starts skipping {@code length} bytes, the first of them from {@code in}. */
    void skip(int length, ByteBuffer in) {
        int now = Math.min(length, in.remaining());
        in.position(in.position() + now);
        skipRemaining = length - now;
    }

    /**
     * Reads more of the message from {@code channel}; skipped bytes pass through {@code scratch},
     * which must hold nothing else. Returns the bytes read, or -1 at the end of the stream.
     */
    int read(ReadableByteChannel channel, ByteBuffer scratch) throws IOException {
        if (body != null) {
            int n = channel.read(ByteBuffer.wrap(body, done, body.length - done));
            done += Math.max(n, 0);
            return n;
        }
        int n = channel.read(scratch.clear().limit(Math.min(skipRemaining, scratch.capacity())));
        scratch.clear();
        skipRemaining -= Math.max(n, 0);
        return n;
    }

    /** The collected body once all of it is in (then this message is over), else null. */
    byte[] completed() {
        if (body == null || done < body.length) {
            return null;
        }
        byte[] b = body;
        body = null;
        return b;
    }
}
