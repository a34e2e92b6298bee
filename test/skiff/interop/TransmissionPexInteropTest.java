package skiff.interop;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import skiff.testutil.Content;
import skiff.testutil.Netns;
import skiff.testutil.Procs;
import skiff.testutil.ReferencePeers;
import skiff.testutil.SkiffProcess;

/**
 * skiff's peer exchange (BEP 11) read by Transmission's, which dials what it learns only where the
 * address is not 127/8: in a network namespace of its own, skiff seeds (slowly) to two libtorrent
 * leechers that know only skiff and speak no PEX, then meets a Transmission leecher that knows only
 * skiff; Transmission dials both leechers from skiff's first ut_pex message.
 */
@Tag("interop")
class TransmissionPexInteropTest {
    /** Every host on its own address, each on the usual port: the namespace is new, so it is free there. */
    private static final int PORT = 6881;
    private static final int SKIFF = 1;
    private static final int TRANSMISSION = 4;

    @TempDir
    Path tmp;

    /** Whether an established TCP connection joins {@code a} to port {@link #PORT} on {@code b}, as {@code ss} lists them. */
    private static boolean dialled(Netns net, String a, String b) throws Exception {
        return Pattern.compile("(?m)\\s" + Pattern.quote(a) + ":\\d+\\s+" + Pattern.quote(b) + ":" + PORT + "\\s*$")
            .matcher(net.run("ss", "-Htn", "state", "established")).find();
    }

    @Test
    void transmissionDialsThePeersSkiffsPexNames() throws Exception {
        long size = Interop.shortRun() ? 8 << 20 : 32 << 20;
        Path seed = Files.createDirectories(tmp.resolve("seed"));
        Path file = Content.random(seed.resolve("file.bin"), size, 99);
        Path torrent = tmp.resolve("t.torrent");
        Interop.torrent(file, torrent, List.of("http://127.0.0.1:1/announce"), 64 << 10); // a tracker that never answers
        List<Process> started = new ArrayList<>();
        try (Netns net = Netns.create(TRANSMISSION)) {
            try {
                // Slow enough that nobody finishes within the test: skiff lists only the peers it is connected to.
                String limitKiB = String.valueOf(Math.max(1, size / 1024 / (4 * Interop.timeoutSeconds())));
                Path debug = tmp.resolve("debug.log");
                // It dials Transmission, which is not up yet: that dial fails and the next comes 10 s on,
                // by when the leechers are in, so that its first ut_pex message to Transmission names them.
                SkiffProcess skiff = SkiffProcess.command(tmp.resolve("skiff.log"), net.in(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", "build/skiff.jar",
                    "-d", seed.toString(), "--bind", net.address(SKIFF), "--port", String.valueOf(PORT), "--seed", "-q", "--no-dht",
                    "-u", limitKiB, "-l", "DEBUG", "--log-file", debug.toString(),
                    "--peer", net.address(TRANSMISSION) + ":" + PORT, torrent.toString())));
                started.add(skiff.process);
                Interop.awaitFile(skiff.process, debug, "announcing to", 60); // its data checked, listening
                for (int i = 2; i < TRANSMISSION; i++) {
                    started.add(ReferencePeers.libtorrentIn(net, net.address(i), PORT, Files.createDirectories(tmp.resolve("lt" + i)),
                        tmp.resolve("lt" + i + ".log"), "--torrent", torrent.toString(), "--peer", net.address(SKIFF) + ":" + PORT));
                }
                for (int i = 2; i < TRANSMISSION; i++) {
                    Interop.awaitFile(skiff.process, debug, net.address(i) + ":", 30);
                }
                started.add(ReferencePeers.transmissionIn(net, torrent.toString(), Files.createDirectories(tmp.resolve("tr")),
                    net.address(TRANSMISSION), PORT, Files.createDirectories(tmp.resolve("tr-work")), tmp.resolve("tr.log"), List.of(),
                    "\"pex-enabled\": true"));

                long start = System.nanoTime();
                long deadline = start + TimeUnit.SECONDS.toNanos(Interop.timeoutSeconds());
                boolean both = false;
                while (!both && System.nanoTime() < deadline) {
                    both = dialled(net, net.address(TRANSMISSION), net.address(2)) && dialled(net, net.address(TRANSMISSION), net.address(3));
                    // the poll's pause, a wait on skiff so that one that exits fails at once
                    assertTrue(!skiff.process.waitFor(250, TimeUnit.MILLISECONDS), "skiff exited: " + Interop.read(debug));
                }
                String text = Files.readString(debug);
                assertTrue(both, "Transmission dialled both leechers skiff named:\n" + net.run("ss", "-Htn", "state", "established")
                    + "\nskiff:\n" + Interop.tail(text) + "\nTransmission:\n" + Interop.read(tmp.resolve("tr.log")));
                assertTrue(text.contains(net.address(TRANSMISSION) + ":" + PORT + ": client Transmission 3.00"), Interop.tail(text));
                System.out.printf("PEX to Transmission: it dialled both leechers %.1f s after it started%n", (System.nanoTime() - start) / 1e9);
            } finally {
                started.forEach(Procs::stop);
            }
        }
    }
}
