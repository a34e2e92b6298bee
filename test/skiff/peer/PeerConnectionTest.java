package skiff.peer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ScatteringByteChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import skiff.loop.Clock;
import skiff.loop.EventLoop;
import skiff.metainfo.Bitfield;
import skiff.metainfo.Metainfo;
import skiff.metainfo.MetainfoParser;

/** The wire codec on a real loopback socket, fed by hand: every bad input closes with its reason. */
class PeerConnectionTest {
    private EventLoop loop;
    private SocketChannel remote;
    private PeerConnection<Void> conn;
    private Metainfo meta;
    private final List<String> events = new ArrayList<>();
    private final ByteBuffer stored = ByteBuffer.allocate(1 << 20);
    private CloseReason closedWith;
    private boolean wantBlocks = true;
    private boolean lendBuffers = true;
    private int buffersOut;

    @BeforeEach
    void setUp() throws Exception {
        // 140006 bytes in 5 pieces of 32 KiB: the mktorrent fixture
        meta = MetainfoParser.parse(Files.readAllBytes(Path.of("test/fixtures/torrents/mk-multi.torrent")));
        loop = new EventLoop(Clock.system(), w -> events.add("warn " + w));
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            SocketChannel local = SocketChannel.open(server.getLocalAddress());
            remote = server.accept();
            conn = new PeerConnection<>(loop, new TcpStream(loop, local), (InetSocketAddress) local.getRemoteAddress(), false, meta, listener(), sink(), null);
            // we offer the extension protocol; a peer that does too hears our limit (BEP 10 reqq)
            conn.register(Wire.handshake(meta.infoHash(), "-SK0100-ourselves000".getBytes(), Wire.ourReserved()).array());
        }
    }

    @AfterEach
    void tearDown() throws IOException {
        remote.close();
        loop.closeAll();
    }

    private PeerListener<Void> listener() {
        return new PeerListener<>() {
            public void connected(PeerConnection<Void> c) {
            }

            public CloseReason handshaken(PeerConnection<Void> c, byte[] id, byte[] reserved) {
                events.add("handshake " + new String(id));
                return null;
            }

            public void choked(PeerConnection<Void> c, boolean choked) {
                events.add(choked ? "choke" : "unchoke");
            }

            public void interested(PeerConnection<Void> c, boolean interested) {
                events.add(interested ? "interested" : "not interested");
            }

            public void have(PeerConnection<Void> c, int piece) {
                events.add("have " + piece);
            }

            public void bitfield(PeerConnection<Void> c, Bitfield b) {
                events.add("bitfield " + b.count());
            }

            public void request(PeerConnection<Void> c, int piece, int begin, int length) {
                events.add("request " + piece + "/" + begin + "/" + length);
                c.queueUpload(piece, begin, length); // as the uploader does; nothing is sent while we choke
            }

            public void cancel(PeerConnection<Void> c, int piece, int begin, int length) {
                events.add("cancel " + piece + "/" + begin + "/" + length);
            }

            public boolean blockStarting(PeerConnection<Void> c, int piece, int begin, int length) {
                return wantBlocks;
            }

            public void blockReceived(PeerConnection<Void> c, int piece, int begin, int length) {
                events.add("block " + piece + "/" + begin + "/" + length);
            }

            public void blockAbandoned(PeerConnection<Void> c, int piece, int begin, int length) {
                events.add("abandoned " + piece + "/" + begin + "/" + length);
            }

            public void closed(PeerConnection<Void> c, CloseReason reason, String detail) {
                closedWith = reason;
            }
        };
    }

    private BlockSink sink() {
        return new BlockSink() {
            public ByteBuffer lendBlockBuffer(int length) {
                if (!lendBuffers) {
                    return null;
                }
                buffersOut++;
                return ByteBuffer.allocate(length);
            }

            public void returnBlockBuffer(ByteBuffer buffer) {
                buffersOut--;
            }

            public int receive(ScatteringByteChannel in, long offset, int length, ByteBuffer after) throws IOException {
                ByteBuffer view = stored.duplicate();
                view.position((int) offset).limit((int) offset + length);
                int before = after.position();
                long n = in.read(new ByteBuffer[] {view, after});
                return n < 0 ? -1 : (int) n - (after.position() - before);
            }

            public void write(long offset, ByteBuffer bytes) {
                ByteBuffer view = stored.duplicate();
                view.position((int) offset);
                view.put(bytes);
            }
        };
    }

    private void send(byte[] bytes) throws Exception {
        remote.write(ByteBuffer.wrap(bytes));
        pump();
    }

    private void pump() throws Exception {
        for (int i = 0; i < 20; i++) {
            loop.runOnce(20);
        }
    }

    private void handshake() throws Exception {
        send(Wire.handshake(meta.infoHash(), "-XX0000-remotepeer00".getBytes(), new byte[8]).array());
        ByteBuffer theirs = ByteBuffer.allocate(68);
        remote.read(theirs);
        assertEquals(68, theirs.position(), "we answer the handshake");
    }

    private static byte[] msg(int id, int... ints) {
        ByteBuffer b = ByteBuffer.allocate(5 + 4 * ints.length).putInt(1 + 4 * ints.length).put((byte) id);
        for (int v : ints) {
            b.putInt(v);
        }
        return b.array();
    }

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
    void blockPayloadGoesStraightToTheSinkWhenItLendsNoBuffer() throws Exception {
        lendBuffers = false;
        blockPayloadGoesToTheSink();
    }

    @Test
    void blocksBackToBackAreEachStoredWhateverTheReadsCatch() throws Exception {
        for (boolean lend : new boolean[] {true, false}) {
            tearDown();
            events.clear();
            closedWith = null;
            setUp();
            lendBuffers = lend;
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
            assertTrue(events.containsAll(List.of("block 3/0/16384", "block 3/16384/16384", "have 1")), lend + " " + events);
            byte[] got = new byte[2 * 16384];
            stored.get(3 * 32768, got);
            assertArrayEquals(first, Arrays.copyOf(got, 16384), "lend " + lend);
            assertArrayEquals(second, Arrays.copyOfRange(got, 16384, 32768), "lend " + lend);
            assertNull(closedWith);
        }
    }

    @Test
    void aBlockCutOffByCloseGivesItsBufferBackAndWritesNothing() throws Exception {
        handshake();
        ByteBuffer m = ByteBuffer.allocate(13 + 5000).putInt(9 + 16384).put((byte) Wire.PIECE)
            .putInt(1).putInt(0).put(new byte[5000]);
        Arrays.fill(m.array(), 13, 13 + 5000, (byte) 9);
        send(m.array());
        assertEquals(1, buffersOut);
        conn.close(CloseReason.SHUTDOWN, null);
        assertEquals(0, buffersOut);
        assertEquals(0, stored.get(32768), "half a block is never written");
        assertTrue(events.contains("abandoned 1/0/16384"), "the swarm hears the block is not coming: " + events);
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
        conn.sendInterested(true);
        conn.queueRequest(1, 16384, 16384);
        conn.flush();
        conn.queueHave(4); // goes out with the next write
        Bitfield b = new Bitfield(5);
        b.set(0);
        b.set(4);
        conn.sendBitfield(b);
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
        conn.sendChoke(false);
        conn.sendChoke(true); // what the choke leaves queued is rejected, each request
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
