package skiff.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import skiff.loop.Clock;
import skiff.loop.EventLoop;
import skiff.metainfo.Metainfo;
import skiff.metainfo.MetainfoParser;
import skiff.storage.DiskIo;
import skiff.swarm.Events;
import skiff.swarm.GlobalLimits;
import skiff.swarm.Settings;
import skiff.swarm.TorrentState;

/** The session on loopback: one port for TCP and UDP, the UDP demultiplexer, torrents by info-hash. */
class SessionTest {
    @TempDir
    Path tmp;
    private final EventLoop loop;
    private Session session;

    SessionTest() throws Exception {
        loop = new EventLoop(Clock.system(), w -> { });
    }

    @AfterEach
    void tearDown() {
        loop.closeAll();
    }

    private Session open() throws Exception {
        session = Session.open(loop, Runnable::run, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
            GlobalLimits.none(loop::nowMillis), null, w -> { throw new AssertionError(w); });
        return session;
    }

    private static Events quiet() {
        return (Events) java.lang.reflect.Proxy.newProxyInstance(SessionTest.class.getClassLoader(), new Class<?>[] {Events.class},
            (p, m, a) -> m.getReturnType() == boolean.class ? false : null);
    }

    private static Settings settings(int port) {
        return new Settings(50, port, "-SK0100-sessiontest0".getBytes(), Settings.DEFAULT_CONNECT_TIMEOUT_MILLIS,
            Settings.DEFAULT_TICK_MILLIS, Settings.DEFAULT_UNCHOKE_SLOTS, Settings.DEFAULT_CHOKE_ROUND_MILLIS, false, 0, 0, DiskIo.POSITIONAL, "skiff test", 0, false, false, null);
    }

    @Test
    void udpDatagramsOnThePeerPortGoToTheDhtOrUtpByTheirFirstByte() throws Exception {
        Session s = open();
        assertTrue(s.port() > 0);
        UdpEndpoint udp = s.udp();
        assertEquals(s.port(), udp.port(), "one port for TCP and UDP");
        List<String> got = new ArrayList<>();
        try (DatagramChannel ch = DatagramChannel.open()) {
            InetSocketAddress to = new InetSocketAddress(InetAddress.getLoopbackAddress(), s.port());
            ch.send(ByteBuffer.wrap("d1:y1:qe".getBytes()), to); // before any receiver: dropped and counted
            pump(() -> udp.dropped() == 1);
            udp.krpc((d, from) -> got.add("krpc " + (char) d.get(0) + " " + d.remaining()));
            udp.utp((d, from) -> got.add("utp " + d.remaining()));
            ch.send(ByteBuffer.wrap("d1:ad2:id20:aaaaaaaaaaaaaaaaaaaae1:q4:ping1:t2:aa1:y1:qe".getBytes()), to);
            ch.send(ByteBuffer.wrap(new byte[] {0x41, 0, 0, 0, 0, 0}), to);
            ch.send(ByteBuffer.wrap(new byte[UdpEndpoint.MAX_DATAGRAM_BYTES + 100]), to); // cut short by the kernel: dropped
            pump(() -> got.size() == 2 && udp.dropped() == 2);
        }
        assertEquals(List.of("krpc d 56", "utp 6"), got);
        assertEquals(2, udp.dropped());
    }

    @Test
    void aTorrentKnownByItsInfoHashAloneWaitsForItsMetainfo() throws Exception {
        Session s = open();
        Metainfo m = MetainfoParser.parse(Files.readAllBytes(Path.of("test/fixtures/torrents/mk-multi.torrent")));
        Torrent t = s.add(m.infoHash(), "from a magnet", tmp, settings(s.port()), quiet(), new SplittableRandom(1));
        t.start();
        assertEquals(TorrentState.METADATA, t.status().state());
        assertEquals("from a magnet", t.status().name());
        assertEquals(m.infoHashHex(), t.status().infoHashHex());
        assertThrows(IllegalArgumentException.class,
            () -> s.add(m.infoHash(), "again", tmp, settings(s.port()), quiet(), new SplittableRandom(1)));
        byte[] other = Arrays.copyOf(m.infoHash(), 20);
        other[0] ^= 1;
        Torrent t2 = s.add(other, "another", tmp, settings(s.port()), quiet(), new SplittableRandom(2));
        assertThrows(IllegalArgumentException.class, () -> t2.metainfo(m), "metainfo of another torrent is refused");
        t.metainfo(m);
        assertEquals(m, t.metainfo());
        pump(() -> t.status().state() != TorrentState.METADATA && t.status().state() != TorrentState.STARTING);
        assertTrue(List.of(TorrentState.CHECKING, TorrentState.DOWNLOADING).contains(t.status().state()), t.status().state().label());
        assertEquals(2, s.torrents().size());
    }

    private void pump(java.util.function.BooleanSupplier until) {
        long end = System.nanoTime() + 5_000_000_000L;
        while (!until.getAsBoolean() && System.nanoTime() < end) {
            loop.runOnce(10);
        }
        assertTrue(until.getAsBoolean(), "in time");
    }
}
