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
        Status s = new Status(skiff.swarm.TorrentState.DOWNLOADING, 1 << 20, 1 << 19, 1 << 19, 0, 1000, 0, 1, 1, 1, 8, 16, 1, null, java.util.Map.of(), 0);
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
        Status s = new Status(skiff.swarm.TorrentState.DOWNLOADING, 1 << 20, 1 << 19, 1 << 19, 0, 0, 0, 2, 9, 0, 8, 16, 3,
            "all 2 peers with missing pieces are choking us", java.util.Map.of("banned", 1), 4);
        String line = Progress.line(s, 200);
        assertTrue(line.endsWith("stalled: all 2 peers with missing pieces are choking us peers 2/9 seeds 0")
            || line.contains("stalled: all 2 peers with missing pieces are choking us"), line);
        String json = Progress.json(s);
        assertTrue(json.contains("\"stalled\":\"all 2 peers with missing pieces are choking us\"")
            && json.contains("\"closed_connections\":{\"banned\":1}") && json.contains("\"dropped_tracker_replies\":4"), json);
        Status fine = new Status(skiff.swarm.TorrentState.DOWNLOADING, 1 << 20, 1 << 19, 1 << 19, 0, 1000, 0, 1, 1, 1, 8, 16, 1, null, java.util.Map.of(), 0);
        assertTrue(Progress.json(fine).contains("\"stalled\":null,\"closed_connections\":{}"), Progress.json(fine));
    }
}
