package skiff.interop;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import skiff.testutil.Content;
import skiff.testutil.Ports;
import skiff.testutil.Procs;
import skiff.testutil.ReferencePeers;
import skiff.testutil.SkiffProcess;

/**
 * Peer exchange (BEP 11) in a swarm of five libtorrent peers with no tracker that answers: skiff,
 * told about the seeder alone, finds the leechers through its PEX; and a libtorrent peer told
 * about skiff alone finds the others through skiff's.
 */
@Tag("interop")
class PexInteropTest {
    @TempDir
    Path tmp;

    @Test
    void peersFoundThroughPexBothWays() throws Exception {
        long size = Interop.shortRun() ? 8 << 20 : 32 << 20;
        Path seed = Files.createDirectories(tmp.resolve("seed"));
        Path file = Content.random(seed.resolve("file.bin"), size, 91);
        Path torrent = tmp.resolve("t.torrent");
        Interop.torrent(file, torrent, List.of("http://127.0.0.1:1/announce"), 64 << 10); // a tracker that never answers
        List<Process> procs = new ArrayList<>();
        try {
            int seedPort = Ports.free();
            // Slow enough that no leecher finishes within the test's time: libtorrent's seeder leaves a
            // finished one, and lists it as dropped, not added, in its next message (a minute on).
            String limit = String.valueOf(size / (2 * Interop.timeoutSeconds()));
            procs.add(ReferencePeers.libtorrent(torrent, seed, seedPort, tmp.resolve("s.log"), "--extensions", "ut_pex",
                "--upload-limit", limit));
            List<Integer> leecherPorts = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                int port = Ports.free();
                leecherPorts.add(port);
                procs.add(ReferencePeers.libtorrent(torrent, Files.createDirectories(tmp.resolve("l" + i)), port, tmp.resolve("l" + i + ".log"),
                    "--extensions", "ut_pex", "--peer", "127.0.0.1:" + seedPort, "--upload-limit", limit));
            }
            // libtorrent's first message to a peer lists only the peers past their handshake at that
            // moment, and the next comes a minute later: skiff joins once the leechers are in.
            long joined = System.nanoTime() + 30_000_000_000L;
            while (maxPeers(tmp.resolve("s.log")) < leecherPorts.size() && System.nanoTime() < joined) {
                procs.get(0).waitFor(250, java.util.concurrent.TimeUnit.MILLISECONDS); // the poll's pause
            }
            assertTrue(maxPeers(tmp.resolve("s.log")) >= leecherPorts.size(), "the leechers never reached the seeder");
            int skiffPort = Ports.free();
            SkiffProcess skiff = SkiffProcess.start(tmp.resolve("skiff.log"), "-d", tmp.resolve("dl").toString(), "--port",
                String.valueOf(skiffPort), "--peer", "127.0.0.1:" + seedPort, "--seed", "-q", "-l", "DEBUG", "--log-file",
                tmp.resolve("skiff-debug.log").toString(), torrent.toString());
            procs.add(skiff.process);
            assertTrue(Procs.waitForPort(skiffPort, skiff.process, 30), skiff.output());
            int lonePort = Ports.free();
            procs.add(ReferencePeers.libtorrent(torrent, Files.createDirectories(tmp.resolve("lone")), lonePort, tmp.resolve("lone.log"),
                "--extensions", "ut_pex", "--peer", "127.0.0.1:" + skiffPort));
            long deadline = System.nanoTime() + Interop.timeoutSeconds() * 1_000_000_000L;
            int found = 0;
            int lonePeers = 0;
            while (System.nanoTime() < deadline && (found < 2 || lonePeers < 2)) {
                String log = Files.readString(tmp.resolve("skiff-debug.log"));
                found = 0;
                for (int port : leecherPorts) {
                    found += log.contains("127.0.0.1:" + port + ": connected") ? 1 : 0;
                }
                lonePeers = maxPeers(tmp.resolve("lone.log"));
                skiff.process.waitFor(500, java.util.concurrent.TimeUnit.MILLISECONDS); // the poll's pause; skiff ending early shows below
            }
            assertTrue(found >= 2, "skiff, told only of the seeder, dialled " + found + " of the 3 leechers");
            assertTrue(lonePeers >= 2, "libtorrent, told only of skiff, reached " + lonePeers + " peers");
        } finally {
            procs.forEach(Procs::stop);
        }
    }

    /** The most peers a libtorrent peer's status lines reported. */
    private static int maxPeers(Path log) throws java.io.IOException {
        Matcher m = Pattern.compile("peers=(\\d+)").matcher(Files.readString(log));
        int max = 0;
        while (m.find()) {
            max = Math.max(max, Integer.parseInt(m.group(1)));
        }
        return max;
    }
}
