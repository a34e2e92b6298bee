package skiff.swarm;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import skiff.peer.CloseReason;

/** Connections closed, per reason, over a download's run: what --json and the debug log show. */
final class CloseCounts {
    private final int[] counts = new int[CloseReason.values().length];

    void count(CloseReason reason) {
        counts[reason.ordinal()]++;
    }

    /** The non-zero counts, by reason in lower case, in the enum's order. */
    Map<String, Integer> asMap() {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (CloseReason r : CloseReason.values()) {
            if (counts[r.ordinal()] > 0) {
                out.put(r.name().toLowerCase(Locale.ROOT), counts[r.ordinal()]);
            }
        }
        return out;
    }
}
