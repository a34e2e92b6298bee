package skiff.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The debug log says why a connection closed in words, each reason its own. */
class CloseReasonTest {
    @Test
    void everyReasonHasItsOwnWords() {
        for (CloseReason r : CloseReason.values()) {
            assertFalse(r.words().isBlank() || r.words().contains("_"), r + ": " + r.words());
        }
        assertEquals(CloseReason.values().length, Arrays.stream(CloseReason.values()).map(CloseReason::words).distinct().count());
    }
}
