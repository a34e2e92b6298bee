package skiff.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import skiff.storage.DiskIo;

class ArgsTest {
    @Test
    void defaults() throws Exception {
        Args a = Args.parse(new String[] {"x.torrent"});
        assertEquals(Args.Command.DOWNLOAD, a.command);
        assertEquals("x.torrent", a.torrent);
        assertEquals("downloads", a.downloadDir);
        assertEquals(50, a.maxPeers);
        assertEquals(6881, a.port);
        assertEquals(Log.Level.INFO, a.logLevel);
        assertEquals(DiskIo.POSITIONAL, a.diskIo);
        assertEquals(DiskIo.POSITIONAL, Args.parse(new String[] {"--disk-io=positional", "t"}).diskIo);
        assertEquals(DiskIo.MAPPED, Args.parse(new String[] {"--disk-io", "mmap", "t"}).diskIo);
        assertEquals(skiff.mse.Encryption.ALLOW, a.encryption);
        assertEquals(skiff.mse.Encryption.REQUIRE, Args.parse(new String[] {"--encryption", "require", "t"}).encryption);
        assertEquals(skiff.mse.Encryption.OFF, Args.parse(new String[] {"--encryption=off", "t"}).encryption);
        assertEquals(skiff.utp.UtpMode.ALLOW, a.utp);
        assertEquals(skiff.utp.UtpMode.PREFER, Args.parse(new String[] {"--utp", "prefer", "t"}).utp);
        assertEquals(skiff.utp.UtpMode.OFF, Args.parse(new String[] {"--utp=OFF", "t"}).utp);
        assertFalse(a.sequential);
        assertTrue(Args.parse(new String[] {"--sequential", "t"}).sequential);
        Args p = Args.parse(new String[] {"--peer", "127.0.0.1:6881", "--peer=[::1]:7000", "--peer", "box.lan:1", "t"});
        assertEquals(List.of("127.0.0.1:6881", "::1:7000", "box.lan:1"),
            p.peers.stream().map(x -> x.getHostString() + ":" + x.getPort()).toList());
    }

    /** A config file's no-dht and no-port-map come first; the command line's --dht, --dht-bootstrap and --port-map win. */
    @Test
    void laterSwitchesWinOverEarlierOnes() throws Exception {
        Args defaults = Args.parse(new String[] {"t"});
        assertTrue(!defaults.noDht && !defaults.noPortMap, "the DHT and port mapping are on by default");
        Args off = Args.parse(new String[] {"--no-dht", "--no-port-map", "t"});
        assertTrue(off.noDht && off.noPortMap);
        Args on = Args.parse(new String[] {"--no-dht", "--no-port-map", "--dht", "--port-map", "t"});
        assertTrue(!on.noDht && !on.noPortMap);
        assertTrue(!Args.parse(new String[] {"--no-dht", "--dht-bootstrap", "127.0.0.1:6881", "t"}).noDht,
            "a node to start from turns the DHT on");
    }

    @Test
    void gnuForms() throws Exception {
        Args a = Args.parse(new String[] {"-d", "dl", "--max-peers=7", "-p8", "--port", "7000", "-lDEBUG",
            "--log-file", "f.log", "-q", "--", "-odd.torrent"});
        assertEquals("dl", a.downloadDir);
        assertEquals(8, a.maxPeers);
        assertEquals(7000, a.port);
        assertEquals(Log.Level.DEBUG, a.logLevel);
        assertEquals("f.log", a.logFile);
        assertTrue(a.quiet);
        assertEquals("-odd.torrent", a.torrent);
        assertEquals(Log.Level.WARNING, Args.parse(new String[] {"-l", "warn", "t"}).logLevel);
    }

    @Test
    void helpAndVersionNeedNoTorrent() throws Exception {
        assertEquals(Args.Command.HELP, Args.parse(new String[] {"-h"}).command);
        assertEquals(Args.Command.HELP, Args.parse(new String[] {"-qh"}).command);
        assertEquals(Args.Command.VERSION, Args.parse(new String[] {"--version"}).command);
    }

    @Test
    void createOptions() throws Exception {
        Args a = Args.parse(new String[] {"create", "-o", "o.torrent", "-t", "http://a/,http://b/", "-t", "udp://c:1",
            "--piece-size", "256K", "--private", "dir"});
        assertEquals(Args.Command.CREATE, a.command);
        assertEquals(List.of(List.of("http://a/", "http://b/"), List.of("udp://c:1")), a.trackers);
        assertEquals(262144, a.pieceSize);
        assertTrue(a.isPrivate);
        assertEquals("dir", a.torrent);
        assertEquals(1 << 20, Args.pieceSize("1M"));
        assertEquals(32768, Args.pieceSize("32768"));
    }

    /** Short options bundle like GNU's: flags, then at most one option with its value. */
    @Test
    void bundledShortOptionsTakeAValueAtTheEnd() throws Exception {
        Args a = Args.parse(new String[] {"-qd", "dl", "t"});
        assertTrue(a.quiet);
        assertEquals("dl", a.downloadDir);
        Args b = Args.parse(new String[] {"-qddl2", "t"});
        assertTrue(b.quiet);
        assertEquals("dl2", b.downloadDir);
        assertEquals(List.of(List.of("udp://c:1", "wss://d/x")), Args.parse(new String[] {"create", "-t", "udp://c:1,wss://d/x", "d"}).trackers);
        assertTrue(Args.parse(new String[] {"create", "--force", "d"}).force);
    }

    @Test
    void badUsageSaysWhatIsWrong() {
        String[][] cases = {
            {"missing a .torrent"},
            {"unknown option '--bogus'", "--bogus", "t"},
            {"needs a value", "t", "-d"},
            {"from 1 to 65535", "--port", "0", "t"},
            {"from 1 to 65535", "--port", "http", "t"},
            {"log level", "-l", "LOUD", "t"},
            {"unexpected argument", "show", "a", "b"},
            {"takes no value", "--quiet=yes", "t"},
            {"power of two", "create", "--piece-size", "1000", "d"},
            {"unknown option '-z'", "-qz", "t"},
            {"--disk-io takes positional or mmap, not 'fast'", "--disk-io", "fast", "t"},
            {"--encryption takes off, allow, prefer or require, not 'rc4'", "--encryption", "rc4", "t"},
            {"--utp takes off, allow or prefer, not 'yes'", "--utp", "yes", "t"},
            {"--peer needs HOST:PORT", "--peer", "::1", "t"},
            {"--peer needs HOST:PORT", "--peer", "6881", "t"},
            {"from 1 to 65535", "--peer", "h:0", "t"},
            {"unknown option '-v'", "-v"},
            {"unknown option '-v'", "-v", "t"},
            {"option '-d' is for a download, not 'skiff show'", "show", "-d", "x", "t"},
            {"option '--seed' is for a download, not 'skiff show'", "show", "--seed", "t"},
            {"option '-o' is for 'skiff create', not a download", "-o", "f", "t"},
            {"option '--piece-size' is for 'skiff create', not a download", "--piece-size", "1M", "t"},
            {"option '--scrape' is for 'skiff show', not 'skiff create'", "create", "--scrape", "d"},
            {"a tracker is a URL such as", "create", "-t", "foo", "d"},
            {"--save-torrent needs exactly one magnet link", "--save-torrent", "out.torrent", "a.torrent"},
            {"a tracker is a URL such as", "create", "-t", "http://a/,ftp://b/", "d"},
            {"needs a value", "-qd"},
        };
        for (String[] c : cases) {
            String[] argv = java.util.Arrays.copyOfRange(c, 1, c.length);
            UsageException e = assertThrows(UsageException.class, () -> Args.parse(argv), String.join(" ", argv));
            assertTrue(e.getMessage().contains(c[0]), e.getMessage());
        }
    }

    @Test
    void ratesAndTimesTakeTheUnitsPeopleType() throws Exception {
        assertEquals(500, Args.parse(new String[] {"-u", "500", "t"}).uploadLimitKib, "a bare number stays KiB/s");
        assertEquals(1024, Args.parse(new String[] {"-u", "1M", "t"}).uploadLimitKib);
        assertEquals(1536, Args.parse(new String[] {"--upload-limit=1.5MiB", "t"}).uploadLimitKib);
        assertEquals(300, Args.parse(new String[] {"-u", "300K", "t"}).uploadLimitKib);
        assertEquals(90_000, Args.parse(new String[] {"--seed-time", "90s", "t"}).seedTimeMillis);
        assertEquals(90_000, Args.parse(new String[] {"--seed-time", "1.5", "t"}).seedTimeMillis, "bare minutes, decimals too");
        assertEquals(7_200_000, Args.parse(new String[] {"--seed-time", "2h", "t"}).seedTimeMillis);
        assertTrue(Args.parse(new String[] {"--seed-time", "2h", "t"}).seed, "a seed time implies seeding");
        for (String[] bad : new String[][] {{"-u", "fast", "t"}, {"-u", "-1", "t"}, {"--seed-time", "0", "t"}, {"--seed-time", "2x", "t"},
                {"--seed-ratio", "-1", "t"}}) {
            UsageException e = assertThrows(UsageException.class, () -> Args.parse(bad));
            assertTrue(e.getMessage().contains("'" + bad[1] + "'"), e.getMessage());
        }
    }

    @Test
    void seedRatioZeroMeansDoNotSeed() throws Exception {
        Args a = Args.parse(new String[] {"--seed", "--seed-time", "30m", "--seed-ratio", "0", "t"});
        assertTrue(!a.seed && a.seedTimeMillis == 0, "--seed-ratio 0 wins over --seed and a seed time");
        assertTrue(Args.parse(new String[] {"--seed-ratio", "0.5", "t"}).seed);
    }
}
