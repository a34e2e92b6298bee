package skiff.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import skiff.testutil.Content;
import skiff.testutil.Ports;
import skiff.testutil.Procs;
import skiff.testutil.ReferencePeers;
import skiff.testutil.TerminalScreen;
import skiff.testutil.Tools;

/**
 * Issue 21: the status display under a real pty of 60, 80 and 120 columns by 24 rows, with and
 * without --files on a torrent of 40 files. skiff learns the size from the terminal (stty), not
 * from COLUMNS; a terminal emulator in the test follows its output and finds no wrapped line and
 * no scroll before the last redraw: every redraw stays on its lines.
 */
@Tag("interop")
class TerminalSizeInteropTest {
    static final int FILES = 40;

    @TempDir
    Path tmp;

    @Test
    void everyRedrawStaysOnItsLinesAt60And80And120Columns() throws Exception {
        String script = Tools.require("script");
        Path seed = Files.createDirectories(tmp.resolve("seed").resolve("many"));
        for (int i = 0; i < FILES; i++) {
            Content.random(seed.resolve(String.format("part-%02d.bin", i)), (i % 5 + 1) * (Interop.shortRun() ? 40 << 10 : 100 << 10), 70 + i);
        }
        Path torrent = tmp.resolve("many.torrent");
        Interop.torrent(seed, torrent, List.of(), 32 << 10);
        long total = 0;
        for (int i = 0; i < FILES; i++) {
            total += Files.size(seed.resolve(String.format("part-%02d.bin", i)));
        }
        int seedPort = Ports.free();
        Process lt = ReferencePeers.libtorrent(torrent, seed.getParent(), seedPort, tmp.resolve("lt.log"),
            "--upload-limit", String.valueOf(total / 3)); // about three seconds a download: many redraws
        try {
            int[] widths = {60, 80, 120};
            for (int width : widths) {
                for (boolean files : new boolean[] {false, true}) {
                    check(script, torrent, seedPort, width, files);
                }
            }
        } finally {
            Procs.stop(lt);
        }
    }

    private void check(String script, Path torrent, int seedPort, int width, boolean files) throws Exception {
        String name = width + (files ? "-files" : "");
        List<String> skiff = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
            "build/skiff.jar", "--no-dht", "-d", tmp.resolve("dl-" + name).toString(), "--port", String.valueOf(Ports.free()),
            "--peer", "127.0.0.1:" + seedPort));
        if (files) {
            skiff.add("--files");
        }
        skiff.add(torrent.toString());
        String inner = "stty cols " + width + " rows 24; exec " + String.join(" ", skiff);
        Path log = tmp.resolve("pty-" + name + ".log");
        ProcessBuilder pb = new ProcessBuilder(script, "-qefc", inner, "/dev/null").redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().remove("COLUMNS"); // the size must come from the terminal itself
        pb.environment().remove("LINES");
        Process p = pb.start();
        assertTrue(p.waitFor(Interop.timeoutSeconds(), TimeUnit.SECONDS), name + ": timed out");
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), name + ":\n" + out);
        Content.assertSameTree(tmp.resolve("seed").resolve("many"), tmp.resolve("dl-" + name).resolve("many"));
        TerminalScreen screen = new TerminalScreen(width, 24).feed(out);
        List<Integer> rows = screen.redrawRows;
        int n = rows.size();
        System.out.printf("terminal %d x 24%s: %d redraws, starting on rows %s; %d scrolls before the first redraw, %d between the"
            + " first and the last%n", width, files ? " with --files" : "", n, new java.util.TreeSet<>(rows), n == 0 ? 0 : screen.scrollsAtRedraw.get(0),
            n == 0 ? 0 : screen.scrollsAtRedraw.get(n - 1) - screen.scrollsAtRedraw.get(0));
        assertTrue(n >= 5, name + ": the status is redrawn in place: " + n + " redraws\n" + out);
        assertEquals(1, new java.util.HashSet<>(rows.subList(1, n)).size(), name + ": every redraw starts on one row: " + rows);
        assertEquals(screen.scrollsAtRedraw.get(1), screen.scrollsAtRedraw.get(n - 1), name + ": nothing scrolls between redraws");
    }
}
