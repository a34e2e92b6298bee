package skiff.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import skiff.metainfo.Metainfo;
import skiff.testutil.Content;
import skiff.testutil.Opentracker;
import skiff.testutil.Ports;
import skiff.testutil.Procs;
import skiff.testutil.ReferencePeers;
import skiff.testutil.SkiffProcess;

/** Stopping skiff at any moment loses nothing verified and never trusts anything unverified. */
@Tag("interop")
class ResumeInteropTest {
    @TempDir
    Path tmp;

    @Test
    void killNineAtRandomMomentsThenFinish() throws Exception {
        Path seed = Files.createDirectories(tmp.resolve("seed"));
        long size = Math.min(Interop.bigBytes(), 24L << 20);
        Content.random(seed.resolve("file.bin"), size, 21);
        Path torrent = tmp.resolve("t.torrent");
        Metainfo m = Interop.torrent(seed.resolve("file.bin"), torrent, List.of("http://127.0.0.1:1/announce"), 256 << 10);
        try (Opentracker ot = Opentracker.start(List.of(m.infoHashHex()))) {
            Interop.torrent(seed.resolve("file.bin"), torrent, List.of(ot.http()), 256 << 10);
            // about eight seconds for the whole file, so that kills land mid-download
            Process lt = ReferencePeers.libtorrent(torrent, seed, Ports.free(), tmp.resolve("lt.log"),
                "--upload-limit", String.valueOf(size / 8));
            try {
                ot.awaitSeeders(m.infoHashHex(), 1, 30);
                SplittableRandom random = new SplittableRandom(99);
                int keptTotal = 0;
                for (int round = 0; round < 3; round++) {
                    SkiffProcess skiff = SkiffProcess.start(tmp.resolve("run" + round + ".log"), "-d", tmp.resolve("dl").toString(),
                        "--port", String.valueOf(Ports.free()), torrent.toString());
                    Thread.sleep(1000 + random.nextInt(2500));
                    skiff.process.destroyForcibly(); // SIGKILL: no chance to flush or save
                    skiff.process.waitFor();
                    if (round > 0) {
                        keptTotal += kept(skiff.output());
                    }
                }
                SkiffProcess last = SkiffProcess.start(tmp.resolve("last.log"), "-d", tmp.resolve("dl").toString(),
                    "--port", String.valueOf(Ports.free()), torrent.toString());
                assertEquals(0, last.waitFor(Interop.timeoutSeconds()), last.output());
                keptTotal += kept(last.output());
                assertTrue(keptTotal > 0, "restarts kept verified pieces instead of fetching them again");
                Content.assertSameBytes(seed.resolve("file.bin"), tmp.resolve("dl/file.bin"));
            } finally {
                Procs.stop(lt);
            }
        }
    }

    /** Pieces a restart kept: "check: N of M pieces are good" or "resume: N of M pieces verified earlier". */
    private static int kept(String log) {
        Matcher c = Pattern.compile("(check|resume): (\\d+) of \\d+ pieces").matcher(log);
        return c.find() ? Integer.parseInt(c.group(2)) : 0;
    }

    @Test
    void ctrlCStopsCleanlyAndTheResumeFileIsTrusted() throws Exception {
        Path seed = Files.createDirectories(tmp.resolve("seed"));
        long size = Math.min(Interop.bigBytes(), 16L << 20);
        Content.random(seed.resolve("file.bin"), size, 22);
        Path torrent = tmp.resolve("t.torrent");
        Metainfo m = Interop.torrent(seed.resolve("file.bin"), torrent, List.of("http://127.0.0.1:1/announce"), 256 << 10);
        try (Opentracker ot = Opentracker.start(List.of(m.infoHashHex()))) {
            Interop.torrent(seed.resolve("file.bin"), torrent, List.of(ot.http()), 256 << 10);
            Process lt = ReferencePeers.libtorrent(torrent, seed, Ports.free(), tmp.resolve("lt.log"),
                "--upload-limit", String.valueOf(size / 6));
            try {
                ot.awaitSeeders(m.infoHashHex(), 1, 30);
                SkiffProcess skiff = SkiffProcess.start(tmp.resolve("run.log"), "-d", tmp.resolve("dl").toString(),
                    "--port", String.valueOf(Ports.free()), torrent.toString());
                Thread.sleep(2500);
                new ProcessBuilder("kill", "-INT", String.valueOf(skiff.process.pid())).start().waitFor();
                assertEquals(130, skiff.waitFor(20), skiff.output());
                assertTrue(skiff.output().contains("stopped: "), skiff.output());
                SkiffProcess again = SkiffProcess.start(tmp.resolve("again.log"), "-d", tmp.resolve("dl").toString(),
                    "--port", String.valueOf(Ports.free()), torrent.toString());
                assertEquals(0, again.waitFor(Interop.timeoutSeconds()), again.output());
                Matcher r = Pattern.compile("resume: (\\d+) of").matcher(again.output());
                assertTrue(r.find() && Integer.parseInt(r.group(1)) > 0, again.output());
                Content.assertSameBytes(seed.resolve("file.bin"), tmp.resolve("dl/file.bin"));
            } finally {
                Procs.stop(lt);
            }
        }
    }
}
