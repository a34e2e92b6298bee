package skiff.dht;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * Answers per source address: a token bucket each, refilled by the clock, so one address cannot
 * make us its amplifier or spend our upload. Bounded: when too many addresses are tracked, the
 * table starts afresh (a flood from many addresses still meets the per-address limit).
 */
final class RateLimit {
    /** Queries per second an address may have answered, and the burst it may bank. */
    static final double PER_SECOND = 10;
    static final double BURST = 20;
    static final int MAX_ADDRESSES = 4096;

    private static final class Bucket {
        double tokens = BURST;
        long refilledMillis;
    }

    private final Map<InetAddress, Bucket> buckets = new HashMap<>();

    boolean allow(InetAddress from, long now) {
        Bucket b = buckets.get(from);
        if (b == null) {
            if (buckets.size() >= MAX_ADDRESSES) {
                buckets.clear();
            }
            b = new Bucket();
            b.refilledMillis = now;
            buckets.put(from, b);
        }
        b.tokens = Math.min(BURST, b.tokens + (now - b.refilledMillis) * PER_SECOND / 1000);
        b.refilledMillis = now;
        if (b.tokens < 1) {
            return false;
        }
        b.tokens--;
        return true;
    }
}
