package skiff.peer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.Random;
import org.junit.jupiter.api.Test;
import skiff.testutil.StubStream;

/**
 * The outbox over a socket that takes a little at a time, as a nearly full one does: a block
 * once begun goes whole before any message queued meanwhile.
 */
class OutboxTest {
    private static final int PIECE = 32 << 10;

    /** A stream that takes at most {@code perWrite} bytes per write. */
    private static final class Trickle extends StubStream {
        final ByteArrayOutputStream got = new ByteArrayOutputStream();
        final int perWrite;

        Trickle(int perWrite) {
            this.perWrite = perWrite;
        }

        @Override
        public int write(ByteBuffer src) {
            int n = Math.min(perWrite, src.remaining());
            byte[] b = new byte[n];
            src.get(b);
            got.write(b, 0, n);
            return n;
        }
    }

    /** Blocks from a byte array, through the channel's own writes (as the JDK's transferTo to a non-socket does). */
    private static BlockSource source(byte[] data) {
        return new BlockSource() {
            @Override
            public long transfer(long offset, int length, WritableByteChannel out) throws IOException {
                return out.write(ByteBuffer.wrap(data, (int) offset, length));
            }

            @Override
            public boolean allowUpload(int bytes) {
                return true;
            }
        };
    }

    @Test
    void aMessageQueuedMidBlockWaitsForTheBlockToEnd() throws IOException {
        byte[] data = new byte[2 * PIECE];
        new Random(3).nextBytes(data);
        Outbox o = new Outbox(64 << 10, PIECE);
        Trickle socket = new Trickle(1000);
        BlockSource blocks = source(data);
        long[] uploaded = {0};
        assertTrue(o.queueUpload(1, 16384, 16384, 10));
        o.drain(socket, blocks, false, p -> false, n -> uploaded[0] += n); // header and part of the block
        assertTrue(o.pending());
        assertTrue(o.message(Wire.HAVE, 7)); // a have, queued while the block is on its way
        for (int i = 0; i < 100 && o.pending(); i++) {
            o.drain(socket, blocks, false, p -> false, n -> uploaded[0] += n);
        }
        ByteBuffer wire = ByteBuffer.wrap(socket.got.toByteArray());
        assertEquals(9 + 16384, wire.getInt());
        assertEquals(Wire.PIECE, wire.get());
        assertEquals(1, wire.getInt());
        assertEquals(16384, wire.getInt());
        byte[] block = new byte[16384];
        wire.get(block);
        byte[] expected = new byte[16384];
        System.arraycopy(data, PIECE + 16384, expected, 0, 16384);
        assertArrayEquals(expected, block);
        assertEquals(5, wire.getInt());
        assertEquals(Wire.HAVE, wire.get());
        assertEquals(7, wire.getInt());
        assertEquals(0, wire.remaining());
        assertEquals(16384, uploaded[0]);
    }

    @Test
    void aHeaderCutShortIsFinishedFirst() throws IOException {
        byte[] data = new byte[PIECE];
        new Random(4).nextBytes(data);
        Outbox o = new Outbox(64 << 10, PIECE);
        Trickle socket = new Trickle(5); // not even a whole header per write
        assertTrue(o.queueUpload(0, 0, 100, 10));
        o.drain(socket, source(data), false, p -> false, n -> { });
        assertTrue(o.message(Wire.INTERESTED));
        for (int i = 0; i < 100 && o.pending(); i++) {
            o.drain(socket, source(data), false, p -> false, n -> { });
        }
        ByteBuffer wire = ByteBuffer.wrap(socket.got.toByteArray());
        assertEquals(109, wire.getInt());
        assertEquals(Wire.PIECE, wire.get());
        wire.position(wire.position() + 8 + 100);
        assertEquals(1, wire.getInt());
        assertEquals(Wire.INTERESTED, wire.get());
        assertEquals(0, wire.remaining());
    }
}
