package skiff.swarm;

import java.util.function.LongSupplier;

/**
 * A token bucket for a rate limit, refilled by the clock whoever asks; at most one second's worth
 * is banked, so a burst after an idle minute stays a second's. Rate 0: no limit. Loop thread only.
 */
final class RateBucket {
    private final long bytesPerSec;
    private final LongSupplier clock;
    private long tokens;
    private long refilledMillis;

    RateBucket(long bytesPerSec, LongSupplier clockMillis) {
        this.bytesPerSec = bytesPerSec;
        this.clock = clockMillis;
        this.refilledMillis = clockMillis.getAsLong();
    }

    boolean limited() {
        return bytesPerSec > 0;
    }

    /** The bytes the bucket holds now (Long.MAX_VALUE without a limit). */
    long available() {
        if (bytesPerSec <= 0) {
            return Long.MAX_VALUE;
        }
        long now = clock.getAsLong();
        long earned = bytesPerSec * (now - refilledMillis) / 1000;
        if (earned > 0) { // a slow rate asked often still earns: the time is kept until it buys a byte
            tokens = Math.min(bytesPerSec, tokens + earned);
            refilledMillis = now;
        }
        return tokens;
    }

    /** Takes {@code bytes}; false (nothing taken) when the bucket holds less. */
    boolean take(long bytes) {
        if (available() < bytes) {
            return false;
        }
        if (bytesPerSec > 0) {
            tokens -= bytes;
        }
        return true;
    }

    /** Gives back what was taken and not used. */
    void refund(long bytes) {
        if (bytesPerSec > 0) {
            tokens = Math.min(bytesPerSec, tokens + bytes);
        }
    }
}
