package skiff.testutil;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import skiff.metainfo.Metainfo;

/**
 * A scripted peer on 127.0.0.1 that misbehaves in one chosen way. It claims to have every piece,
 * so skiff wants to talk to it; what it then sends is the attack. Every loop is bounded.
 */
public final class HostilePeer implements AutoCloseable {
    public enum Behaviour {
        HUGE_LENGTH, BAD_BITFIELD, HAVE_OUT_OF_RANGE, UNREQUESTED_PIECES, CORRUPT_DATA, REQUEST_FLOOD,
        WRONG_INFO_HASH, SILENT, TRICKLE,
        /** Claims every piece, then floods keep-alives and choke/unchoke pairs, never sending a block. */
        FLAP
    }

    public final AtomicInteger connections = new AtomicInteger();
    public final List<String> notes = new CopyOnWriteArrayList<>();
    private final ServerSocket server;
    private final Thread thread;
    private final Metainfo meta;
    private final Behaviour behaviour;
    private final List<Socket> open = new CopyOnWriteArrayList<>();

    private final long seed;

    public HostilePeer(Metainfo meta, Behaviour behaviour) throws IOException {
        this(meta, behaviour, 1);
    }

    /** {@code seed}: the random source of what it sends (which blocks it pushes, which bytes it serves). */
    public HostilePeer(Metainfo meta, Behaviour behaviour, long seed) throws IOException {
        this.meta = meta;
        this.behaviour = behaviour;
        this.seed = seed;
        this.server = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
        this.thread = new Thread(this::serve, "hostile-" + behaviour);
        thread.setDaemon(true);
        thread.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    private void serve() {
        for (int i = 0; i < 200 && !server.isClosed(); i++) {
            try {
                Socket s = server.accept();
                open.add(s);
                connections.incrementAndGet();
                Thread t = new Thread(() -> handle(s), "hostile-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void handle(Socket s) {
        try (s) {
            s.setSoTimeout(60_000);
            DataInputStream in = new DataInputStream(s.getInputStream());
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            byte[] theirs = new byte[68];
            in.readFully(theirs);
            if (behaviour == Behaviour.SILENT) {
                Thread.sleep(30_000);
                return;
            }
            byte[] hash = behaviour == Behaviour.WRONG_INFO_HASH ? new byte[20] : meta.infoHash();
            out.write(handshake(hash));
            if (behaviour == Behaviour.TRICKLE) {
                for (int i = 0; i < 60; i++) { // a have message, one byte a second
                    out.write(new byte[] {0, 0, 0, 5, 4, 0, 0, 0, 0}[i % 9]);
                    out.flush();
                    Thread.sleep(1000);
                }
                return;
            }
            int n = meta.pieceCount();
            byte[] bits = new byte[(n + 7) / 8];
            for (int i = 0; i < n; i++) {
                bits[i / 8] |= (byte) (0x80 >>> (i % 8));
            }
            switch (behaviour) {
                case HUGE_LENGTH -> out.write(new byte[] {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 7});
                case BAD_BITFIELD -> message(out, 5, new byte[bits.length + 3]);
                case HAVE_OUT_OF_RANGE -> message(out, 4, ByteBuffer.allocate(4).putInt(n + 10).array());
                case UNREQUESTED_PIECES -> {
                    message(out, 5, bits);
                    message(out, 1, new byte[0]);
                    java.util.Random random = new java.util.Random(seed);
                    for (int i = 0; i < 2000; i++) { // 32 MiB of blocks nobody asked for, at random
                        byte[] block = new byte[16384];
                        random.nextBytes(block);
                        message(out, 7, ByteBuffer.allocate(8 + block.length).putInt(random.nextInt(n)).putInt(0).put(block).array());
                        if (i % 16 == 15) {
                            out.flush();
                            Thread.sleep(5);
                        }
                    }
                }
                case FLAP -> {
                    message(out, 5, bits);
                    for (int i = 0; i < 200_000; i++) { // about 100 s of chatter that carries nothing
                        out.writeInt(0);
                        message(out, i % 2 == 0 ? 1 : 0, new byte[0]);
                        if (i % 100 == 99) {
                            out.flush();
                            Thread.sleep(50);
                        }
                    }
                }
                case REQUEST_FLOOD -> {
                    message(out, 2, new byte[0]); // interested
                    for (int i = 0; i < 100_000; i++) {
                        message(out, 6, ByteBuffer.allocate(12).putInt(i % n).putInt(0).putInt(16384).array());
                    }
                }
                default -> { } // CORRUPT_DATA below
            }
            out.flush();
            if (behaviour == Behaviour.CORRUPT_DATA) {
                message(out, 5, bits);
                message(out, 1, new byte[0]);
                out.flush();
                serveGarbage(in, out);
                return;
            }
            drain(in);
        } catch (IOException | InterruptedException e) {
            notes.add(e.toString()); // skiff closed on us: the expected end of most attacks
        }
    }

    /** Answers requests with blocks of the right size and the wrong bytes. */
    private void serveGarbage(DataInputStream in, DataOutputStream out) throws IOException {
        java.util.Random random = new java.util.Random(seed);
        for (int i = 0; i < 1_000_000; i++) {
            int len = in.readInt();
            if (len == 0) {
                continue;
            }
            if (len > 1 << 20) {
                throw new IOException("bad length");
            }
            byte[] body = new byte[len];
            in.readFully(body);
            if (body[0] == 6 && len == 13) {
                ByteBuffer r = ByteBuffer.wrap(body, 1, 12);
                int piece = r.getInt();
                int begin = r.getInt();
                int length = r.getInt();
                byte[] block = new byte[length];
                random.nextBytes(block);
                message(out, 7, ByteBuffer.allocate(8 + length).putInt(piece).putInt(begin).put(block).array());
                out.flush();
                notes.add("served garbage " + piece);
            }
        }
    }

    private static void drain(DataInputStream in) throws IOException {
        byte[] buf = new byte[4096];
        for (int i = 0; i < 100_000 && in.read(buf) >= 0; i++) {
            // read until skiff closes
        }
    }

    private byte[] handshake(byte[] hash) {
        return ByteBuffer.allocate(68).put((byte) 19).put("BitTorrent protocol".getBytes(StandardCharsets.US_ASCII))
            .put(new byte[8]).put(hash).put(peerId()).array();
    }

    private static void message(DataOutputStream out, int id, byte[] payload) throws IOException {
        out.writeInt(1 + payload.length);
        out.writeByte(id);
        out.write(payload);
    }

    /** Each hostile peer its own id: with one id for all, skiff kept one at a time (the others closed as DUPLICATE). */
    private byte[] peerId() {
        return String.format("-HO0000-%-6.6s%06d", behaviour.name(), port()).replace(' ', '-').getBytes(StandardCharsets.US_ASCII);
    }

    /** Tells the tracker this peer is a seeder, so that skiff learns of it. */
    public void announce(String announceUrl) throws IOException {
        StringBuilder q = new StringBuilder();
        for (byte b : meta.infoHash()) {
            q.append('%').append(String.format("%02x", b & 0xff));
        }
        java.net.URL url = new java.net.URL(announceUrl + "?info_hash=" + q + "&peer_id=" + new String(peerId(), StandardCharsets.US_ASCII) + "&port=" + port()
            + "&uploaded=0&downloaded=0&left=0&compact=1&event=started");
        java.net.HttpURLConnection c = (java.net.HttpURLConnection) url.openConnection();
        c.setConnectTimeout(2000);
        c.setReadTimeout(2000);
        try (var in = c.getInputStream()) {
            in.readAllBytes();
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        server.close();
        for (Socket s : open) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing
            }
        }
        thread.join(5000);
    }

    @SuppressWarnings("unused")
    private static boolean timedOut(IOException e) {
        return e instanceof SocketTimeoutException;
    }
}
