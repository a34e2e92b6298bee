package skiff.peer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import skiff.metainfo.Bitfield;

/** The wire codec on a real loopback socket, fed by hand: every bad input closes with its reason. */
class PeerConnectionTest extends PeerConnectionFixture {
    /**
     * Transmission pipelines about ten seconds of blocks: it hears our limit as BEP 10's `reqq`, and
     * requests past it are dropped and counted while the connection stays (it used to be closed as a flood).
     */
    @Test
    void deepPipelinesAreToldTheLimitAndKeptPastIt() throws Exception {
        send(Wire.handshake(meta.infoHash(), "-XX0000-remotepeer00".getBytes(), Wire.ourReserved()).array());
        byte[] ext = Wire.extensionHandshake(PeerConnection.MAX_QUEUED_UPLOADS);
        ByteBuffer theirs = ByteBuffer.allocate(68 + ext.length);
        for (int i = 0; i < 50 && theirs.hasRemaining(); i++) {
            remote.read(theirs);
        }
        assertArrayEquals(ext, Arrays.copyOfRange(theirs.array(), 68, 68 + ext.length), "the extension handshake");
        // length, id 20, extension 0 (the handshake), then {"m": {}, "reqq": 2000}: aria2 drops a peer whose dict is malformed
        assertEquals("d1:mde4:reqqi2000ee", new String(ext, 6, ext.length - 6, java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(ext.length - 4, ByteBuffer.wrap(ext).getInt());
        skiff.bencode.BDict parsed = (skiff.bencode.BDict) skiff.bencode.Decoder.decode(Arrays.copyOfRange(ext, 6, ext.length));
        assertTrue(parsed != null);
        // still choked by us: nothing is sent, so every request stays queued
        ByteBuffer many = ByteBuffer.allocate(3000 * 17);
        for (int i = 0; i < 3000; i++) {
            many.put(msg(Wire.REQUEST, i % 4, 0, 16384)); // pieces 0-3 are whole 32 KiB ones
        }
        send(many.array());
        assertNull(closedWith, "a deep pipeline is not a flood");
        assertEquals(PeerConnection.MAX_QUEUED_UPLOADS, conn.queuedUploads());
        assertEquals(3000 - PeerConnection.MAX_QUEUED_UPLOADS, conn.counters().droppedRequests());
    }

    @Test
    void controlMessagesCutAtEveryByteAreUnderstood() throws Exception {
        handshake();
        ByteBuffer all = ByteBuffer.allocate(200);
        all.put(msg(Wire.UNCHOKE)).put(msg(Wire.INTERESTED)).put(msg(Wire.HAVE, 3)).putInt(0) // keep-alive
            .put(msg(Wire.REQUEST, 1, 16384, 16384)).put(msg(Wire.CANCEL, 1, 16384, 16384)).put(msg(Wire.NOT_INTERESTED))
            .put(new byte[] {0, 0, 0, 3, 9, 0x1a, (byte) 0xe1}) // port: ignored
            .put(msg(Wire.CHOKE));
        all.flip();
        while (all.hasRemaining()) {
            remote.write(ByteBuffer.wrap(new byte[] {all.get()}));
            loop.runOnce(5);
        }
        pump();
        assertEquals(List.of("handshake -XX0000-remotepeer00", "unchoke", "interested", "have 3", "request 1/16384/16384",
            "cancel 1/16384/16384", "not interested", "choke"), events);
        assertNull(closedWith);
    }

    @Test
    void aBitfieldIsReadIntoThePeersPieces() throws Exception {
        handshake();
        int pieces = meta.pieceCount();
        byte[] bits = new byte[(pieces + 7) / 8];
        bits[0] = (byte) 0x80; // piece 0
        bits[(pieces - 1) / 8] |= (byte) (0x80 >>> ((pieces - 1) % 8)); // and the last
        send(ByteBuffer.allocate(5 + bits.length).putInt(1 + bits.length).put((byte) Wire.BITFIELD).put(bits).array());
        assertNull(closedWith);
        assertTrue(events.contains("bitfield " + (pieces > 1 ? 2 : 1)), events.toString());
        assertTrue(conn.peerPieces.get(0) && conn.peerPieces.get(pieces - 1));
    }

    @Test
    void hostileInputsCloseWithTheirReason() throws Exception {
        Object[][] cases = {
            {new byte[] {(byte) 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 7}, CloseReason.MESSAGE_TOO_LONG},
            {msg(Wire.HAVE, 5), CloseReason.HAVE_OUT_OF_RANGE},
            {msg(Wire.HAVE, -1), CloseReason.HAVE_OUT_OF_RANGE},
            {new byte[] {0, 0, 0, 3, Wire.HAVE, 0, 0}, CloseReason.BAD_MESSAGE_SIZE},
            {new byte[] {0, 0, 0, 2, Wire.CHOKE, 0}, CloseReason.BAD_MESSAGE_SIZE},
            {new byte[] {0, 0, 0, 3, Wire.BITFIELD, 0, 0}, CloseReason.BAD_BITFIELD},
            {new byte[] {0, 0, 0, 2, Wire.BITFIELD, (byte) 0xff}, CloseReason.BAD_BITFIELD}, // spare bits set
            {msg(Wire.REQUEST, 4, 0, 16384), CloseReason.REQUEST_OUT_OF_RANGE}, // last piece is 9478 bytes
            {msg(Wire.REQUEST, 0, -5, 10), CloseReason.REQUEST_OUT_OF_RANGE},
            {ByteBuffer.allocate(13).putInt(9).put((byte) Wire.PIECE).putInt(9).putInt(0).array(), CloseReason.BAD_MESSAGE_SIZE},
            {ByteBuffer.allocate(13).putInt(10).put((byte) Wire.PIECE).putInt(9).putInt(0).array(), CloseReason.PIECE_OUT_OF_RANGE},
            {ByteBuffer.allocate(13).putInt(9 + 16385).put((byte) Wire.PIECE).putInt(0).putInt(0).array(), CloseReason.BAD_MESSAGE_SIZE},
            {new byte[] {0, 0x20, 0, 0, 20}, CloseReason.MESSAGE_TOO_LONG}, // an extended message of 2 MiB
            {new byte[] {0, 0x20, 0, 0, 99}, CloseReason.MESSAGE_TOO_LONG}, // unknown id 99, 2 MiB
            {ByteBuffer.allocate(4 + 2 + 5).putInt(2 + 5).put((byte) 20).put((byte) 0).put("5:abcd".getBytes(), 0, 5).array(),
                CloseReason.BAD_EXTENSION_MESSAGE}, // an extension handshake that is not a dictionary
        };
        for (Object[] c : cases) {
            tearDown();
            events.clear();
            closedWith = null;
            setUp();
            handshake();
            send((byte[]) c[0]);
            assertEquals(c[1], closedWith, java.util.HexFormat.of().formatHex((byte[]) c[0]));
        }
    }

    @Test
    void wrongInfoHashAndNonBitTorrentAreRefused() throws Exception {
        byte[] other = new byte[20];
        send(Wire.handshake(other, "-XX0000-remotepeer00".getBytes(), new byte[8]).array());
        assertEquals(CloseReason.WRONG_INFO_HASH, closedWith);
        tearDown();
        closedWith = null;
        setUp();
        send(("GET / HTTP/1.1\r\nHost: x\r\n\r\n" + "x".repeat(60)).getBytes());
        assertEquals(CloseReason.NOT_BITTORRENT, closedWith);
    }

    @Test
    void unknownSmallMessagesAreSkipped() throws Exception {
        handshake();
        ByteBuffer m = ByteBuffer.allocate(4 + 1 + 3000).putInt(1 + 3000).put((byte) 99);
        send(m.array());
        send(msg(Wire.HAVE, 2));
        assertEquals("have 2", events.get(events.size() - 1));
        assertNull(closedWith);
    }

    @Test
    void sendsWellFormedMessages() throws Exception {
        handshake();
        conn.send().interested(true);
        conn.send().request(1, 16384, 16384);
        conn.flush();
        conn.send().have(4); // goes out with the next write
        Bitfield b = new Bitfield(5);
        b.set(0);
        b.set(4);
        conn.send().bitfield(b);
        pump();
        ByteBuffer got = ByteBuffer.allocate(100);
        remote.read(got);
        got.flip();
        ByteBuffer want = ByteBuffer.allocate(100).put(msg(Wire.INTERESTED)).put(msg(Wire.REQUEST, 1, 16384, 16384))
            .put(msg(Wire.HAVE, 4)).put(new byte[] {0, 0, 0, 2, Wire.BITFIELD, (byte) 0b10001000});
        want.flip();
        assertEquals(want, got);
    }

    /** BEP 6: with the Fast extension on both sides, requests we will not serve are rejected, not dropped in silence. */
    @Test
    void fastRejectsWhatAChokeLeavesAndWhatIsPastTheLimit() throws Exception {
        send(Wire.handshake(meta.infoHash(), "-XX0000-remotepeer00".getBytes(), Wire.ourReserved()).array());
        assertTrue(conn.fast());
        ByteBuffer many = ByteBuffer.allocate(2003 * 17);
        for (int i = 0; i < 2003; i++) {
            many.put(msg(Wire.REQUEST, i % 4, 0, 16384));
        }
        send(many.array());
        assertEquals(PeerConnection.MAX_QUEUED_UPLOADS, conn.queuedUploads());
        conn.send().choke(false);
        conn.send().choke(true); // what the choke leaves queued is rejected, each request
        conn.flush();
        pump();
        ByteBuffer got = ByteBuffer.allocate(1 << 17);
        for (int i = 0; i < 200 && got.position() < 68 + 2 * 5 + 2003 * 17; i++) {
            remote.read(got);
            loop.runOnce(5);
        }
        got.flip();
        got.position(68);
        int rejects = 0;
        while (got.remaining() >= 4) {
            int length = got.getInt();
            if (length > 0) {
                rejects += got.get(got.position()) == Wire.REJECT ? 1 : 0;
            }
            got.position(got.position() + length);
        }
        assertEquals(2003, rejects, "3 past the limit, then 2000 on the choke");
        assertEquals(2003, conn.counters().rejectsSent());
    }
}
