package skiff.interop;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import skiff.testutil.Content;
import skiff.testutil.Procs;
import skiff.testutil.Tools;

/**
 * Issue 21, defect 11: Ctrl-C on `make run` ended with "make: *** [Makefile:80: run] Interrupt".
 * Under a pty, the README's command is interrupted as a user would: skiff stops cleanly, says
 * how to resume, and make prints nothing of its own.
 */
@Tag("interop")
class MakeRunInteropTest {
    @TempDir
    Path tmp;

    @Test
    void ctrlCStopsSkiffAloneUnderMakeRun() throws Exception {
        String script = Tools.require("script");
        Tools.require("make");
        Path file = Content.random(Files.createDirectories(tmp.resolve("seed")).resolve("f.bin"), 1 << 20, 81);
        Path torrent = tmp.resolve("f.torrent");
        Interop.torrent(file, torrent, List.of("http://127.0.0.1:1/announce"), 64 << 10); // no one to download from
        String inner = "make --no-print-directory run TORRENT=" + torrent + " ARGS='-d " + tmp.resolve("dl") + " --no-dht'";
        Path log = tmp.resolve("pty.log");
        Process p = new ProcessBuilder(script, "-qefc", inner, "/dev/null").redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try (OutputStream keys = p.getOutputStream()) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.readString(log).contains("ETA")) {
                assertTrue(System.nanoTime() < deadline && !p.waitFor(100, TimeUnit.MILLISECONDS), "skiff started: " + Files.readString(log));
            }
            keys.write(3); // Ctrl-C, through the pty's line discipline: SIGINT to the foreground job
            keys.flush();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "make run ended after Ctrl-C: " + Files.readString(log));
        } finally {
            Procs.stop(p);
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertTrue(out.contains("stopped: ") && out.contains("the same command resumes"), out);
        assertFalse(out.contains("make: ***"), "make printed nothing of its own: " + out);
    }
}
