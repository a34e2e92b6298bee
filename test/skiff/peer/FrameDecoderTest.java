package skiff.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import skiff.metainfo.Metainfo;
import skiff.metainfo.MetainfoParser;

/** The pure frame decoder: bytes in, frames or a close reason out; no socket, no connection. */
class FrameDecoderTest {
    private final Metainfo meta;
    private final FrameDecoder decoder;
    private final FrameDecoder.Frame f = new FrameDecoder.Frame();

    FrameDecoderTest() throws Exception {
        meta = MetainfoParser.parse(Files.readAllBytes(Path.of("test/fixtures/torrents/mk-multi.torrent")));
        decoder = new FrameDecoder(meta.infoHash(), meta.pieceCount(), meta::pieceSize, 2048);
    }

    private ByteBuffer afterHandshake(byte[] messages) {
        byte[] hs = Wire.handshake(meta.infoHash(), "-XX0000-abcdefghijkl".getBytes(), Wire.ourReserved()).array();
        ByteBuffer in = ByteBuffer.allocate(hs.length + messages.length).put(hs).put(messages).flip();
        assertEquals(FrameDecoder.Kind.HANDSHAKE, decoder.next(in, f));
        assertEquals("-XX0000-abcdefghijkl", new String(f.peerId));
        return in;
    }

    private static byte[] msg(int id, int... ints) {
        ByteBuffer b = ByteBuffer.allocate(5 + 4 * ints.length).putInt(1 + 4 * ints.length).put((byte) id);
        for (int i : ints) {
            b.putInt(i);
        }
        return b.array();
    }

    @Test
    void framesMessagesAndWaitsForPartialOnes() {
        byte[] have = msg(Wire.HAVE, 3);
        byte[] request = msg(Wire.REQUEST, 1, 16384, 16384);
        ByteBuffer in = afterHandshake(ByteBuffer.allocate(4 + have.length + request.length - 1)
            .putInt(0).put(have).put(request, 0, request.length - 1).array());
        assertEquals(FrameDecoder.Kind.KEEP_ALIVE, decoder.next(in, f));
        assertEquals(FrameDecoder.Kind.MESSAGE, decoder.next(in, f));
        assertEquals(Wire.HAVE, f.id);
        assertEquals(3, f.piece);
        int at = in.position();
        assertEquals(FrameDecoder.Kind.MORE, decoder.next(in, f));
        assertEquals(at, in.position(), "a partial message is left in the buffer");
    }

    @Test
    void aBlockHeaderIsCheckedAndItsPayloadLeftToTheStream() {
        ByteBuffer in = afterHandshake(ByteBuffer.allocate(13).putInt(9 + 100).put((byte) Wire.PIECE).putInt(2).putInt(512).array());
        assertEquals(FrameDecoder.Kind.PIECE, decoder.next(in, f));
        assertEquals(2, f.piece);
        assertEquals(512, f.begin);
        assertEquals(100, f.length);
        assertFalse(in.hasRemaining());
    }

    @Test
    void brokenMessagesNameTheirCloseReason() {
        Object[][] cases = {
            {ByteBuffer.allocate(5).putInt(1 << 20).put((byte) 7).array(), CloseReason.MESSAGE_TOO_LONG},
            {ByteBuffer.allocate(5).putInt(-1).put((byte) 7).array(), CloseReason.MESSAGE_TOO_LONG},
            {ByteBuffer.allocate(6).putInt(2).put((byte) Wire.CHOKE).put((byte) 0).array(), CloseReason.BAD_MESSAGE_SIZE},
            {msg(Wire.HAVE, meta.pieceCount()), CloseReason.HAVE_OUT_OF_RANGE},
            {msg(Wire.REQUEST, 0, 0, 0), CloseReason.REQUEST_OUT_OF_RANGE},
            {msg(Wire.REQUEST, 0, meta.pieceSize(0) - 1, 2), CloseReason.REQUEST_OUT_OF_RANGE},
            {ByteBuffer.allocate(13).putInt(9 + 16385).put((byte) Wire.PIECE).putInt(0).putInt(0).array(), CloseReason.BAD_MESSAGE_SIZE},
            {ByteBuffer.allocate(5).putInt(1 + (70 << 10)).put((byte) 20).array(), CloseReason.MESSAGE_TOO_LONG},
            {ByteBuffer.allocate(5).putInt(1).put((byte) 20).array(), CloseReason.BAD_MESSAGE_SIZE},
            {ByteBuffer.allocate(13).putInt(1 + 8).put((byte) Wire.PIECE).putInt(0).putInt(0).array(), CloseReason.BAD_MESSAGE_SIZE},
            {ByteBuffer.allocate(13).putInt(9 + 10).put((byte) Wire.PIECE).putInt(-1).putInt(0).array(), CloseReason.PIECE_OUT_OF_RANGE},
            {ByteBuffer.allocate(5).putInt(1 + (2 << 20)).put((byte) 99).array(), CloseReason.MESSAGE_TOO_LONG},
        };
        for (Object[] c : cases) {
            FrameDecoder d = new FrameDecoder(meta.infoHash(), meta.pieceCount(), meta::pieceSize, 2048);
            byte[] hs = Wire.handshake(meta.infoHash(), new byte[20], new byte[8]).array();
            byte[] body = (byte[]) c[0];
            ByteBuffer in = ByteBuffer.allocate(hs.length + body.length).put(hs).put(body).flip();
            d.next(in, f);
            int at = in.position();
            assertEquals(FrameDecoder.Kind.CLOSE, d.next(in, f));
            assertEquals(c[1], f.reason, f.detail);
            assertEquals(at, in.position());
        }
    }

    @Test
    void aStrayCancelIsIgnoredAndAForeignHandshakeRefused() {
        ByteBuffer in = afterHandshake(msg(Wire.CANCEL, meta.pieceCount() + 5, 0, 16384));
        assertEquals(FrameDecoder.Kind.IGNORED, decoder.next(in, f));
        FrameDecoder other = new FrameDecoder(new byte[20], meta.pieceCount(), meta::pieceSize, 2048);
        ByteBuffer hs = Wire.handshake(meta.infoHash(), new byte[20], new byte[8]);
        assertEquals(FrameDecoder.Kind.CLOSE, other.next(hs, f));
        assertEquals(CloseReason.WRONG_INFO_HASH, f.reason);
        assertFalse(other.handshakeReceived());
        ByteBuffer http = ByteBuffer.wrap("GET / HTTP/1.1\r\nHost: x\r\n\r\n".repeat(3).getBytes());
        assertEquals(FrameDecoder.Kind.CLOSE, other.next(http, f));
        assertEquals(CloseReason.NOT_BITTORRENT, f.reason);
    }

    /** The fuzz target's properties on random streams, seeded: no wedge, no escape, cuts do not matter. */
    @Test
    void randomStreamsDecodeTheSameHoweverTheyAreCut() {
        FrameFuzzTarget target = new FrameFuzzTarget(meta);
        SplittableRandom random = new SplittableRandom(17);
        byte[][] parts = {msg(Wire.HAVE, 1), msg(Wire.REQUEST, 0, 0, 16384), msg(Wire.CHOKE), msg(Wire.UNCHOKE),
            ByteBuffer.allocate(4 + 9 + 16384).putInt(9 + 16384).put((byte) Wire.PIECE).putInt(0).putInt(0).array(),
            ByteBuffer.allocate(4 + 1 + 3000).putInt(1 + 3000).put((byte) 20).array()};
        int decoded = 0;
        for (int i = 0; i < 3000; i++) {
            ByteBuffer b = ByteBuffer.allocate(64 << 10);
            for (int k = random.nextInt(12); k > 0 && b.remaining() > 20_000; k--) {
                if (random.nextInt(8) == 0) {
                    byte[] junk = new byte[random.nextInt(1, 40)];
                    random.nextBytes(junk);
                    b.put(junk);
                } else {
                    b.put(parts[random.nextInt(parts.length)]);
                }
            }
            byte[] input = java.util.Arrays.copyOf(b.array(), b.position());
            target.run(input);
            decoded += input.length;
        }
        assertTrue(decoded > 1_000_000, "enough bytes went through: " + decoded);
    }
}
