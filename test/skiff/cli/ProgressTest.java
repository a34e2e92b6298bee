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
        Status s = new Status("downloading", 1 << 20, 1 << 19, 1 << 19, 0, 1000, 0, 1, 1, 1, 8, 16, 1);
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
}
