package skiff.utp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import skiff.loop.EventLoop;
import skiff.peer.PeerStream;
import skiff.testutil.OnReadable;

/**
 * uTP: the input is a run of datagrams (a 2-byte length, then that many bytes) from one peer to a
 * listening endpoint whose connections are read by a stream above; time moves between datagrams
 * so that acks flush and timeouts fire. The endpoint's randomness is seeded, so the corpus (written
 * by {@link #main}) holds a real SYN and data that mutations bend. Fails on any exception, on a
 * packet sent larger than the endpoint's buffer, or on more held than the bounds allow.
 */
public final class UtpFuzzTarget {
    private static final InetSocketAddress PEER = new InetSocketAddress("10.1.2.3", 6881);
    private static final long SEED = 1;
    private final long[] now = {1_000_000};
    private final EventLoop loop;
    private final List<RuntimeException> errors = new ArrayList<>();

    public UtpFuzzTarget() {
        try {
            loop = new EventLoop(() -> now[0], w -> { });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        loop.onTaskError(errors::add);
    }

    /** A stream above that reads everything (at most 100 reads a turn) and answers each read with a few bytes. */
    private static PeerStream.Events reader(PeerStream stream) {
        ByteBuffer buffer = ByteBuffer.allocate(4096);
        return OnReadable.events(() -> {
            for (int i = 0; i < 100; i++) {
                buffer.clear();
                int n = stream.read(buffer);
                if (n <= 0) {
                    return;
                }
                stream.write(ByteBuffer.wrap(new byte[n % 97]));
            }
        });
    }

    public void run(byte[] in) {
        List<UtpStream> streams = new ArrayList<>();
        UtpEndpoint e = new UtpEndpoint(loop, (datagram, to) -> {
            if (datagram.remaining() > UtpEndpoint.PACKET_BUFFER_BYTES) {
                throw new AssertionError("a packet of " + datagram.remaining() + " bytes");
            }
            return true;
        }, () -> now[0] * 1000, new SplittableRandom(SEED));
        e.listen((stream, from) -> {
            streams.add((UtpStream) stream);
            try {
                stream.start(reader(stream));
            } catch (IOException x) {
                throw new UncheckedIOException(x);
            }
        });
        try {
            int at = 0;
            for (int k = 0; at + 2 <= in.length; k++) {
                int length = Math.min(((in[at] & 0xff) << 8 | (in[at + 1] & 0xff)) % 1600, in.length - at - 2);
                e.received(ByteBuffer.wrap(in, at + 2, length).slice(), PEER);
                at += 2 + length;
                now[0] += (k % 16 == 15) ? 1500 : 3;
                loop.runOnce(0);
                if (!errors.isEmpty()) {
                    throw errors.get(0);
                }
                if (e.connections() > UtpEndpoint.MAX_SOCKETS) {
                    throw new AssertionError(e.connections() + " connections");
                }
            }
            for (UtpStream s : streams) {
                if (s.bufferedForTest() > UtpSocket.RECEIVE_BUFFER_BYTES) {
                    throw new AssertionError(s.bufferedForTest() + " bytes held");
                }
            }
        } finally {
            e.close();
            loop.runOnce(0);
            errors.clear();
        }
    }

    /** Writes the seed corpus: a SYN, data in and out of order, acks with a selective ack, a FIN; and a RESET. */
    public static void main(String[] args) throws Exception {
        Path dir = Files.createDirectories(Path.of(args.length > 0 ? args[0] : "test/fuzz-corpus/utp"));
        // what the peer acks: one before the accepted socket's first sequence number, which its STATE carried
        int ours = (new SplittableRandom(SEED).nextInt(0x10000) - 1) & 0xffff;
        int id = 4000;
        byte[] hello = "\u0013BitTorrent protocol\0\0\0\0\0\0\0\0".getBytes(StandardCharsets.ISO_8859_1);
        java.io.ByteArrayOutputStream run = new java.io.ByteArrayOutputStream();
        add(run, UtpPacket.ST_SYN, id, 10, 0, null, 0, new byte[0]);
        add(run, UtpPacket.ST_DATA, id + 1, 11, ours, null, 0, hello);
        add(run, UtpPacket.ST_DATA, id + 1, 13, ours, null, 0, new byte[1400]);
        add(run, UtpPacket.ST_DATA, id + 1, 12, ours, null, 0, new byte[700]);
        add(run, UtpPacket.ST_STATE, id + 1, 13, ours, new byte[] {5, 0, 0, 0}, 4, new byte[0]);
        add(run, UtpPacket.ST_FIN, id + 1, 14, ours, null, 0, new byte[0]);
        Files.write(dir.resolve("conversation"), run.toByteArray());
        java.io.ByteArrayOutputStream reset = new java.io.ByteArrayOutputStream();
        add(reset, UtpPacket.ST_SYN, id, 10, 0, null, 0, new byte[0]);
        add(reset, UtpPacket.ST_RESET, id + 1, 11, ours, null, 0, new byte[0]);
        Files.write(dir.resolve("reset"), reset.toByteArray());
    }

    private static void add(java.io.ByteArrayOutputStream run, int type, int id, int seq, int ack, byte[] sack, int sackBytes,
                            byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(UtpEndpoint.PACKET_BUFFER_BYTES);
        UtpPacket.header(b, type, id, 1000, 0, 1 << 20, seq, ack, sack, sackBytes);
        b.put(payload);
        b.flip();
        run.write(b.remaining() >>> 8);
        run.write(b.remaining() & 0xff);
        run.write(b.array(), 0, b.remaining());
    }
}
