package skiff.mse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import skiff.testutil.OnReadable;
import skiff.loop.EventLoop;
import skiff.peer.PeerStream;
import skiff.sim.MemoryLink;

/**
 * MSE streams over the in-memory link of the swarm simulation: payload both ways, through heap and
 * direct buffers and short writes, and the two retries (encrypted to plain, plain to encrypted).
 */
class MseStreamTest {
    private static final byte[] INFO_HASH = "0123456789abcdefghij".getBytes(StandardCharsets.US_ASCII);
    private static final int BOTH = MseHandshake.PLAINTEXT | MseHandshake.RC4;

    private final long[] now = {1_000_000};
    private final List<String> warnings = new ArrayList<>();
    private final EventLoop loop;

    MseStreamTest() throws IOException {
        loop = new EventLoop(() -> now[0], warnings::add);
    }

    @AfterEach
    void noWarnings() {
        loop.closeAll();
        assertEquals(List.of(), warnings);
    }

    private static byte[] lookup(byte[] key) {
        return Arrays.equals(key, MseHandshake.requestKey(INFO_HASH)) ? INFO_HASH : null;
    }

    /** Turns the loop, jumping the clock to the next timer when idle, until {@code done} or 60 simulated seconds. */
    private void runUntil(java.util.function.BooleanSupplier done) {
        long end = now[0] + 60_000;
        for (int turns = 0; turns < 1_000_000 && !done.getAsBoolean() && now[0] < end; turns++) {
            if (loop.runOnce(0) == 0) {
                now[0] = Math.max(now[0], Math.min(loop.nextTimerMillis(), now[0] + 1000));
            }
        }
        assertTrue(done.getAsBoolean(), "not done by " + now[0]);
    }

    /** An end that sends {@code out} once connected and keeps all it reads, through direct or heap buffers. */
    private static final class Endpoint implements PeerStream.Events {
        final PeerStream stream;
        final ByteBuffer out;
        final boolean direct;
        final ByteArrayOutputStream in = new ByteArrayOutputStream();
        boolean connected;
        String failed;
        Throwable closed;
        boolean sawEnd;

        Endpoint(PeerStream stream, byte[] out, boolean direct) {
            this.stream = stream;
            this.out = ByteBuffer.wrap(out);
            this.direct = direct;
        }

        @Override
        public void connected() {
            connected = true;
            writable();
        }

        @Override
        public void connectFailed(String why) {
            failed = why;
        }

        @Override
        public void readable() throws IOException {
            ByteBuffer a = direct ? ByteBuffer.allocateDirect(1000) : ByteBuffer.allocate(1000);
            ByteBuffer b = direct ? ByteBuffer.allocateDirect(333) : ByteBuffer.allocate(333);
            for (int i = 0; i < 100; i++) {
                long n = stream.read(new ByteBuffer[] {a, b}, 0, 2);
                if (n < 0) {
                    sawEnd = true;
                    return;
                }
                for (ByteBuffer x : new ByteBuffer[] {a, b}) {
                    x.flip();
                    byte[] got = new byte[x.remaining()];
                    x.get(got);
                    in.write(got, 0, got.length);
                    x.clear();
                }
                if (n == 0) {
                    return;
                }
            }
        }

        @Override
        public void writable() {
            try {
                // gathering writes of uneven parts: a frame header and its body
                while (out.hasRemaining()) {
                    ByteBuffer head = out.slice(out.position(), Math.min(5, out.remaining()));
                    ByteBuffer body = out.slice(out.position() + head.remaining(),
                        Math.min(40_000, out.remaining() - head.remaining()));
                    long n = stream.write(new ByteBuffer[] {head, body}, 0, 2);
                    out.position(out.position() + (int) n);
                    if (n == 0) {
                        break;
                    }
                }
                stream.wantWrite(out.hasRemaining());
            } catch (IOException e) {
                failed = e.toString();
            }
        }

        @Override
        public void closed(Throwable cause) {
            closed = cause == null ? new IOException("clean close") : cause;
        }
    }

    private static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private void exchange(boolean preferRc4, boolean direct, int expected) throws IOException {
        MemoryLink link = new MemoryLink(loop, 2000, 20);
        link.b.acceptConnected();
        MseStream dialled = MseStream.dial(link.a, INFO_HASH, BOTH, new Random(1));
        MseStream answered = MseStream.answer(link.b, BOTH, preferRc4, MseStreamTest::lookup, new Random(2));
        byte[] up = bytes(700_000, 3);
        byte[] down = bytes(300_000, 4);
        Endpoint a = new Endpoint(dialled, up, direct);
        Endpoint b = new Endpoint(answered, down, !direct);
        answered.start(b);
        dialled.start(a);
        runUntil(() -> a.in.size() == down.length && b.in.size() == up.length);
        assertArrayEquals(up, b.in.toByteArray());
        assertArrayEquals(down, a.in.toByteArray());
        assertEquals(expected, dialled.selected());
        assertEquals(expected, answered.selected());
        assertArrayEquals(INFO_HASH, answered.infoHash());
    }

    @Test
    void rc4PayloadArrivesWholeThroughHeapBuffers() throws IOException {
        exchange(true, false, MseHandshake.RC4);
    }

    @Test
    void rc4PayloadArrivesWholeThroughDirectBuffers() throws IOException {
        exchange(true, true, MseHandshake.RC4);
    }

    @Test
    void plaintextPayloadGoesStraightThroughOnceDone() throws IOException {
        exchange(false, false, MseHandshake.PLAINTEXT);
    }

    @Test
    void plaintextAfterTheHandshakeSendsFilesStraight() throws IOException {
        MemoryLink link = new MemoryLink(loop, 2000, 20);
        link.b.acceptConnected();
        MseStream dialled = MseStream.dial(link.a, INFO_HASH, BOTH, new Random(1));
        MseStream answered = MseStream.answer(link.b, BOTH, false, MseStreamTest::lookup, new Random(2));
        Endpoint a = new Endpoint(dialled, new byte[0], false);
        Endpoint b = new Endpoint(answered, new byte[0], false);
        assertSame(dialled, dialled.fileTarget(), "no sendfile before the handshake is done");
        answered.start(b);
        dialled.start(a);
        runUntil(() -> a.connected && answered.selected() != 0);
        assertSame(link.a, dialled.fileTarget());
        assertSame(link.b, answered.fileTarget());
    }

    @Test
    void anUnknownTorrentClosesTheAnsweringSide() throws IOException {
        MemoryLink link = new MemoryLink(loop, 2000, 20);
        link.b.acceptConnected();
        MseStream dialled = MseStream.dial(link.a, "another torrent hash".getBytes(StandardCharsets.US_ASCII), BOTH, new Random(1));
        MseStream answered = MseStream.answer(link.b, BOTH, false, MseStreamTest::lookup, new Random(2));
        Endpoint a = new Endpoint(dialled, new byte[0], false);
        Endpoint b = new Endpoint(answered, new byte[0], false);
        answered.start(b);
        dialled.start(a);
        runUntil(() -> b.closed != null && a.failed != null);
        assertTrue(b.closed instanceof MseException m && m.unknownTorrent(), String.valueOf(b.closed));
        assertTrue(a.failed.contains("encrypted handshake"), a.failed);
        assertTrue(dialled.handshakeFailed());
    }

    /** A peer that takes plain handshakes only: it hangs up at the first byte that is not one. */
    private static final class PlainOnly {
        final ByteArrayOutputStream in = new ByteArrayOutputStream();
        boolean hungUp;

        PlainOnly(MemoryLink.End stream) {
            stream.start(OnReadable.events(() -> {
                ByteBuffer b = ByteBuffer.allocate(4096);
                if (stream.read(b) > 0) {
                    if (b.get(0) != 19) {
                        hungUp = true;
                        stream.release();
                        return;
                    }
                    in.write(b.array(), 0, b.position());
                }
            }));
        }
    }

    private static final byte[] HANDSHAKE = ("\u0013BitTorrent protocol" + "\0".repeat(8) + "0123456789abcdefghij"
        + "-SK0100-000000000000").getBytes(StandardCharsets.ISO_8859_1);

    @Test
    void anEncryptedDialRefusedIsDialledAgainInPlaintext() throws IOException {
        MemoryLink first = new MemoryLink(loop, 2000, 20);
        MemoryLink second = new MemoryLink(loop, 2000, 20);
        first.b.acceptConnected();
        second.b.acceptConnected();
        PlainOnly refuser = new PlainOnly(first.b);
        PlainOnly taker = new PlainOnly(second.b);
        PlainRetry s = new PlainRetry(MseStream.dial(first.a, INFO_HASH, BOTH, new Random(1)), () -> second.a);
        Endpoint a = new Endpoint(s, HANDSHAKE, false);
        s.start(a);
        runUntil(() -> taker.in.size() == HANDSHAKE.length);
        assertTrue(refuser.hungUp);
        assertTrue(s.retried());
        assertTrue(a.connected);
        assertEquals(null, a.failed);
        assertArrayEquals(HANDSHAKE, taker.in.toByteArray());
    }

    @Test
    void aPlainDialHungUpOnIsDialledAgainEncryptedAndItsHandshakeReplayed() throws IOException {
        MemoryLink first = new MemoryLink(loop, 2000, 20);
        MemoryLink second = new MemoryLink(loop, 2000, 20);
        first.b.acceptConnected();
        second.b.acceptConnected();
        // the first peer requires encryption: it hangs up on a plain handshake unanswered
        first.b.start(OnReadable.events(() -> {
            first.b.read(ByteBuffer.allocate(4096));
            first.b.release();
        }));
        MseStream answered = MseStream.answer(second.b, MseHandshake.RC4, true, MseStreamTest::lookup, new Random(2));
        byte[] reply = bytes(50_000, 5);
        Endpoint b = new Endpoint(answered, reply, false);
        answered.start(b);
        EncryptedRetry s = new EncryptedRetry(first.a, () -> MseStream.dial(second.a, INFO_HASH, BOTH, new Random(1)));
        Endpoint a = new Endpoint(s, HANDSHAKE, false);
        s.start(a);
        runUntil(() -> b.in.size() == HANDSHAKE.length && a.in.size() == reply.length);
        assertTrue(s.retried());
        assertEquals(MseHandshake.RC4, answered.selected());
        assertArrayEquals(HANDSHAKE, b.in.toByteArray(), "our handshake, replayed over the encrypted connection");
        assertArrayEquals(reply, a.in.toByteArray());
        assertEquals(null, a.closed);
        assertTrue(!a.sawEnd);
    }

    @Test
    void aPeerThatSpokeIsNotRetried() throws IOException {
        MemoryLink first = new MemoryLink(loop, 2000, 20);
        first.b.acceptConnected();
        boolean[] dialled = {false};
        first.b.start(OnReadable.events(() -> {
            first.b.read(ByteBuffer.allocate(4096));
            first.b.write(ByteBuffer.wrap(HANDSHAKE));
            first.b.release();
        }));
        EncryptedRetry s = new EncryptedRetry(first.a, () -> {
            dialled[0] = true;
            throw new IOException("must not dial");
        });
        Endpoint a = new Endpoint(s, HANDSHAKE, false);
        s.start(a);
        runUntil(() -> a.sawEnd);
        assertArrayEquals(HANDSHAKE, a.in.toByteArray());
        assertTrue(!s.retried() && !dialled[0]);
        assertNotNull(a.stream);
    }
}
