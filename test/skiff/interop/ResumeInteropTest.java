package skiff.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import skiff.testutil.Content;
import skiff.testutil.Ports;
import skiff.testutil.SkiffProcess;

/** Stopping skiff at any moment loses nothing verified and never trusts anything unverified. */
@Tag("interop")
class ResumeInteropTest {
    @TempDir
    Path tmp;

    private SkiffProcess skiff(String log, SeededTorrent t) throws Exception {
        return SkiffProcess.start(tmp.resolve(log), "--status-interval", "1", "-d", tmp.resolve("dl").toString(),
            "--port", String.valueOf(Ports.free()), t.torrent.toString());
    }

    @Test
    void killNineAtRandomMomentsThenFinish() throws Exception {
        long size = Math.min(Interop.bigBytes(), 24L << 20);
        try (SeededTorrent t = SeededTorrent.create(tmp, size, 21, 256 << 10)) {
            t.libtorrent("--upload-limit", String.valueOf(size / 8)); // about eight seconds for the file
            SplittableRandom random = new SplittableRandom(99);
            int keptTotal = 0;
            double target = 0;
            for (int round = 0; round < 3; round++) {
                SkiffProcess skiff = skiff("run" + round + ".log", t);
                target += 5 + random.nextInt(20); // a random moment further into the download each time
                skiff.awaitProgress(target, 60);
                skiff.process.destroyForcibly(); // SIGKILL: no chance to flush or save
                skiff.process.waitFor();
                if (round > 0) {
                    keptTotal += kept(skiff.output());
                }
            }
            SkiffProcess last = skiff("last.log", t);
            assertEquals(0, last.waitFor(Interop.timeoutSeconds()), last.output());
            keptTotal += kept(last.output());
            assertTrue(keptTotal > 0, "restarts kept verified pieces instead of fetching them again");
            Content.assertSameBytes(t.file, tmp.resolve("dl/file.bin"));
        }
    }

    /** Pieces a restart kept: "check: N of M pieces are good" or "resume: N of M pieces verified earlier". */
    private static int kept(String log) {
        Matcher c = Pattern.compile("(check|resume): (\\d+) of \\d+ pieces").matcher(log);
        return c.find() ? Integer.parseInt(c.group(2)) : 0;
    }

    @Test
    void ctrlCStopsCleanlyAndTheResumeFileIsTrusted() throws Exception {
        long size = Math.min(Interop.bigBytes(), 16L << 20);
        try (SeededTorrent t = SeededTorrent.create(tmp, size, 22, 256 << 10)) {
            t.libtorrent("--upload-limit", String.valueOf(size / 6));
            SkiffProcess skiff = skiff("run.log", t);
            skiff.awaitProgress(20, 60);
            new ProcessBuilder("kill", "-INT", String.valueOf(skiff.process.pid())).start().waitFor();
            assertEquals(130, skiff.waitFor(20), skiff.output());
            assertTrue(skiff.output().contains("stopped: ") && skiff.output().contains("the same command resumes"), skiff.output());
            SkiffProcess again = skiff("again.log", t);
            assertEquals(0, again.waitFor(Interop.timeoutSeconds()), again.output());
            Matcher r = Pattern.compile("resume: (\\d+) of").matcher(again.output());
            assertTrue(r.find() && Integer.parseInt(r.group(1)) > 0, again.output());
            Content.assertSameBytes(t.file, tmp.resolve("dl/file.bin"));
        }
    }
}
