package skiff.utp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** uTP's window and timeouts on their own: slow start, a loss, a timeout, the backoff, the probe's wait. */
class CongestionTest {
    private static final int PACKET = 1400;

    /** {@code n} round trips' worth of acks, each for a full window, with no queuing delay. */
    private static void roundTrips(Congestion c, int n) {
        for (int i = 0; i < n; i++) {
            long w = c.window();
            for (long acked = 0; acked < w; acked += PACKET) {
                c.acked(PACKET, true);
            }
        }
    }

    @Test
    void aTimeoutStartsSlowStartAgainUpToHalfTheWindowBefore() {
        Congestion c = new Congestion(PACKET);
        roundTrips(c, 6);
        long before = c.window();
        assertEquals(2 * PACKET << 6, before, "slow start doubles each round trip");
        c.timedOut();
        assertEquals(PACKET, c.window());
        roundTrips(c, 1);
        assertEquals(2 * PACKET, c.window(), "slow start again");
        roundTrips(c, 10);
        long grown = c.window() - before / 2;
        assertTrue(grown >= 0 && grown <= 10 * Congestion.MAX_CWND_INCREASE_BYTES_PER_RTT,
            "doubling up to half the window before, LEDBAT's step after: " + c.window() + " against " + before);
    }

    @Test
    void aLossHalvesTheWindowAndEndsSlowStart() {
        Congestion c = new Congestion(PACKET);
        roundTrips(c, 5);
        long before = c.window();
        c.lost();
        assertEquals(before / 2, c.window());
        roundTrips(c, 1);
        assertTrue(c.window() - before / 2 <= Congestion.MAX_CWND_INCREASE_BYTES_PER_RTT, "no doubling: " + c.window());
    }

    @Test
    void theTimeoutBacksOffUntilSomethingIsAcknowledged() {
        Congestion c = new Congestion(PACKET);
        c.rttSample(40_000);
        assertEquals(Congestion.MIN_RTO_MILLIS, c.rtoMillis());
        c.timedOut();
        c.timedOut();
        c.timedOut();
        assertEquals(8 * Congestion.MIN_RTO_MILLIS, c.rtoMillis());
        c.progressed();
        assertEquals(Congestion.MIN_RTO_MILLIS, c.rtoMillis(), "the estimate again once the path works");
        for (int i = 0; i < 40; i++) {
            c.timedOut();
        }
        assertEquals(Congestion.MAX_RTO_MILLIS, c.rtoMillis());
    }

    @Test
    void theProbeWaitsTwoRoundTripsOnceTheRoundTripIsKnown() {
        Congestion c = new Congestion(PACKET);
        assertEquals(Long.MAX_VALUE, c.probeMillis());
        c.rttSample(42_000);
        assertEquals(84, c.probeMillis());
        Congestion lan = new Congestion(PACKET);
        lan.rttSample(300);
        assertEquals(Congestion.MIN_PROBE_MILLIS, lan.probeMillis());
    }
}
