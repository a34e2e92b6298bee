package skiff.webseed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import skiff.loop.Clock;
import skiff.loop.Dns;
import skiff.loop.EventLoop;
import skiff.metainfo.Metainfo;
import skiff.peer.PeerStream;
import skiff.peer.Wire;

/**
 * A web seed stream against a small HTTP server on loopback: the codec's requests go out as
 * range requests, one per file of a run, and what comes back is framed into piece messages; a
 * server that closes after each reply, a redirect, and replies that end the stream with a reason.
 */
class WebSeedStreamTest {
    private static final int PIECE = 16384;
    private final byte[] a = bytes(40_000, 1);
    private final byte[] b = bytes(30_000, 2);
    private final EventLoop loop;
    private Metainfo torrent;
    /** Added to the real clock: a test moves time on by hand. */
    private long skewMillis;

    WebSeedStreamTest() throws IOException {
        Clock real = Clock.system();
        loop = new EventLoop(() -> real.nowMillis() + skewMillis, w -> { });
    }

    @AfterEach
    void tearDown() {
        loop.closeAll();
    }

    private static byte[] bytes(int n, long seed) {
        byte[] x = new byte[n];
        new Random(seed).nextBytes(x);
        return x;
    }

    /** "a", a padding file to the next piece, then "b": the torrent's bytes as the swarm must see them. */
    private byte[] image() throws Exception {
        int pad = 3 * PIECE - a.length;
        torrent = SeedTorrents.multi("t", PIECE, new Object[] {"a", (long) a.length}, new Object[] {".pad", "x", (long) pad},
            new Object[] {"b", (long) b.length});
        ByteBuffer all = ByteBuffer.allocate(a.length + pad + b.length);
        return all.put(a).position(a.length + pad).put(b).array();
    }

    /** What the connection above hears and reads. */
    private class Codec implements PeerStream.Events {
        final ByteArrayOutputStream got = new ByteArrayOutputStream();
        PeerStream stream;
        String closed;

        @Override
        public void connected() {
            ByteBuffer out = ByteBuffer.allocate(Wire.HANDSHAKE_BYTES + 17 * torrent.pieceCount());
            out.put(Wire.handshake(torrent.infoHash(), new byte[20], Wire.ourReserved()));
            for (int p = 0; p < torrent.pieceCount(); p++) {
                out.putInt(13).put((byte) Wire.REQUEST).putInt(p).putInt(0).putInt(torrent.pieceSize(p));
            }
            out.flip();
            try {
                while (out.hasRemaining()) { // in cuts, as a codec's writes may come
                    int n = Math.min(29, out.remaining());
                    stream.write(out.slice(out.position(), n));
                    out.position(out.position() + n);
                }
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }

        @Override
        public void connectFailed(String why) {
            closed = why;
        }

        @Override
        public void readable() throws IOException {
            ByteBuffer buf = ByteBuffer.allocate(5000); // less than a block: the stream must go on next turn
            int n = stream.read(buf);
            got.write(buf.array(), 0, n);
        }

        @Override
        public void writable() {
        }

        @Override
        public void closed(Throwable cause) {
            closed = cause == null ? "stopped" : cause.getMessage();
        }

        /** The piece messages after the greeting, laid out at their places in the torrent. */
        byte[] pieces() {
            ByteBuffer in = ByteBuffer.wrap(got.toByteArray());
            in.position(Wire.HANDSHAKE_BYTES + 4 + 1 + (torrent.pieceCount() + 7) / 8 + 4 + 1);
            byte[] image = new byte[(int) torrent.totalLength()];
            while (in.remaining() >= 13) {
                int length = in.getInt() - 9;
                assertEquals(Wire.PIECE, in.get());
                int piece = in.getInt();
                int begin = in.getInt();
                in.get(image, piece * PIECE + begin, length);
            }
            assertEquals(0, in.remaining());
            return image;
        }
    }

    private Codec run(String url, long bytesWanted) throws Exception {
        return run(new HttpSeeds(loop, new Dns(loop, Runnable::run), null, "skiff-test"), url, bytesWanted);
    }

    private Codec run(HttpSeeds seeds, String url, long bytesWanted) throws Exception {
        Codec codec = new Codec();
        codec.stream = seeds.open(url, torrent);
        codec.stream.start(codec);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline && codec.closed == null && codec.got.size() < bytesWanted) {
            loop.runOnce(50);
        }
        return codec;
    }

    private long wanted() {
        return Wire.HANDSHAKE_BYTES + 4 + 1 + (torrent.pieceCount() + 7) / 8 + 4 + 1 + torrent.totalLength() + 13L * torrent.pieceCount();
    }

    @Test
    void aRunOfBlocksIsOneRangeRequestPerFileOnOneKeepAliveConnection() throws Exception {
        byte[] expected = image();
        try (RangeServer s = new RangeServer(Map.of("/t/a", a, "/t/b", b), true, null)) {
            Codec c = run(s.url("/"), wanted());
            assertNull(c.closed);
            assertArrayEquals(expected, c.pieces());
            assertEquals(List.of("GET /t/a HTTP/1.1", "GET /t/b HTTP/1.1"), s.requests, "the padding file is never asked for");
            assertEquals(1, s.connections.get());
        }
    }

    /**
     * Runs written at once go out pipelined on one connection: a server that answers nothing until
     * it has all three requests gets them, and the replies in order make three pieces.
     */
    @Test
    void runsArePipelinedOnOneConnection() throws Exception {
        byte[] expected = image();
        try (java.net.ServerSocket server = new java.net.ServerSocket(0, 5, java.net.InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> answerThreeAtOnce(server), "pipelined-server");
            t.setDaemon(true);
            t.start();
            Codec c = new Codec() {
                @Override
                public void connected() { // pieces 0, 2 and 4: three runs, none following another
                    ByteBuffer out = ByteBuffer.allocate(Wire.HANDSHAKE_BYTES + 17 * 3);
                    out.put(Wire.handshake(torrent.infoHash(), new byte[20], Wire.ourReserved()));
                    for (int p : new int[] {0, 2, 4}) {
                        out.putInt(13).put((byte) Wire.REQUEST).putInt(p).putInt(0).putInt(torrent.pieceSize(p));
                    }
                    try {
                        stream.write(out.flip());
                    } catch (IOException e) {
                        throw new AssertionError(e);
                    }
                }
            };
            c.stream = new HttpSeeds(loop, new Dns(loop, Runnable::run), null, "skiff-test").open(
                "http://127.0.0.1:" + server.getLocalPort() + "/", torrent);
            c.stream.start(c);
            long wanted = Wire.HANDSHAKE_BYTES + 4 + 1 + 1 + 4 + 1 + 13 * 3 + PIECE * 2 + torrent.pieceSize(4);
            for (int i = 0; i < 500 && c.got.size() < wanted && c.closed == null; i++) {
                loop.runOnce(10);
            }
            assertNull(c.closed);
            byte[] got = c.pieces();
            for (int p : new int[] {0, 2, 4}) {
                int from = p * PIECE;
                int to = from + torrent.pieceSize(p);
                assertArrayEquals(java.util.Arrays.copyOfRange(expected, from, to), java.util.Arrays.copyOfRange(got, from, to), "piece " + p);
            }
        }
    }

    /** Reads three request heads (5 s at most), then answers each: a, a, b, as pieces 0, 2 and 4 need. */
    private void answerThreeAtOnce(java.net.ServerSocket server) {
        try (java.net.Socket s = server.accept()) {
            s.setSoTimeout(5000);
            java.io.InputStream in = s.getInputStream();
            StringBuilder heads = new StringBuilder();
            while (heads.toString().split("\r\n\r\n", -1).length < 4) {
                int ch = in.read();
                if (ch < 0) {
                    return;
                }
                heads.append((char) ch);
            }
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("GET /t/(\\w) .*?Range: bytes=(\\d+)-(\\d+)", java.util.regex.Pattern.DOTALL)
                .matcher(heads);
            java.io.OutputStream out = s.getOutputStream();
            while (m.find()) {
                byte[] f = m.group(1).equals("a") ? a : b;
                int first = Integer.parseInt(m.group(2));
                int last = Integer.parseInt(m.group(3));
                out.write(("HTTP/1.1 206 Partial Content\r\nContent-Range: bytes " + first + "-" + last + "/" + f.length
                    + "\r\nContent-Length: " + (last - first + 1) + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.write(f, first, last - first + 1);
            }
            out.flush();
            while (in.read() >= 0) { // keep the connection until the client is done with it (5 s at most)
                continue;
            }
        } catch (IOException e) {
            // the test ends it
        }
    }

    @Test
    void aServerThatClosesAfterEachReplyIsAskedAgainOnANewConnection() throws Exception {
        byte[] expected = image();
        try (RangeServer s = new RangeServer(Map.of("/t/a", a, "/t/b", b), false, null)) {
            Codec c = run(s.url("/"), wanted());
            assertNull(c.closed);
            assertArrayEquals(expected, c.pieces());
            assertEquals(2, s.connections.get());
        }
    }

    @Test
    void aRedirectIsFollowedAndRemembered() throws Exception {
        byte[] expected = image();
        try (RangeServer mirror = new RangeServer(Map.of("/m/a", a, "/t/b", b), true, null);
             RangeServer s = new RangeServer(Map.of("/t/b", b), true, (n, path, first, last) -> path.equals("/t/a")
                 ? ("HTTP/1.1 302 Found\r\nLocation: " + mirror.url("/m/a") + "\r\nContent-Length: 0\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1)
                 : null)) {
            Codec c = run(s.url("/"), wanted());
            assertNull(c.closed);
            assertArrayEquals(expected, c.pieces());
            assertEquals(List.of("GET /t/a HTTP/1.1", "GET /t/b HTTP/1.1"), s.requests);
            assertEquals(List.of("GET /m/a HTTP/1.1"), mirror.requests);
        }
    }

    @Test
    void aBadReplyEndsTheStreamWithOneLine() throws Exception {
        image();
        String[][] cases = {
            {"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n", "a: HTTP 404"},
            {"HTTP/1.1 206 OK\r\nContent-Range: bytes 0-39999/40000\r\nContent-Length: 40000\r\n\r\nshort", "a: the server closed the connection mid-reply"},
            {"HTTP/1.1 302 Found\r\nLocation: ftp://x/a\r\n\r\n", "a: redirected to a bad URL"},
            {"HTTP/1.1 302 Found\r\nLocation: /t/a\r\n\r\n", "a: more than 5 redirects"},
        };
        for (String[] k : cases) {
            try (RangeServer s = new RangeServer(Map.of(), true, (n, path, first, last) -> k[0].getBytes(StandardCharsets.ISO_8859_1))) {
                Codec c = run(s.url("/"), Long.MAX_VALUE);
                assertEquals(k[1], c.closed);
            }
        }
    }

    @Test
    void aServerThatNeverRepliesEndsTheStreamAfterTheReplyTimeout() throws Exception {
        image();
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 5, java.net.InetAddress.getLoopbackAddress())) {
            Codec c = new Codec();
            c.stream = new HttpSeeds(loop, new Dns(loop, Runnable::run), null, "skiff-test").open(
                "http://127.0.0.1:" + silent.getLocalPort() + "/", torrent);
            c.stream.start(c);
            for (int i = 0; i < 20; i++) {
                loop.runOnce(10); // connected (the kernel accepts), the request sent, nothing comes
            }
            assertNull(c.closed);
            skewMillis += WebSeedStream.REPLY_TIMEOUT_MILLIS + 1000;
            for (int i = 0; i < 20 && c.closed == null; i++) {
                loop.runOnce(10);
            }
            assertEquals("no reply for 30 s", c.closed);
        }
    }

    @Test
    void aFileTheServerLacksIsNotClaimedAgain() throws Exception {
        byte[] expected = image();
        try (RangeServer s = new RangeServer(Map.of("/t/b", b), true, null)) {
            HttpSeeds seeds = new HttpSeeds(loop, new Dns(loop, Runnable::run), null, "skiff-test");
            assertEquals("a: HTTP 404", run(seeds, s.url("/"), Long.MAX_VALUE).closed);
            // a's pieces (0-2, its padding included) are not claimed: the codec's requests for them go unanswered
            long greeting = Wire.HANDSHAKE_BYTES + 4 + 1 + 1 + 4 + 1;
            Codec c = run(seeds, s.url("/"), greeting + b.length + 13 * 2);
            assertNull(c.closed);
            byte[] got = c.got.toByteArray();
            assertEquals((byte) 0b00011000, got[Wire.HANDSHAKE_BYTES + 5], "pieces 3 and 4 only");
            byte[] pieces = c.pieces();
            assertArrayEquals(java.util.Arrays.copyOfRange(expected, 3 * PIECE, expected.length),
                java.util.Arrays.copyOfRange(pieces, 3 * PIECE, pieces.length));
            assertEquals(1, s.requests.stream().filter(r -> r.contains("/t/a")).count(), "a asked for once: " + s.requests);
        }
    }

    @Test
    void aServerNobodyListensOnEndsTheStream() throws Exception {
        image();
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Codec c = run("http://127.0.0.1:" + port + "/", Long.MAX_VALUE);
        assertTrue(c.closed != null && c.closed.contains("Connection refused"), c.closed);
    }
}
