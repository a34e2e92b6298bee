package skiff.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import skiff.loop.Clock;
import skiff.loop.EventLoop;
import skiff.metainfo.Bitfield;
import skiff.metainfo.Metainfo;
import skiff.metainfo.MetainfoParser;

/**
 * A wire connection on a real loopback socket, fed by hand from the other end: what the tests of
 * the codec share (the listener that records events, a sink that stores blocks, sending and pumping).
 */
abstract class PeerConnectionFixture {
    EventLoop loop;
    SocketChannel remote;
    PeerConnection<Void> conn;
    Metainfo meta;
    final List<String> events = new ArrayList<>();
    final ByteBuffer stored = ByteBuffer.allocate(1 << 20);
    CloseReason closedWith;
    boolean wantBlocks = true;
    /** What the listener says once a payload is all in: false as when another peer's copy came first. */
    boolean stillWanted = true;
    boolean lendBuffers = true;
    int buffersOut;

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

    PeerListener<Void> listener() {
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

            public boolean blockStillWanted(PeerConnection<Void> c, int piece, int begin) {
                return stillWanted;
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

    BlockSink sink() {
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

            public void write(long offset, ByteBuffer bytes) {
                ByteBuffer view = stored.duplicate();
                view.position((int) offset);
                view.put(bytes);
            }
        };
    }

    void send(byte[] bytes) throws Exception {
        remote.write(ByteBuffer.wrap(bytes));
        pump();
    }

    void pump() throws Exception {
        for (int i = 0; i < 20; i++) {
            loop.runOnce(20);
        }
    }

    void handshake() throws Exception {
        send(Wire.handshake(meta.infoHash(), "-XX0000-remotepeer00".getBytes(), new byte[8]).array());
        ByteBuffer theirs = ByteBuffer.allocate(68);
        remote.read(theirs);
        assertEquals(68, theirs.position(), "we answer the handshake");
    }

    static byte[] msg(int id, int... ints) {
        ByteBuffer b = ByteBuffer.allocate(5 + 4 * ints.length).putInt(1 + 4 * ints.length).put((byte) id);
        for (int v : ints) {
            b.putInt(v);
        }
        return b.array();
    }
}
