package skiff.peer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Blocks from the wire into the sink: assembled in lent buffers, back to back, cut off, unwanted, or with no buffer free. */
class BlockPayloadTest extends PeerConnectionFixture {
    @Test
    void blockPayloadGoesToTheSink() throws Exception {
        handshake();
        byte[] payload = new byte[16384];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) (i * 7);
        }
        ByteBuffer m = ByteBuffer.allocate(13 + payload.length).putInt(9 + payload.length).put((byte) Wire.PIECE)
            .putInt(2).putInt(16384).put(payload);
        send(m.array());
        assertTrue(events.contains("block 2/16384/16384"), events.toString());
        byte[] got = new byte[payload.length];
        stored.get(2 * 32768 + 16384, got);
        assertArrayEquals(payload, got);
        assertEquals(16384, conn.counters().bytesDownloaded());
        assertEquals(0, buffersOut, "the assembly buffer went back");
    }

    @Test
    void aBlockNoBufferIsFreeForIsDroppedAndAskedForAgain() throws Exception {
        handshake();
        lendBuffers = false;
        ByteBuffer m = ByteBuffer.allocate(13 + 16384).putInt(9 + 16384).put((byte) Wire.PIECE)
            .putInt(2).putInt(16384).put(new byte[16384]);
        Arrays.fill(m.array(), 13, m.capacity(), (byte) 5);
        send(m.array());
        send(msg(Wire.HAVE, 1));
        assertTrue(events.contains("have 1"), events.toString());
        assertTrue(events.contains("abandoned 2/16384/16384"), "the swarm asks for it again: " + events);
        assertFalse(events.contains("block 2/16384/16384"));
        assertEquals(0, stored.get(2 * 32768 + 16384), "nothing written");
        assertEquals(16384, conn.counters().bytesDownloaded(), "the bytes came all the same");
        assertNull(closedWith);
    }

    @Test
    void blocksBackToBackAreEachStoredWhateverTheReadsCatch() throws Exception {
        handshake();
        byte[] first = new byte[16384];
        byte[] second = new byte[16384];
        Arrays.fill(first, (byte) 3);
        Arrays.fill(second, (byte) 4);
        ByteBuffer all = ByteBuffer.allocate(2 * (13 + 16384) + 9).putInt(9 + 16384).put((byte) Wire.PIECE)
            .putInt(3).putInt(0).put(first).putInt(9 + 16384).put((byte) Wire.PIECE).putInt(3).putInt(16384)
            .put(second).put(msg(Wire.HAVE, 1));
        // The first block starts alone; the rest of it, the second block and a have come in one write,
        // so one read ends the first block and catches the next header behind it.
        send(Arrays.copyOf(all.array(), 13 + 100));
        send(Arrays.copyOfRange(all.array(), 13 + 100, all.capacity()));
        assertTrue(events.containsAll(List.of("block 3/0/16384", "block 3/16384/16384", "have 1")), events.toString());
        byte[] got = new byte[2 * 16384];
        stored.get(3 * 32768, got);
        assertArrayEquals(first, Arrays.copyOf(got, 16384));
        assertArrayEquals(second, Arrays.copyOfRange(got, 16384, 32768));
        assertEquals(0, buffersOut);
        assertNull(closedWith);
    }

    /** The header of piece 1's first block and 5,000 of its bytes (9s), the rest still to come. */
    private void sendFirstBytesOfBlock1() throws Exception {
        ByteBuffer m = ByteBuffer.allocate(13 + 5000).putInt(9 + 16384).put((byte) Wire.PIECE)
            .putInt(1).putInt(0).put(new byte[5000]);
        Arrays.fill(m.array(), 13, 13 + 5000, (byte) 9);
        send(m.array());
    }

    @Test
    void aBlockCutOffByCloseGivesItsBufferBackAndWritesNothing() throws Exception {
        handshake();
        sendFirstBytesOfBlock1();
        assertEquals(1, buffersOut);
        conn.close(CloseReason.SHUTDOWN, null);
        assertEquals(0, buffersOut);
        assertEquals(0, stored.get(32768), "half a block is never written");
        assertTrue(events.contains("abandoned 1/0/16384"), "the swarm hears the block is not coming: " + events);
    }

    @Test
    void aCopyBeatenByAnotherPeersIsNotWritten() throws Exception {
        handshake();
        sendFirstBytesOfBlock1();
        stillWanted = false; // endgame: the same block arrived whole from another peer meanwhile
        byte[] rest = new byte[16384 - 5000];
        Arrays.fill(rest, (byte) 9);
        send(rest);
        send(msg(Wire.HAVE, 1));
        assertTrue(events.contains("have 1"), events.toString());
        assertEquals(0, stored.get(32768), "the late copy is not written over the first");
        assertEquals(0, buffersOut, "its buffer went back");
        assertTrue(events.contains("abandoned 1/0/16384"), "the swarm hears this copy is not coming: " + events);
        assertFalse(events.contains("block 1/0/16384"));
        assertNull(closedWith);
    }

    @Test
    void unwantedBlocksAreDiscardedWithoutClosing() throws Exception {
        handshake();
        wantBlocks = false;
        ByteBuffer m = ByteBuffer.allocate(13 + 100).putInt(9 + 100).put((byte) Wire.PIECE).putInt(0).putInt(0).put(new byte[100]);
        send(m.array());
        send(msg(Wire.HAVE, 1));
        assertFalse(events.stream().anyMatch(e -> e.startsWith("block")));
        assertTrue(events.contains("have 1"));
        assertNull(closedWith);
    }
}
