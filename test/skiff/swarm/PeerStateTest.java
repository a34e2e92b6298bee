package skiff.swarm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PeerStateTest {
    @Test
    void aPeerIsStalledOnlyWhenItsOldestRequestAndItsLastBlockAreBothOld() {
        PeerState s = new PeerState();
        assertFalse(s.stalled(100_000, 15_000), "no requests, nothing to stall");
        s.requests.add(Picker.key(0, 0), 80_000L);
        s.requests.add(Picker.key(0, 1), 95_000L);
        assertTrue(s.stalled(100_000, 15_000), "asked 20 s ago, never answered");
        s.lastBlockMillis = 90_000;
        assertFalse(s.stalled(100_000, 15_000), "a block 10 s ago: slow, not stalled");
        assertFalse(s.stalled(94_000, 15_000), "the oldest request is only 14 s old");
        List<Long> expired = new ArrayList<>();
        assertEquals(2, s.requests.expire(100_000, expired::add), "a stalled peer loses every request at once");
        assertEquals(List.of(Picker.key(0, 0), Picker.key(0, 1)), expired);
        assertTrue(s.requests.isEmpty());
    }
}
