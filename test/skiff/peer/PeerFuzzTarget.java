package skiff.peer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayList;
import java.util.List;
import skiff.loop.Clock;
import skiff.loop.EventLoop;
import skiff.metainfo.Bitfield;
import skiff.metainfo.Metainfo;
import skiff.sim.MemoryLink;

/**
 * Feeds the peer wire codec a hostile stream over memory (a {@link MemoryLink}, no socket): the
 * bytes after a valid handshake, written in two cuts. A connection is reused until the input makes it close.
 * Failures: an exception escaping a handler (the loop reports it) or a payload written outside
 * the torrent.
 */
public final class PeerFuzzTarget implements AutoCloseable {
    private final Metainfo meta;
    private final EventLoop loop;
    private final List<String> warnings = new ArrayList<>();
    private final byte[] storage;
    private final ByteBuffer drain = ByteBuffer.allocate(1 << 16);
    private final long[] nowMillis = {0};
    /** Our end is the connection's; the fuzzer writes into and drains the other. */
    private MemoryLink.End remote;
    private PeerConnection<Void> conn;

    public PeerFuzzTarget(Metainfo meta) throws IOException {
        this.meta = meta;
        this.storage = new byte[(int) meta.totalLength()];
        this.loop = new EventLoop(() -> nowMillis[0], warnings::add); // moved by pump() only
    }

    public void run(byte[] input) throws IOException {
        if (conn == null || conn.isClosed()) {
            open();
        }
        int cut = input.length == 0 ? 0 : (input[input.length - 1] & 0xff) % (input.length + 1);
        write(ByteBuffer.wrap(input, 0, cut));
        pump();
        write(ByteBuffer.wrap(input, cut, input.length - cut));
        pump();
        drain();
        if (!warnings.isEmpty()) {
            String w = warnings.get(0);
            warnings.clear();
            conn = null;
            throw new IllegalStateException(w);
        }
    }

    private void write(ByteBuffer b) {
        try {
            for (int i = 0; i < 1000 && b.hasRemaining(); i++) {
                if (remote.write(b) == 0) {
                    pump(); // the window is full: let the connection read
                    drain();
                }
            }
        } catch (IOException e) {
            conn = null; // closed by our side mid-write: the input was refused, as it may be
        }
    }

    private void drain() {
        try {
            while (remote.read(drain.clear()) > 0) {
                // what the connection sends back (handshake, blocks) is not checked here
            }
        } catch (IOException e) {
            conn = null;
        }
    }

    /** Runs the loop until idle, moving the clock to the link's next delivery (a millisecond away) when nothing else is due. */
    private void pump() {
        for (int i = 0; i < 200; i++) {
            if (loop.runOnce(0) == 0) {
                long next = loop.nextTimerMillis();
                if (next == Long.MAX_VALUE || next > nowMillis[0] + 10) {
                    return;
                }
                nowMillis[0] = Math.max(nowMillis[0], next);
            }
        }
    }

    private void open() throws IOException {
        if (remote != null) {
            remote.release();
        }
        pump();
        MemoryLink link = new MemoryLink(loop, 1 << 30, 0);
        remote = link.b;
        link.a.acceptConnected(); // an incoming connection
        conn = new PeerConnection<>(loop, link.a, new InetSocketAddress("127.0.0.1", 6881), false, meta, listener(), sink(), null);
        conn.source(source());
        conn.register(Wire.handshake(meta.infoHash(), "-SK0100-fuzzfuzzfuzz".getBytes(), new byte[8]).array());
        remote.write(Wire.handshake(meta.infoHash(), "-XX0000-fuzzpeer0000".getBytes(), new byte[8]));
        pump();
        conn.send().choke(false); // so that requests are served
        pump();
    }

    private BlockSink sink() {
        return new BlockSink() {
            private int lent;

            public ByteBuffer lendBlockBuffer(int length) {
                // alternate, so the fuzzer drives both an assembled block and one dropped for want of a buffer
                return (lent++ & 1) == 0 ? ByteBuffer.allocate(length) : null;
            }

            public void returnBlockBuffer(ByteBuffer buffer) {
                // nothing pooled here
            }

            public void write(long offset, ByteBuffer bytes) {
                check(offset, bytes.remaining());
                bytes.get(storage, (int) offset, bytes.remaining());
            }
        };
    }

    private BlockSource source() {
        return new BlockSource() {
            public long transfer(long offset, int length, WritableByteChannel out) throws IOException {
                check(offset, length);
                return out.write(ByteBuffer.wrap(storage, (int) offset, length));
            }

            public boolean allowUpload(int bytes) {
                return true;
            }
        };
    }

    private void check(long offset, int length) {
        if (offset < 0 || length < 0 || offset + length > storage.length) {
            throw new IllegalStateException("block outside the torrent: " + offset + "+" + length);
        }
    }

    private PeerListener<Void> listener() {
        return new PeerListener<>() {
            public void connected(PeerConnection<Void> c) {
            }

            public CloseReason handshaken(PeerConnection<Void> c, byte[] id, byte[] reserved) {
                return null;
            }

            public void choked(PeerConnection<Void> c, boolean choked) {
            }

            public void interested(PeerConnection<Void> c, boolean interested) {
            }

            public void have(PeerConnection<Void> c, int piece) {
            }

            public void bitfield(PeerConnection<Void> c, Bitfield b) {
            }

            public void request(PeerConnection<Void> c, int piece, int begin, int length) {
                if (length <= Wire.BLOCK_BYTES) {
                    c.queueUpload(piece, begin, length);
                }
            }

            public void cancel(PeerConnection<Void> c, int piece, int begin, int length) {
                c.cancelUpload(piece, begin, length);
            }

            public boolean blockStarting(PeerConnection<Void> c, int piece, int begin, int length) {
                return (piece + begin) % 2 == 0;
            }

            public void blockReceived(PeerConnection<Void> c, int piece, int begin, int length) {
            }

            public void closed(PeerConnection<Void> c, CloseReason reason, String detail) {
            }
        };
    }

    @Override
    public void close() throws IOException {
        if (remote != null) {
            remote.close();
        }
        loop.closeAll();
    }
}
