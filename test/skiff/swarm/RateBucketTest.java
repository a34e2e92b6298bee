package skiff.swarm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The rate limits' bucket, on an injected clock; and the download limit counted in requests. */
class RateBucketTest {
    private long now = 1_000;

    @Test
    void aBucketEarnsByTheClockAndBanksOneSecondAtMost() {
        RateBucket b = new RateBucket(1000, () -> now);
        assertFalse(b.take(1), "empty at the start");
        now += 500;
        assertEquals(500, b.available());
        assertTrue(b.take(400));
        assertFalse(b.take(101));
        now += 60_000;
        assertEquals(1000, b.available(), "a second's worth, not a minute's");
        b.refund(5000);
        assertEquals(1000, b.available());
        RateBucket none = new RateBucket(0, () -> now);
        assertFalse(none.limited());
        assertTrue(none.take(Long.MAX_VALUE / 2));
    }

    @Test
    void theDownloadLimitAllowsAsManyRequestsAsItsAllowanceBuys() {
        GlobalLimits l = new GlobalLimits(10, 0, 64 << 10, () -> now); // 4 blocks a second
        now += 1000;
        assertEquals(3, l.takeDownloadBlocks(3, 16 << 10));
        assertEquals(1, l.takeDownloadBlocks(10, 16 << 10));
        assertEquals(0, l.takeDownloadBlocks(10, 16 << 10));
        l.returnDownloadBlocks(2, 16 << 10);
        assertEquals(2, l.takeDownloadBlocks(10, 16 << 10));
        now += 250;
        assertEquals(1, l.takeDownloadBlocks(10, 16 << 10), "a quarter second buys one block");
        assertFalse(GlobalLimits.none(() -> now).downloadLimited());
    }
}
