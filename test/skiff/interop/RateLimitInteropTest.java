package skiff.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import skiff.testutil.Content;
import skiff.testutil.Ports;
import skiff.testutil.Procs;
import skiff.testutil.ReferencePeers;
import skiff.testutil.SkiffProcess;

/** --download-limit against an unlimited libtorrent seeder on loopback: the download keeps to it. */
@Tag("interop")
class RateLimitInteropTest {
    @TempDir
    Path tmp;

    @Test
    void aDownloadKeepsToItsLimit() throws Exception {
        Path seedDir = Files.createDirectories(tmp.resolve("seed"));
        long bytes = 6L << 20;
        Path source = Content.random(seedDir.resolve("file.bin"), bytes, 17);
        Path torrent = tmp.resolve("t.torrent");
        Interop.torrent(source, torrent, List.of("http://127.0.0.1:1/announce"), 64 << 10);
        int seedPort = Ports.free();
        Path ltLog = tmp.resolve("lt.log");
        Process lt = ReferencePeers.libtorrent(torrent, seedDir, seedPort, ltLog);
        SkiffProcess skiff = null;
        try {
            Interop.awaitFile(lt, ltLog, "state=seeding", 60);
            Path dl = Files.createDirectories(tmp.resolve("dl"));
            long start = System.nanoTime();
            skiff = SkiffProcess.start(tmp.resolve("skiff.log"), "-d", dl.toString(), "--port", String.valueOf(Ports.free()),
                "--no-dht", "--no-port-map", "--download-limit", "1M", "--peer", "127.0.0.1:" + seedPort, torrent.toString());
            assertEquals(0, skiff.waitFor(120), Interop.tail(skiff.output()));
            double seconds = (System.nanoTime() - start) / 1e9;
            Content.assertSameBytes(source, dl.resolve("file.bin"));
            // 6 MiB at 1 MiB/s, a second's allowance banked at most: 5 s at the least (unlimited, it takes under 1 s)
            assertTrue(seconds >= 4.5, "took " + seconds + " s");
            assertTrue(seconds < 60, "took " + seconds + " s");
        } finally {
            Procs.stop(lt);
            if (skiff != null) {
                Procs.stop(skiff.process);
            }
        }
    }
}
