package skiff.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import skiff.metainfo.Metainfo;
import skiff.testutil.Content;
import skiff.testutil.HostileDhtNode;
import skiff.testutil.Ports;
import skiff.testutil.Procs;
import skiff.testutil.ReferencePeers;
import skiff.testutil.SkiffProcess;

/**
 * The DHT (BEP 5) against real nodes: a private DHT of libtorrent 2.0 nodes on loopback (their
 * loopback restrictions relaxed), torrents with no tracker at all. skiff finds a libtorrent
 * seeder from a trackerless magnet link, a libtorrent leecher with only the magnet finds skiff
 * seeding, and a lying DHT node in front changes neither. aria2's DHT, a second implementation,
 * meets skiff's the same two ways, through a DHT node that skiff runs.
 */
@Tag("interop")
class DhtInteropTest {
    /** DHT-only libtorrent nodes besides the seeder or leecher: the first is everyone's bootstrap node. */
    static final int NODES = 4;

    @TempDir
    Path tmp;
    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void stopAll() {
        started.forEach(Procs::stop);
    }

    private static long size() {
        return Interop.shortRun() ? 3 << 20 : 32 << 20;
    }

    /** HOST:PORT as skiff and libtorrent take it: an IPv6 literal in brackets. */
    private static String hostPort(String host, int port) {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    /** Whether skiff's debug log shows a peer connection from or to {@code host}, as skiff writes it ([::1]:PORT). */
    private static boolean connectedOver(String host, String log) {
        String name = host.contains(":") ? "[" + host + "]" : host;
        return Pattern.compile("(?m) DEBUG " + Pattern.quote(name) + ":\\d+: connected").matcher(log).find();
    }

    /** The private DHT on 127.0.0.1; returns the bootstrap node's HOST:PORT. */
    private String dht() throws Exception {
        return dht("127.0.0.1");
    }

    /** The private DHT on {@code host} (127.0.0.1, or ::1 for BEP 32's IPv6 DHT); returns the bootstrap node's HOST:PORT. */
    private String dht(String host) throws Exception {
        int first = Ports.free();
        String bootstrap = hostPort(host, first);
        for (int i = 0; i < NODES; i++) {
            Process node = ReferencePeers.libtorrent(null, Files.createDirectories(tmp.resolve("node" + i)), i == 0 ? first : Ports.free(),
                tmp.resolve("node" + i + ".log"), "--dht", "--dht-bootstrap", bootstrap, "--bind", host);
            started.add(node);
            if (i == 0) {
                // the others (and the seeder) bootstrap from it: a first query to a node not yet up is
                // retried only after a long backoff, and a loaded CI machine starts Python slowly
                org.junit.jupiter.api.Assertions.assertTrue(Procs.waitForPort(host, first, node, 30), "the bootstrap node listens");
            }
        }
        return bootstrap;
    }

    /**
     * A libtorrent seeder in the DHT, announcing every second; returns once it has announced twice.
     * A seeder whose first query to the bootstrap node went unanswered backs off for longer than a
     * test waits (it once sat at dht_nodes=0 for 60 s while the node had found the others): after 25 s
     * without its announces it is replaced, three times at most.
     */
    private void seeder(Path file, String bootstrap, String host) throws Exception {
        for (int attempt = 1; ; attempt++) {
            Path log = tmp.resolve("seeder" + attempt + ".log");
            Process p = ReferencePeers.libtorrent(tmp.resolve("t.torrent"), file.getParent(), Ports.free(), log,
                "--dht", "--dht-bootstrap", bootstrap, "--extensions", "ut_metadata", "--dht-announce-seconds", "1", "--bind", host);
            started.add(p);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(25);
            while (!Files.readString(log).contains("dht_announces=2")) {
                if (System.nanoTime() >= deadline || p.waitFor(100, TimeUnit.MILLISECONDS)) { // the poll's pause
                    break;
                }
            }
            if (Files.readString(log).contains("dht_announces=2")) {
                return;
            }
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
            if (attempt == 3) {
                Path node0 = tmp.resolve("node0.log");
                String bootstrapLog = Files.exists(node0) ? Files.readString(node0) : "(none)";
                throw new AssertionError("the seeder announced itself to the DHT (3 seeders, 25 s each):\n"
                    + tail(Files.readString(log)) + "\nthe bootstrap node's log:\n" + tail(bootstrapLog));
            }
        }
    }

    private static String tail(String s) {
        return s.length() > 2000 ? s.substring(s.length() - 2000) : s;
    }

    private Metainfo trackerless(Path file) throws Exception {
        return Interop.torrent(file, tmp.resolve("t.torrent"), List.of(), 64 << 10);
    }

    private static String magnet(Metainfo m) {
        return "magnet:?xt=urn:btih:" + m.infoHashHex() + "&dn=file.bin";
    }

    private static Instant at(String logLine) {
        return Instant.parse(logLine.substring(0, logLine.indexOf(' ')));
    }

    /** From the DHT node's start to the first peer it found, from skiff's debug log. */
    private static Duration firstPeer(String log) {
        Matcher start = Pattern.compile("(?m)^\\S+ DEBUG DHT node .*$").matcher(log);
        Matcher peer = Pattern.compile("(?m)^\\S+ DEBUG (?:\\S+: )?DHT: \\d+ peers$").matcher(log);
        assertTrue(start.find() && peer.find(), "the DHT started and found peers:\n" + log);
        return Duration.between(at(start.group()), at(peer.group()));
    }

    /**
     * skiff downloads the trackerless magnet of {@code m} into tmp/dl, bootstrapping from
     * {@code bootstrap} (in order); asserts exit 0 and the bytes, returns its debug log.
     */
    private String downloadMagnet(Path file, Metainfo m, String... bootstrap) throws Exception {
        Path log = tmp.resolve("debug.log");
        java.util.List<String> args = new ArrayList<>(List.of("-d", tmp.resolve("dl").toString(), "--port", String.valueOf(Ports.free()),
            "-q", "-l", "DEBUG", "--log-file", log.toString()));
        for (String b : bootstrap) {
            args.addAll(List.of("--dht-bootstrap", b));
        }
        args.add(magnet(m));
        SkiffProcess s = SkiffProcess.start(tmp.resolve("skiff.log"), args.toArray(new String[0]));
        assertEquals(0, s.waitFor(Interop.timeoutSeconds()), s.output() + Files.readString(log));
        Content.assertSameBytes(file, tmp.resolve("dl").resolve("file.bin"));
        return Files.readString(log);
    }

    /**
     * skiff seeding tmp/t.torrent from {@code file}'s folder, in the DHT from {@code bootstrap}, its
     * debug log in tmp/debug.log; returns once it listens.
     */
    private SkiffProcess skiffSeeding(Path file, String bootstrap) throws Exception {
        int port = Ports.free();
        SkiffProcess skiff = SkiffProcess.start(tmp.resolve("skiff.log"), "-d", file.getParent().toString(), "--port",
            String.valueOf(port), "--seed", "-q", "-l", "DEBUG", "--log-file", tmp.resolve("debug.log").toString(),
            "--dht-bootstrap", bootstrap, tmp.resolve("t.torrent").toString());
        started.add(skiff.process);
        assertTrue(Procs.waitForPort(port, skiff.process, 30), skiff.output());
        return skiff;
    }

    /**
     * On 127.0.0.1, and on ::1: libtorrent runs its IPv6 DHT there (BEP 32), whose nodes answer
     * with {@code nodes6} and give IPv6 peers, and the peers meet over IPv6.
     */
    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "::1"})
    void aTrackerlessMagnetFindsALibtorrentSeederThroughTheDht(String host) throws Exception {
        Path file = Content.random(Files.createDirectories(tmp.resolve("seed")).resolve("file.bin"), size(), 91);
        Metainfo m = trackerless(file);
        String bootstrap = dht(host);
        seeder(file, bootstrap, host);
        Path nodesFile = Path.of("build", "test-state", "skiff", "dht.dat");
        Files.deleteIfExists(nodesFile);
        String text = downloadMagnet(file, m, bootstrap);
        System.out.println("DHT on " + host + ": trackerless magnet, first peer " + firstPeer(text).toMillis() + " ms after the node started");
        assertTrue(text.contains("its DHT node is on UDP port"), "libtorrent's PORT message (BEP 5) is read");
        assertTrue(connectedOver(host, text), "the peers met over " + host + ":\n" + text);
        assertTrue(Files.isRegularFile(nodesFile), "the nodes are kept for the next run");
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "::1"})
    void aLibtorrentLeecherWithOnlyTheMagnetFindsSkiffSeeding(String host) throws Exception {
        Path file = Content.random(Files.createDirectories(tmp.resolve("seed")).resolve("file.bin"), size(), 92);
        Metainfo m = trackerless(file);
        String bootstrap = dht(host);
        SkiffProcess skiff = skiffSeeding(file, bootstrap);
        try {
            Process leecher = ReferencePeers.libtorrent(null, Files.createDirectories(tmp.resolve("leech")), Ports.free(),
                tmp.resolve("leecher.log"), "--magnet", magnet(m), "--dht", "--dht-bootstrap", bootstrap, "--extensions", "ut_metadata",
                "--exit-when-done", "--bind", host);
            started.add(leecher);
            assertTrue(leecher.waitFor(Interop.timeoutSeconds(), TimeUnit.SECONDS), "the libtorrent leecher finishes");
            Content.assertSameBytes(file, tmp.resolve("leech").resolve("file.bin"));
        } finally {
            skiff.process.destroy();
            skiff.waitFor(20);
        }
        String text = Files.readString(tmp.resolve("debug.log"));
        Matcher announces = Pattern.compile("announces (\\d+)\\)").matcher(text);
        assertTrue(announces.find(), text);
        assertTrue(connectedOver(host, text), "the peers met over " + host + ":\n" + text);
        System.out.println("DHT on " + host + ": a libtorrent leecher found skiff seeding; skiff's node: " + announces.group());
    }

    /**
     * A skiff node in the DHT (seeding a torrent of its own): where aria2 and skiff meet, since a
     * node does not give itself as a peer; two nodes alone never find each other's torrents.
     * Returns its HOST:PORT.
     */
    private String skiffNode() throws Exception {
        Path other = Content.random(Files.createDirectories(tmp.resolve("node")).resolve("other.bin"), 64 << 10, 94);
        Interop.torrent(other, tmp.resolve("other.torrent"), List.of(), 16 << 10);
        int port = Ports.free();
        // The same state folder as the skiff it serves: the first to start keeps the node id there,
        // the second takes one of its own (else each drops the other's messages). Its bootstrap
        // node is a dead port, which keeps it off the internet's DHT.
        SkiffProcess node = SkiffProcess.start(tmp.resolve("node.log"), "-d", other.getParent().toString(), "--port",
            String.valueOf(port), "--seed", "-l", "DEBUG", "--dht-bootstrap", "127.0.0.1:" + Ports.free(),
            tmp.resolve("other.torrent").toString());
        started.add(node.process);
        assertTrue(Procs.waitForPort(port, node.process, 30), node.output());
        return "127.0.0.1:" + port;
    }

    /** aria2's DHT options: on, its own UDP port, bootstrapped from {@code node}, its routing table kept in tmp. */
    private String[] aria2Dht(String node, String... more) throws Exception {
        List<String> o = new ArrayList<>(List.of("--enable-dht=true", "--dht-listen-port=" + Ports.free(), "--dht-entry-point=" + node,
            "--dht-file-path=" + tmp.resolve("aria2-dht-" + Ports.free() + ".dat")));
        o.addAll(List.of(more));
        return o.toArray(String[]::new);
    }

    @Test
    void aTrackerlessMagnetFindsAnAria2SeederThroughTheDht() throws Exception {
        Path file = Content.random(Files.createDirectories(tmp.resolve("seed")).resolve("file.bin"), size(), 95);
        Metainfo m = trackerless(file);
        String node = skiffNode();
        started.add(ReferencePeers.aria2(tmp.resolve("t.torrent"), file.getParent(), Ports.free(), tmp.resolve("aria2.log"),
            aria2Dht(node)));
        String text = downloadMagnet(file, m, node);
        System.out.println("DHT: trackerless magnet, aria2 seeding, first peer " + firstPeer(text).toMillis()
            + " ms after the node started");
        assertTrue(text.contains("aria2/"), "the peer found is aria2:\n" + text);
        assertTrue(text.contains("DHT: another skiff keeps "), "the node started first and keeps the state:\n" + text);
    }

    @Test
    void anAria2LeecherWithOnlyTheMagnetFindsSkiffSeeding() throws Exception {
        Path file = Content.random(Files.createDirectories(tmp.resolve("seed")).resolve("file.bin"), size(), 96);
        Metainfo m = trackerless(file);
        String node = skiffNode();
        skiffSeeding(file, node);
        Path dl = Files.createDirectories(tmp.resolve("leech"));
        Process leecher = ReferencePeers.aria2(magnet(m), dl, Ports.free(), tmp.resolve("leecher.log"),
            aria2Dht(node, "--seed-time=0"));
        started.add(leecher);
        assertTrue(leecher.waitFor(Interop.timeoutSeconds(), TimeUnit.SECONDS), "the aria2 leecher finishes: "
            + Interop.read(tmp.resolve("leecher.log")));
        assertEquals(0, leecher.exitValue(), Interop.read(tmp.resolve("leecher.log")));
        Content.assertSameBytes(file, dl.resolve("file.bin"));
    }

    @Test
    void aLyingDhtNodeIsCountedAndTheDownloadGoesOn() throws Exception {
        Path file = Content.random(Files.createDirectories(tmp.resolve("seed")).resolve("file.bin"), size(), 93);
        Metainfo m = trackerless(file);
        String bootstrap = dht();
        seeder(file, bootstrap, "127.0.0.1");
        try (HostileDhtNode liar = new HostileDhtNode()) {
            String text = downloadMagnet(file, m, "127.0.0.1:" + liar.port(), bootstrap);
            Matcher stats = Pattern.compile("garbage (\\d+).*?, unexpected (\\d+)").matcher(text);
            assertTrue(stats.find(), text);
            System.out.println("DHT beside a lying node (" + liar.queries.get() + " queries to it): " + stats.group());
            assertTrue(liar.queries.get() >= 1, "the liar was asked");
            assertTrue(Long.parseLong(stats.group(1)) >= 2, "its huge nodes and our own id are counted as garbage");
            assertTrue(Long.parseLong(stats.group(2)) >= 1, "its wrong transaction id is counted");
        }
    }
}
