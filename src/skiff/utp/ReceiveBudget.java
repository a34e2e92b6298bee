package skiff.utp;

/**
 * Received bytes held by all of an endpoint's connections together, unread or past a gap. Each
 * connection may hold a window of its own, but hundreds of peers that send past a gap they never
 * fill (or to a reader that waits) would otherwise hold hundreds of windows in a 32 MiB heap:
 * past the cap, packets are dropped (their senders send them again) and windows offered shrink.
 */
final class ReceiveBudget {
    /** Sixteen full windows: far more than the connections that are busy at once. */
    static final long MAX_BYTES = 4L << 20;

    private final long max;
    private long held;

    ReceiveBudget() {
        this(MAX_BYTES);
    }

    ReceiveBudget(long max) {
        this.max = max;
    }

    /** Bytes that may still be held. */
    long room() {
        return Math.max(0, max - held);
    }

    long held() {
        return held;
    }

    /** A connection's holding changed by {@code delta} bytes. */
    void add(long delta) {
        held += delta;
    }
}
