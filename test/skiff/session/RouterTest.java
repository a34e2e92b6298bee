package skiff.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import skiff.testutil.OnReadable;
import skiff.loop.EventLoop;
import skiff.mse.Encryption;
import skiff.mse.MseHandshake;
import skiff.mse.MseStream;
import skiff.peer.PeerStream;
import skiff.peer.Wire;
import skiff.sim.MemoryLink;

/** Incoming connections routed by the info-hash in their handshake, over memory links on an injected clock. */
class RouterTest {
    private final long[] now = {0};
    private final EventLoop loop;
    private final Router router;
    private final byte[] hashA = filled(1);
    private final byte[] hashB = filled(2);
    private final List<String> routed = new ArrayList<>();
    private final List<PeerStream> streams = new ArrayList<>();

    RouterTest() throws IOException {
        loop = new EventLoop(() -> now[0], w -> { });
        router = new Router(loop);
        router.add(hashA, (s, from) -> accept("A", s));
        router.add(hashB, (s, from) -> accept("B", s));
    }

    private static byte[] filled(int b) {
        byte[] h = new byte[20];
        Arrays.fill(h, (byte) b);
        return h;
    }

    private void accept(String torrent, PeerStream s) {
        routed.add(torrent);
        streams.add(s);
    }

    /** A peer dials in; returns its end of the link. */
    private MemoryLink.End dialIn(int port) {
        MemoryLink link = new MemoryLink(loop, 1 << 20, 1);
        link.a.acceptConnected();
        router.accepted(link.a, new InetSocketAddress("127.0.0.1", port));
        link.b.acceptConnected();
        link.b.start(OnReadable.ignored());
        return link.b;
    }

    private void run(long millis) {
        long end = now[0] + millis;
        for (int i = 0; i < 100_000 && now[0] <= end; i++) {
            if (loop.runOnce(0) == 0) {
                long next = loop.nextTimerMillis();
                if (next > end) {
                    break;
                }
                now[0] = Math.max(now[0], next);
            }
        }
        now[0] = Math.max(now[0], end);
        loop.runOnce(0);
    }

    @Test
    void eachHandshakeReachesTheTorrentItNamesWithItsBytesIntact() throws IOException {
        MemoryLink.End b = dialIn(7001);
        MemoryLink.End a = dialIn(7002);
        ByteBuffer hsB = Wire.handshake(hashB, filled(9), new byte[8]);
        b.write(ByteBuffer.wrap(Arrays.copyOf(hsB.array(), 30))); // cut inside the info-hash
        run(5);
        assertTrue(routed.isEmpty(), "not before the info-hash is in");
        b.write(ByteBuffer.wrap(Arrays.copyOfRange(hsB.array(), 30, 68)));
        b.write(ByteBuffer.wrap(new byte[] {0, 0, 0, 1, 2})); // and an 'interested' after it
        a.write(Wire.handshake(hashA, filled(8), new byte[8]));
        run(5);
        assertEquals(List.of("B", "A"), routed);
        // the torrent's connection reads the whole handshake, then what followed, as if straight from the socket
        PeerStream toB = streams.get(0);
        List<String> heard = new ArrayList<>();
        toB.start(new PeerStream.Events() {
            public void connected() {
                heard.add("connected");
            }

            public void connectFailed(String why) { }

            public void readable() {
                heard.add("readable");
            }

            public void writable() { }

            public void closed(Throwable cause) { }
        });
        run(5);
        assertTrue(heard.contains("connected") && heard.contains("readable"), heard.toString());
        ByteBuffer got = ByteBuffer.allocate(100);
        ByteBuffer first = ByteBuffer.allocate(10);
        toB.read(new ByteBuffer[] {first, got}, 0, 2);
        first.flip();
        got.flip();
        ByteBuffer all = ByteBuffer.allocate(first.remaining() + got.remaining()).put(first).put(got).flip();
        assertEquals(73, all.remaining());
        byte[] bytes = new byte[73];
        all.get(bytes);
        assertTrue(Arrays.equals(hsB.array(), 0, 68, bytes, 0, 68));
        assertEquals(2, bytes[72]);
        assertEquals(Map.of(Router.Outcome.ROUTED, 2), router.outcomes());
        assertEquals(0, router.waiting());
    }

    @Test
    void strangersAreDroppedAndCounted() throws IOException {
        MemoryLink.End unknown = dialIn(7001);
        unknown.write(Wire.handshake(filled(3), filled(8), new byte[8]));
        MemoryLink.End http = dialIn(7002);
        http.write(ByteBuffer.wrap("GET /announce?info_hash=x HTTP/1.1\r\nHost: a\r\n\r\n".getBytes()));
        MemoryLink.End silent = dialIn(7003);
        MemoryLink.End gone = dialIn(7004);
        gone.write(ByteBuffer.wrap(new byte[] {19, 'B'}));
        gone.release();
        MemoryLink.End garbage = dialIn(7005);
        garbage.write(ByteBuffer.wrap(new byte[MseHandshake.KEY_BYTES])); // an encrypted handshake's key cannot be 0
        run(Router.HANDSHAKE_TIMEOUT_MILLIS + 10);
        assertTrue(routed.isEmpty());
        // the HTTP request could be the start of an encrypted handshake (a random key): it waits, and times out
        assertEquals(Map.of(Router.Outcome.UNKNOWN_TORRENT, 1, Router.Outcome.BAD_ENCRYPTION, 1,
            Router.Outcome.TIMED_OUT, 2, Router.Outcome.CLOSED_EARLY, 1), router.outcomes());
        assertEquals(0, router.waiting());
        assertFalse(silent.isOpen() && readsOpen(silent), "the silent one was closed");
    }

    @Test
    void withoutEncryptionWhatIsNotAPlainHandshakeIsDroppedAtOnce() throws IOException {
        router.encryption(Encryption.OFF);
        MemoryLink.End http = dialIn(7002);
        http.write(ByteBuffer.wrap("GET /announce?info_hash=x HTTP/1.1\r\nHost: a\r\n\r\n".getBytes()));
        run(5);
        assertEquals(Map.of(Router.Outcome.NOT_BITTORRENT, 1), router.outcomes());
    }

    /** A peer dials in with an encrypted handshake for {@code infoHash}, then sends its plain BitTorrent handshake. */
    private MemoryLink.End dialInEncrypted(int port, byte[] infoHash, int methods, List<String> events) {
        MemoryLink link = new MemoryLink(loop, 1 << 20, 1);
        link.a.acceptConnected();
        router.accepted(link.a, new InetSocketAddress("127.0.0.1", port));
        link.b.acceptConnected();
        MseStream peer = MseStream.dial(link.b, infoHash, methods, new java.util.Random(port));
        try {
            peer.start(new PeerStream.Events() {
                public void connected() {
                    events.add("connected");
                    try {
                        peer.write(Wire.handshake(infoHash, filled(7), new byte[8]));
                    } catch (IOException e) {
                        events.add("write failed");
                    }
                }

                public void connectFailed(String why) {
                    events.add("failed: " + why);
                }

                public void readable() { }

                public void writable() { }

                public void closed(Throwable cause) {
                    events.add("closed");
                }
            });
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return link.b;
    }

    @Test
    void anEncryptedHandshakeIsRoutedByItsKeyAndTheHandshakeInside() throws IOException {
        List<String> events = new ArrayList<>();
        dialInEncrypted(7001, hashB, MseHandshake.RC4, events);
        List<String> strangerEvents = new ArrayList<>();
        dialInEncrypted(7002, filled(5), MseHandshake.PLAINTEXT | MseHandshake.RC4, strangerEvents);
        run(50);
        assertEquals(List.of("connected"), events);
        assertEquals(List.of("B"), routed);
        assertTrue(strangerEvents.get(0).startsWith("failed: encrypted handshake"), strangerEvents.toString());
        assertEquals(Map.of(Router.Outcome.ROUTED, 1, Router.Outcome.UNKNOWN_TORRENT, 1), router.outcomes());
        assertEquals(1, router.encryptedCount());
        // the torrent's connection reads the plain handshake, decrypted
        PeerStream toB = streams.get(0);
        toB.start(OnReadable.ignored());
        run(5);
        ByteBuffer got = ByteBuffer.allocate(100);
        toB.read(got);
        got.flip();
        assertEquals(Wire.handshake(hashB, filled(7), new byte[8]), got);
    }

    @Test
    void requiredEncryptionRefusesPlainHandshakes() throws IOException {
        router.encryption(Encryption.REQUIRE);
        dialIn(7001).write(Wire.handshake(hashA, filled(8), new byte[8]));
        List<String> events = new ArrayList<>();
        dialInEncrypted(7002, hashA, MseHandshake.RC4, events);
        List<String> plainPayload = new ArrayList<>();
        dialInEncrypted(7003, hashA, MseHandshake.PLAINTEXT, plainPayload);
        run(50);
        assertEquals(List.of("connected"), events);
        assertTrue(plainPayload.get(0).startsWith("failed: encrypted handshake"), plainPayload.toString());
        assertEquals(List.of("A"), routed);
        assertEquals(Map.of(Router.Outcome.ROUTED, 1, Router.Outcome.PLAIN_REFUSED, 1, Router.Outcome.BAD_ENCRYPTION, 1),
            router.outcomes());
    }

    private boolean readsOpen(MemoryLink.End e) {
        try {
            return e.read(ByteBuffer.allocate(1)) >= 0;
        } catch (IOException x) {
            return false;
        }
    }

    @Test
    void atMostSoManyWaitAtOnceAndARemovedTorrentGetsNoMore() throws IOException {
        for (int i = 0; i < Router.MAX_UNROUTED + 5; i++) {
            dialIn(8000 + i);
        }
        run(1);
        assertEquals(Router.MAX_UNROUTED, router.waiting());
        assertEquals(5, router.outcomes().get(Router.Outcome.BUSY));
        router.remove(hashA);
        assertNull(router.torrent(hashA));
        run(Router.HANDSHAKE_TIMEOUT_MILLIS + 10);
        assertEquals(0, router.waiting());
        MemoryLink.End late = dialIn(9000);
        late.write(Wire.handshake(hashA, filled(8), new byte[8]));
        run(5);
        assertTrue(routed.isEmpty());
        assertEquals(1, router.outcomes().get(Router.Outcome.UNKNOWN_TORRENT));
    }
}
