package skiff.swarm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The status line's download rate: measured from the transfer's start, live between ticks, over a few seconds. */
class TrafficTest {
    @Test
    void theRateStartsWithTheTransferAndIsLiveBetweenTicks() {
        Traffic t = new Traffic();
        t.start(0);
        for (long now = 1000; now <= 10_000; now += 1000) {
            t.endTick(1.0, now); // ten idle seconds: they must not dilute what comes after
        }
        assertEquals(0, t.downRate(10_000), 0.001);
        t.received(16384);
        assertEquals(0, t.downRate(10_100), 0.001, "one block in 100 ms is no rate yet");
        for (int i = 0; i < 63; i++) {
            t.received(16384);
        }
        assertEquals(2 << 20, t.downRate(10_500), 1, "1 MiB in the half second since the tick: 2 MiB/s, before the next tick");
        t.endTick(1.0, 11_000);
        assertEquals(1 << 20, t.downRate(11_000), 1);
        for (long now = 12_000; now <= 16_000; now += 1000) {
            t.endTick(1.0, now); // the peer stops sending
        }
        assertEquals(0, t.downRate(16_000), 0.001, "after a window without data the rate is 0 again");
    }
}
