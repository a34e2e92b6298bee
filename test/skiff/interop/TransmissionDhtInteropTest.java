package skiff.interop;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import skiff.metainfo.Metainfo;
import skiff.testutil.Content;
import skiff.testutil.Netns;
import skiff.testutil.Procs;
import skiff.testutil.ReferencePeers;
import skiff.testutil.SkiffProcess;

/**
 * Transmission's DHT (jech/dht, the third implementation after libtorrent's and aria2's) meets
 * skiff's, both ways at once: skiff finds a Transmission seeder from a trackerless magnet link, and
 * a Transmission leecher with only a magnet link finds skiff seeding; both over uTP with libutp. Transmission takes 127/8
 * nodes for martians, so the DHT lives in a network namespace of its own with an address per host,
 * each on port 6881 as in the real DHT (the namespace is new, so the port is free in it): eight
 * libtorrent nodes (Transmission announces only once it knows nine nodes), skiff, and two
 * Transmissions.
 */
@Tag("interop")
class TransmissionDhtInteropTest {
    private static final int PORT = 6881;
    private static final int NODES = 8;
    private static final int SKIFF = NODES + 1;
    private static final int SEEDER = NODES + 2;
    private static final int LEECHER = NODES + 3;
    /** Both Transmissions speak uTP (libutp), and skiff dials uTP first: every transfer here goes over it, whoever dials. */
    private static final String UTP = "\"utp-enabled\": true";

    @TempDir
    Path tmp;
    /** Every process started, all stopped at the end of the test, before its namespace goes. */
    private final List<Process> started = new ArrayList<>();

    private static String magnet(Metainfo m, String name) {
        return "magnet:?xt=urn:btih:" + m.infoHashHex() + "&dn=" + name;
    }

    /**
     * The libtorrent nodes, all listening when it returns; returns their addresses, the first
     * everyone's bootstrap node. Transmission pings each once, so one not up yet would be lost to it.
     */
    private List<InetSocketAddress> dht(Netns net) throws Exception {
        List<InetSocketAddress> nodes = new ArrayList<>();
        List<Process> ours = new ArrayList<>();
        for (int i = 1; i <= NODES; i++) {
            Process node = ReferencePeers.libtorrentIn(net, net.address(i), PORT, Files.createDirectories(tmp.resolve("node" + i)),
                tmp.resolve("node" + i + ".log"), "--dht", "--dht-bootstrap", net.address(1) + ":" + PORT);
            started.add(node);
            ours.add(node);
            if (i == 1) {
                // the others bootstrap from it: a first query to a node not yet up is retried only after a long backoff
                Interop.awaitFile(node, tmp.resolve("node1.log"), "dht_nodes=", 30);
            }
            nodes.add(new InetSocketAddress(net.address(i), PORT));
        }
        for (int i = 2; i <= NODES; i++) {
            Interop.awaitFile(ours.get(i - 1), tmp.resolve("node" + i + ".log"), "dht_nodes=", 30);
        }
        return nodes;
    }

    private static boolean same(Path expected, Path actual) throws Exception {
        return Files.isRegularFile(actual) && Files.size(actual) == Files.size(expected) && Files.mismatch(expected, actual) == -1;
    }

    /**
     * Asserts that skiff and the Transmission at {@code address} met over torrent {@code name}.bin
     * through the DHT, one way or the other: Transmission's DHT gave it peers, or skiff's gave it
     * some and skiff dialled Transmission (it knows that address from nowhere else). Returns whose.
     */
    private String metThroughTheDht(String name, String skiffLog, String address, String transmissionLog) throws Exception {
        String log = Files.readString(tmp.resolve(transmissionLog));
        boolean theirs = log.matches("(?s).*" + name + "\\.bin: Learned \\d+ IPv4 peers from DHT.*");
        boolean ours = Pattern.compile("(?m) " + name + "\\.bin: DHT: \\d+ peers$").matcher(skiffLog).find()
            && Pattern.compile("(?m) " + name + "\\.bin: " + Pattern.quote(address + ":" + PORT) + ": connected \\((for metadata, )?we dialled\\)$")
                .matcher(skiffLog).find();
        assertTrue(theirs || ours, name + ".bin: skiff and Transmission met through the DHT:\n" + Interop.tail(log)
            + "\nskiff:\n" + Interop.tail(skiffLog));
        return theirs && ours ? "both DHTs" : theirs ? "Transmission's DHT" : "skiff's DHT";
    }

    @Test
    void skiffAndTransmissionFindEachOtherThroughTheDhtBothWays() throws Exception {
        Path skiffDir = Files.createDirectories(tmp.resolve("skiff"));
        Path seederDir = Files.createDirectories(tmp.resolve("seeder"));
        Path leecherDir = Files.createDirectories(tmp.resolve("leecher"));
        long size = Interop.shortRun() ? 3 << 20 : 32 << 20;
        Path a = Content.random(seederDir.resolve("a.bin"), size, 97); // Transmission seeds it to skiff
        Path b = Content.random(skiffDir.resolve("b.bin"), size, 98); // skiff seeds it to Transmission
        Metainfo ma = Interop.torrent(a, tmp.resolve("a.torrent"), List.of(), 64 << 10);
        Metainfo mb = Interop.torrent(b, tmp.resolve("b.torrent"), List.of(), 64 << 10);
        try (Netns net = Netns.create(LEECHER)) {
            try {
                List<InetSocketAddress> nodes = dht(net);
                Path debug = tmp.resolve("debug.log");
                SkiffProcess skiff = SkiffProcess.command(tmp.resolve("skiff.log"), net.in(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", "build/skiff.jar",
                    "-d", skiffDir.toString(), "--bind", net.address(SKIFF), "--port", String.valueOf(PORT), "--seed", "-q", "--utp", "prefer",
                    "-l", "DEBUG", "--log-file", debug.toString(), "--dht-bootstrap", net.address(1) + ":" + PORT,
                    tmp.resolve("b.torrent").toString(), magnet(ma, "a.bin"))));
                started.add(skiff.process);
                Process seeder = ReferencePeers.transmissionIn(net, tmp.resolve("a.torrent").toString(), seederDir,
                    net.address(SEEDER), PORT, Files.createDirectories(tmp.resolve("tr-seeder")), tmp.resolve("tr-seeder.log"), nodes, UTP);
                started.add(seeder);
                Process leecher = ReferencePeers.transmissionIn(net, magnet(mb, "b.bin"), leecherDir, net.address(LEECHER), PORT,
                    Files.createDirectories(tmp.resolve("tr-leecher")), tmp.resolve("tr-leecher.log"), nodes, UTP);
                started.add(leecher);

                long start = System.nanoTime();
                long deadline = start + TimeUnit.SECONDS.toNanos(Interop.timeoutSeconds());
                long skiffDone = 0;
                long transmissionDone = 0;
                while ((skiffDone == 0 || transmissionDone == 0) && System.nanoTime() < deadline) {
                    if (skiffDone == 0 && same(a, skiffDir.resolve("a.bin"))) {
                        skiffDone = System.nanoTime();
                    }
                    if (transmissionDone == 0 && same(b, leecherDir.resolve("b.bin"))) {
                        transmissionDone = System.nanoTime();
                    }
                    // the poll's pause, a wait on skiff so that one that exits fails at once
                    assertTrue(!skiff.process.waitFor(250, TimeUnit.MILLISECONDS), "skiff exited: " + skiff.output() + Interop.read(debug));
                }
                String text = Files.readString(debug);
                assertTrue(skiffDone != 0, "skiff downloaded a.bin from Transmission:\n" + Interop.tail(text)
                    + "\nTransmission seeding:\n" + Interop.read(tmp.resolve("tr-seeder.log")));
                assertTrue(transmissionDone != 0, "Transmission downloaded b.bin from skiff:\n" + Interop.read(tmp.resolve("tr-leecher.log"))
                    + "\nskiff:\n" + Interop.tail(text));
                System.out.printf("DHT with Transmission: skiff had a.bin %.1f s after start, Transmission b.bin %.1f s%n",
                    (skiffDone - start) / 1e9, (transmissionDone - start) / 1e9);

                assertFalse(text.contains("connected to ourselves"), "skiff's own address, which the DHT hands back, is not dialled:\n"
                    + Interop.tail(text));
                // either may dial: skiff the seeder its DHT found, or the seeder skiff, which announced itself to the DHT
                assertTrue(Pattern.compile("(?m) a\\.bin: " + Pattern.quote(net.address(SEEDER)) + ":\\d+: .*Transmission 3\\.00")
                    .matcher(text).find(), "skiff met the Transmission seeder:\n" + Interop.tail(text));
                for (String[] peer : new String[][] {{"a", net.address(SEEDER)}, {"b", net.address(LEECHER)}}) {
                    assertTrue(Pattern.compile("(?m) " + peer[0] + "\\.bin: " + Pattern.quote(peer[1]) + ":\\d+: handshake \\(utp")
                        .matcher(text).find(), peer[0] + ".bin went over uTP with libutp:\n" + Interop.tail(text));
                }
                System.out.println("DHT with Transmission: a.bin found by " + metThroughTheDht("a", text, net.address(SEEDER), "tr-seeder.log")
                    + ", b.bin by " + metThroughTheDht("b", text, net.address(LEECHER), "tr-leecher.log"));
            } finally {
                started.forEach(Procs::stop);
            }
        }
    }
}
