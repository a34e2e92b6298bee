package skiff.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import skiff.swarm.Status;

class ProgressTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final Progress progress = new Progress(new PrintStream(bytes, true, StandardCharsets.UTF_8), true, false, 80);

    private String take() {
        String s = bytes.toString(StandardCharsets.UTF_8);
        bytes.reset();
        return s;
    }

    @Test
    void theStatusComesBackAfterALogLineAndNotAfterTheEnd() {
        Status s = new Status("file.bin", "00".repeat(20), 1500, -1, skiff.swarm.TorrentState.DOWNLOADING, 1 << 20, 1 << 19, 1 << 19, 0, 1000, 0, 1, 1, 1, 8, 16, 1, null, java.util.Map.of(), 0, -1);
        progress.show(s, null, null);
        String line = take();
        assertTrue(line.contains("50.0%"), line);
        progress.clear();
        assertTrue(take().contains("\033[2K"), "cleared for the log line");
        progress.restore();
        String again = take();
        assertTrue(again.contains("50.0%") && !again.contains("\033["), "redrawn as it was: " + again);
        progress.restore();
        assertEquals("", take(), "already on screen: drawn once");
        progress.end();
        take();
        progress.clear();
        progress.restore();
        assertEquals("", take(), "after the summary nothing comes back");
    }

    /** A stall says why on the status line and in JSON; JSON counts closed connections by reason and dropped tracker replies. */
    @Test
    void aStallSaysWhyAndJsonCountsCloses() {
        Status s = new Status("file.bin", "00".repeat(20), 1500, -1, skiff.swarm.TorrentState.DOWNLOADING, 1 << 20, 1 << 19, 1 << 19, 0, 0, 0, 2, 9, 0, 8, 16, 3,
            "all 2 peers with missing pieces are choking us", java.util.Map.of("banned", 1), 4, -1);
        String line = Progress.line(s, 200);
        assertTrue(line.endsWith("stalled: all 2 peers with missing pieces are choking us peers 2/9 seeds 0")
            || line.contains("stalled: all 2 peers with missing pieces are choking us"), line);
        String json = Progress.json(s, null, null);
        assertTrue(json.contains("\"stalled\":\"all 2 peers with missing pieces are choking us\"")
            && json.contains("\"closed_connections\":{\"banned\":1}") && json.contains("\"dropped_tracker_replies\":4"), json);
        Status fine = new Status("file.bin", "00".repeat(20), 1500, -1, skiff.swarm.TorrentState.DOWNLOADING, 1 << 20, 1 << 19, 1 << 19, 0, 1000, 0, 1, 1, 1, 8, 16, 1, null, java.util.Map.of(), 0, -1);
        assertTrue(Progress.json(fine, null, null).contains("\"stalled\":null,\"closed_connections\":{}"), Progress.json(fine, null, null));
    }

    /**
     * --json: every line a JSON object, the summary too (event "done"), with the torrent's name
     * (escaped, whatever bytes it holds), info-hash and elapsed time, units in the field names, and
     * the files with --files.
     */
    @Test
    void jsonLinesParseWithTheirIdentityAndFiles() {
        String name = "a \"quoted\" \\ name\nwith\u0001controls \u00e9\u2028";
        Status s = new Status(name, "ab".repeat(20), 61_500, -1, skiff.swarm.TorrentState.DOWNLOADING, 1 << 20, 1 << 19, 1 << 19, 0,
            2048, 0, 1, 1, 1, 8, 16, 1, null, java.util.Map.of(), 0, -1);
        java.util.List<skiff.metainfo.FileEntry> files = java.util.List.of(new skiff.metainfo.FileEntry(java.util.List.of("d", "x\"y"), 100, 0, false),
            new skiff.metainfo.FileEntry(java.util.List.of(".pad", "5"), 5, 100, true), new skiff.metainfo.FileEntry(java.util.List.of("z"), 7, 105, false));
        java.util.Map<String, Object> status = skiff.testutil.Json.object(Progress.json(s, files, new long[] {40, 5, 7}));
        assertEquals("status", status.get("event"));
        assertEquals(name, status.get("name"));
        assertEquals("ab".repeat(20), status.get("info_hash"));
        assertEquals(61.5, status.get("elapsed_seconds"));
        assertEquals(2048.0, status.get("down_rate_bytes_per_s"));
        assertEquals(java.util.List.of(java.util.Map.of("path", "d/x\"y", "total_bytes", 100.0, "have_bytes", 40.0),
            java.util.Map.of("path", "z", "total_bytes", 7.0, "have_bytes", 7.0)), status.get("files"), "padding files left out");
        java.util.Map<String, Object> skipped = skiff.testutil.Json.object(Progress.json(s, files, new long[] {-1, 5, 7}));
        assertEquals(java.util.Map.of("path", "d/x\"y", "total_bytes", 100.0, "have_bytes", 0.0, "selected", false),
            ((java.util.List<?>) skipped.get("files")).get(0), "a file --select-file left out");
        assertEquals("  skip     100 B  d/x\"y", Progress.fileLine(files.get(0), -1, 80));
        assertEquals(" 40.0%     100 B  d/x\"y", Progress.fileLine(files.get(0), 40, 80));
        java.util.Map<String, Object> done = skiff.testutil.Json.object(Progress.jsonSummary(s, null, true, 2.0, 0.5));
        assertEquals("done", done.get("event"));
        assertEquals(name, done.get("name"));
        assertEquals(262144.0, done.get("average_down_bytes_per_s"));
    }

    /** The summary's speed is the download's, not diluted by the seeding after it; then seeding time, uploaded, ratio. */
    @Test
    void theSummarySpeedsTheDownloadAloneThenTellsTheSeeding() {
        // 64 MiB done in 2 s, then seeded until 62 s had passed: 32 MiB/s, not 1.05
        Status seeded = new Status("x.bin", "00".repeat(20), 62_000, 2_000, skiff.swarm.TorrentState.SEEDING, 64 << 20, 64 << 20,
            64 << 20, 32 << 20, 0, 0, 0, 0, 0, 256, 256, 3, null, java.util.Map.of(), 0, -1);
        assertEquals("done: x.bin, 64.0 MiB of 64.0 MiB in 2.0 s, average 32.0 MiB/s, downloaded 64.0 MiB, peers used 3; "
            + "seeded 60.0 s, uploaded 32.0 MiB, ratio 0.50", Progress.summaryLine(seeded, "x.bin", true, 62.0, true));
        Status stopped = new Status("x.bin", "00".repeat(20), 4_000, -1, skiff.swarm.TorrentState.DOWNLOADING, 64 << 20, 16 << 20,
            16 << 20, 0, 0, 0, 0, 0, 0, 64, 256, 1, null, java.util.Map.of(), 0, -1);
        assertEquals("stopped: x.bin, 16.0 MiB of 64.0 MiB in 4.0 s, average 4.00 MiB/s, downloaded 16.0 MiB, peers used 1, "
            + "uploaded 0 B, ratio 0.00; the same command resumes", Progress.summaryLine(stopped, "x.bin", false, 4.0, false));
        java.util.Map<String, Object> json = skiff.testutil.Json.object(Progress.jsonSummary(seeded, "/data/x.bin", true, 62.0, 0.5));
        assertEquals("/data/x.bin", json.get("path"));
        assertEquals(2.0, json.get("download_seconds"));
        assertEquals((double) (32 << 20), json.get("average_down_bytes_per_s"));
    }

    /** Several torrents: a line each, led by its name, bars of one width, then a total; all within the width. */
    @Test
    void severalTorrentsGetALineEachAndATotal() {
        java.util.List<Progress.Row> rows = new java.util.ArrayList<>();
        String[] names = {"ubuntu-24.04-desktop-amd64.iso", "b", "music"};
        long[] have = {1 << 20, 0, 4 << 20};
        for (int i = 0; i < 3; i++) {
            rows.add(new Progress.Row(new Status(names[i], "0" + i + "00".repeat(19), 1500, -1, skiff.swarm.TorrentState.DOWNLOADING,
                4 << 20, have[i], have[i], 0, 1000 * i, 0, i, 3, 0, 0, 16, 1, null, java.util.Map.of(), 0, -1), null, null));
        }
        ByteArrayOutputStream wide = new ByteArrayOutputStream();
        new Progress(new PrintStream(wide, true, StandardCharsets.UTF_8), true, false, 120).show(rows);
        String[] lines = wide.toString(StandardCharsets.UTF_8).replace("\r", "").split("\n");
        assertEquals(4, lines.length, String.join("|", lines));
        assertTrue(lines[0].startsWith("ubuntu-24.04-desktop-amd64.iso [") && lines[1].startsWith("b ") && lines[2].startsWith("music "),
            String.join("\n", lines));
        assertTrue(lines[3].startsWith("total ") && lines[3].contains(" 5.00 MiB/12.0 MiB ") && lines[3].contains("1 of 3 complete"), lines[3]);
        int bar = lines[0].indexOf(']') - lines[0].indexOf('[');
        assertTrue(bar >= 9, "a bar on 120 columns: " + lines[0]);
        for (int i = 0; i < 3; i++) {
            assertTrue(lines[i].length() <= 119, lines[i]);
            assertEquals(bar, lines[i].indexOf(']') - lines[i].indexOf('['), "bars of one width: " + lines[i]);
        }
        assertTrue(Progress.json(rows.get(1).status(), null, null).contains("\"name\":\"b\""));
        progress.show(rows); // 80 columns: the name cut to a quarter of the width
        String narrow = take();
        assertTrue(narrow.contains("ubuntu-24.04-deskto~ ") && !narrow.contains("ubuntu-24.04-desktop"), narrow);
    }

    /** --files on a 24-row terminal: the status and the files being filled fit, the rest is counted (issue 21, defect 3). */
    @Test
    void manyFilesFitTheTerminalsHeight() {
        java.util.List<skiff.metainfo.FileEntry> files = new java.util.ArrayList<>();
        long[] done = new long[40];
        for (int i = 0; i < 40; i++) {
            files.add(new skiff.metainfo.FileEntry(java.util.List.of("f" + i + ".bin"), 1000, i * 1000L, false));
            done[i] = i == 30 || i == 35 ? 500 : i < 10 ? 1000 : 0;
        }
        Status s = new Status("folder", "00".repeat(20), 1500, -1, skiff.swarm.TorrentState.DOWNLOADING, 40_000, 11_000, 11_000, 0, 1000, 0,
            1, 1, 1, 10, 40, 1, null, java.util.Map.of(), 0, -1);
        progress.resize(80, 24);
        progress.show(s, files, done);
        String[] lines = take().replace("\r", "").split("\n");
        assertEquals(23, lines.length, "one row is left for the cursor");
        String all = String.join("\n", lines);
        assertTrue(all.contains("f30.bin") && all.contains("f35.bin"), "the files being filled are shown: " + all);
        assertTrue(lines[22].contains("... and 19 more files"), lines[22]);
    }

    /** A seed's line says what it gave and the ratio (issue 21, item 10). */
    @Test
    void aSeedSaysWhatItUploadedAndItsRatio() {
        Status s = new Status("f", "00".repeat(20), 1500, 1000, skiff.swarm.TorrentState.SEEDING, 4 << 20, 4 << 20, 4 << 20, 6 << 20,
            0, 1 << 20, 2, 5, 0, 4, 4, 1, null, java.util.Map.of(), 0, -1);
        String line = Progress.line(s, 120);
        assertTrue(line.contains("seeding 4.00 MiB up 1.00 MiB/s uploaded 6.00 MiB ratio 1.50 peers 2/5"), line);
    }

    /** A check of data on disk shows how far it has come, not 0.0% until it ends (issue 21, defect 8). */
    @Test
    void aCheckShowsItsProgress() {
        Status s = new Status("big.iso", "00".repeat(20), 1500, -1, skiff.swarm.TorrentState.CHECKING, 1 << 30, 0, 0, 0, 0, 0,
            0, 3, 0, 0, 4096, 0, null, java.util.Map.of(), 0, 0.45);
        String line = Progress.line(s, 100);
        assertTrue(line.contains("checking  45.0% of the data on disk (1.00 GiB)") && line.startsWith("[#"), line);
        assertTrue(Progress.json(s, null, null).contains("\"checked_percent\":45.00"), Progress.json(s, null, null));
    }
}
