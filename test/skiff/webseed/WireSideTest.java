package skiff.webseed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;
import skiff.peer.Wire;

/** The web seed's side of the peer wire protocol: our requests parsed, its handshake and pieces made. */
class WireSideTest {
    private static final byte[] HASH = new byte[20];
    private static final byte[] ID = "-XX0000-webseedpeer0".getBytes();

    private static skiff.metainfo.Bitfield all(int n) {
        skiff.metainfo.Bitfield b = new skiff.metainfo.Bitfield(n);
        for (int i = 0; i < n; i++) {
            b.set(i);
        }
        return b;
    }

    /** What the codec would write: our handshake, interested, a keep-alive, three requests and a cancel. */
    private static byte[] codecBytes() {
        ByteBuffer b = ByteBuffer.allocate(200);
        b.put(Wire.handshake(HASH, new byte[20], Wire.ourReserved()));
        b.putInt(1).put((byte) 2); // interested
        b.putInt(0); // keep-alive
        b.putInt(3).put((byte) Wire.BITFIELD).put((byte) 0).put((byte) 0);
        for (int[] r : new int[][] {{0, 0, 16384}, {0, 16384, 16384}, {1, 0, 8000}, {2, 0, 100}}) {
            b.putInt(13).put((byte) Wire.REQUEST).putInt(r[0]).putInt(r[1]).putInt(r[2]);
        }
        b.putInt(13).put((byte) Wire.CANCEL).putInt(2).putInt(0).putInt(100);
        b.putInt(13).put((byte) Wire.REQUEST).putInt(9).putInt(0).putInt(10); // a piece out of range: ignored
        return java.util.Arrays.copyOf(b.array(), b.position());
    }

    @Test
    void requestsAndCancelsAreHeardHoweverTheWritesAreCut() {
        byte[] all = codecBytes();
        for (int cut = 1; cut < all.length; cut++) {
            WireSide w = new WireSide(HASH, ID, all(3), 32768);
            assertNull(w.greeting());
            w.written(ByteBuffer.wrap(all, 0, cut));
            w.written(ByteBuffer.wrap(all, cut, all.length - cut));
            assertTrue(w.hasQueued());
            List<WireSide.Block> run = w.nextRun(1 << 20);
            assertEquals(List.of(new WireSide.Block(0, 0, 16384, 0), new WireSide.Block(0, 16384, 16384, 16384),
                new WireSide.Block(1, 0, 8000, 32768)), run, "cut at " + cut);
            assertFalse(w.hasQueued(), "the cancelled request is gone");
            assertTrue(w.greeting() != null);
        }
    }

    @Test
    void aRunStopsAtAGapOrItsSize() {
        WireSide w = new WireSide(HASH, ID, all(3), 32768);
        w.written(ByteBuffer.wrap(codecBytes()));
        assertEquals(1, w.nextRun(16384).size());
        assertEquals(2, w.nextRun(1 << 20).size());
    }

    @Test
    void theGreetingIsAHandshakeAFullBitfieldAndAnUnchoke() {
        WireSide w = new WireSide(HASH, ID, all(11), 16384);
        w.written(ByteBuffer.wrap(codecBytes(), 0, Wire.HANDSHAKE_BYTES));
        ByteBuffer g = w.greeting();
        assertNull(w.greeting(), "once");
        ByteBuffer expected = ByteBuffer.allocate(Wire.HANDSHAKE_BYTES + 7 + 5);
        expected.put(Wire.handshake(HASH, ID, new byte[8]));
        expected.putInt(3).put((byte) Wire.BITFIELD).put((byte) 0xff).put((byte) 0xe0); // 11 pieces; spare bits clear
        expected.putInt(1).put((byte) Wire.UNCHOKE);
        assertArrayEquals(expected.array(), java.util.Arrays.copyOf(g.array(), g.limit()));
    }

    @Test
    void bodyBytesAreFramedAsPieceMessagesAsRoomAllows() {
        WireSide w = new WireSide(HASH, ID, all(3), 32768);
        w.written(ByteBuffer.wrap(codecBytes()));
        w.nextRun(1 << 20);
        byte[] body = new byte[16384 * 2 + 8000];
        new java.util.Random(1).nextBytes(body);
        ByteBuffer all = ByteBuffer.allocate(body.length + 3 * 13);
        int taken = 0;
        while (taken < body.length) { // an inbox of 1000 bytes, drained each time, and bodies in cuts of 777
            ByteBuffer inbox = ByteBuffer.allocate(1000);
            taken += w.frame(ByteBuffer.wrap(body, taken, body.length - taken), Math.min(777, body.length - taken), inbox);
            all.put(inbox.flip());
        }
        assertTrue(w.framedAll());
        all.flip();
        int[][] blocks = {{0, 0, 16384}, {0, 16384, 16384}, {1, 0, 8000}};
        int at = 0;
        for (int[] b : blocks) {
            assertEquals(9 + b[2], all.getInt());
            assertEquals(Wire.PIECE, all.get());
            assertEquals(b[0], all.getInt());
            assertEquals(b[1], all.getInt());
            byte[] payload = new byte[b[2]];
            all.get(payload);
            assertArrayEquals(java.util.Arrays.copyOfRange(body, at, at + b[2]), payload);
            at += b[2];
        }
        assertFalse(all.hasRemaining());
    }
}
