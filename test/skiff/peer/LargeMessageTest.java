package skiff.peer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import org.junit.jupiter.api.Test;

/** Messages larger than the receive buffer, arriving in pieces: collected whole or skipped exactly. */
class LargeMessageTest {
    /** Hands out {@code bytes} at most {@code chunk} at a time, then the end of the stream. */
    private static ReadableByteChannel trickle(byte[] bytes, int chunk) {
        ByteBuffer src = ByteBuffer.wrap(bytes);
        return new ReadableByteChannel() {
            public int read(ByteBuffer dst) {
                if (!src.hasRemaining()) {
                    return -1;
                }
                int n = Math.min(chunk, Math.min(dst.remaining(), src.remaining()));
                dst.put(src.slice(src.position(), n));
                src.position(src.position() + n);
                return n;
            }

            public boolean isOpen() {
                return true;
            }

            public void close() {
            }
        };
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + 7);
        }
        return b;
    }

    @Test
    void aBodyIsCollectedFromTheBufferAndThenTheSocket() throws Exception {
        byte[] body = bytes(5000);
        ByteBuffer in = ByteBuffer.allocate(2048).put(body, 0, 700).flip();
        LargeMessage m = new LargeMessage();
        assertNull(m.collect(body.length, in));
        assertTrue(m.pending());
        assertEquals(0, in.remaining());
        ReadableByteChannel ch = trickle(java.util.Arrays.copyOfRange(body, 700, body.length), 999);
        int reads = 0;
        byte[] got = null;
        while (got == null && reads++ < 100) {
            assertTrue(m.read(ch, in.clear()) > 0);
            got = m.completed();
        }
        assertArrayEquals(body, got);
        assertFalse(m.pending());
    }

    @Test
    void aBodyAlreadyInTheBufferCompletesAtOnceAndLeavesTheRest() {
        ByteBuffer in = ByteBuffer.allocate(2048).put(bytes(300)).flip();
        byte[] got = new LargeMessage().collect(200, in);
        assertArrayEquals(java.util.Arrays.copyOf(bytes(300), 200), got);
        assertEquals(100, in.remaining());
    }

    @Test
    void aSkippedMessageConsumesExactlyItsLength() throws Exception {
        ByteBuffer in = ByteBuffer.allocate(64).put(bytes(10)).flip();
        LargeMessage m = new LargeMessage();
        m.skip(1000, in);
        assertEquals(0, in.remaining());
        byte[] after = {1, 2, 3};
        byte[] stream = new byte[990 + after.length];
        System.arraycopy(after, 0, stream, 990, after.length);
        ReadableByteChannel ch = trickle(stream, 1 << 20);
        int skipped = 0;
        for (int reads = 0; m.pending() && reads < 100; reads++) {
            int n = m.read(ch, in);
            assertTrue(n > 0 && n <= in.capacity());
            skipped += n;
        }
        assertEquals(990, skipped, "never reads past the message");
        assertNull(m.completed());
        ByteBuffer next = ByteBuffer.allocate(8);
        assertEquals(3, ch.read(next));
    }

    @Test
    void theEndOfTheStreamIsReported() throws Exception {
        LargeMessage m = new LargeMessage();
        m.collect(100, ByteBuffer.allocate(0));
        assertEquals(-1, m.read(trickle(new byte[0], 10), ByteBuffer.allocate(16)));
        assertNull(m.completed());
    }
}
