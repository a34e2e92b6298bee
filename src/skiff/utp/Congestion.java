package skiff.utp;

/**
 * uTP's congestion window (BEP 29, LEDBAT): the window grows while the one-way delay our packets
 * meet stays under the target and shrinks once a queue builds, so uTP yields to TCP and to the
 * user's other traffic. Slow start doubles the window each round trip until the delay reaches half
 * the target, a loss halves it, a timeout brings it down to one packet and starts slow start again
 * up to half the window it had (TCP's slow-start threshold; libtorrent does the same), so one
 * timeout costs a few round trips instead of the hundred that growing by LEDBAT's step would take.
 * Also the round-trip time and the retransmission timeout, which backs off while timeouts come in
 * a row and returns to the estimate as soon as anything new is acknowledged (as libtorrent's).
 * Pure: times are passed in.
 */
final class Congestion {
    /** LEDBAT's target queuing delay: libtorrent and libutp use 100 ms. */
    static final int TARGET_MICROS = 100_000;
    /** BEP 29: the window grows at most this much per round trip once off slow start. */
    static final int MAX_CWND_INCREASE_BYTES_PER_RTT = 3000;
    /** BEP 29: the timeout never drops below 500 ms, and starts at 1 s. */
    static final long MIN_RTO_MILLIS = 500;
    static final long INITIAL_RTO_MILLIS = 1000;
    /** A tail-loss probe waits at least this long (a delayed ack may take a few milliseconds). */
    static final long MIN_PROBE_MILLIS = 10;
    /** Backed-off timeouts stop growing here. */
    static final long MAX_RTO_MILLIS = 60_000;
    /** The window never grows past this: the send buffer holds at most so much. */
    static final long MAX_WINDOW_BYTES = 1 << 19;
    /** BEP 29: the base delay is the lowest seen over the last two minutes, kept in one-minute buckets. */
    static final long DELAY_BUCKET_MILLIS = 60_000;
    /** The queuing delay is the lowest of the last few samples, so that one late packet is not a queue. */
    static final int DELAY_SAMPLES = 3;

    private final int packetBytes;
    private long window;
    private boolean slowStart = true;
    /** Slow start ends at this window: half the window a timeout or a loss found. */
    private long slowStartThreshold = Long.MAX_VALUE;
    private int rttMicros;
    private int rttVarMicros;
    private boolean rttKnown;
    /** The timeout the round-trip estimate gives; {@link #backoffs} doubles it. */
    private long estimatedRtoMillis = INITIAL_RTO_MILLIS;
    private int backoffs;
    // base delay: the lowest sample in this minute and in the one before
    private int baseNow;
    private int basePrevious;
    private boolean baseKnown;
    private long bucketStartMillis;
    private final int[] recent = new int[DELAY_SAMPLES];
    private int recentCount;
    private int recentNext;

    Congestion(int packetBytes) {
        this.packetBytes = packetBytes;
        this.window = 2L * packetBytes;
    }

    long window() {
        return window;
    }

    long rtoMillis() {
        return Math.min(MAX_RTO_MILLIS, estimatedRtoMillis << Math.min(backoffs, 16));
    }

    /**
     * The peer's view of how long our packet took (its receive time less our timestamp, on two
     * unrelated clocks: only differences mean anything). 0 means the peer had no sample.
     */
    void delaySample(int differenceMicros, long nowMillis) {
        if (differenceMicros == 0) {
            return;
        }
        if (!baseKnown) {
            baseNow = basePrevious = differenceMicros;
            bucketStartMillis = nowMillis;
            baseKnown = true;
        } else if (nowMillis - bucketStartMillis >= DELAY_BUCKET_MILLIS) {
            basePrevious = baseNow;
            baseNow = differenceMicros;
            bucketStartMillis = nowMillis;
        } else if (differenceMicros - baseNow < 0) { // wrapping comparison: the clocks are 32-bit
            baseNow = differenceMicros;
        }
        recent[recentNext] = differenceMicros;
        recentNext = (recentNext + 1) % DELAY_SAMPLES;
        recentCount = Math.min(recentCount + 1, DELAY_SAMPLES);
    }

    /** The queuing delay now: the lowest recent sample above the base, in microseconds. */
    int queuingDelayMicros() {
        if (recentCount == 0) {
            return 0;
        }
        int base = baseNow - basePrevious < 0 ? baseNow : basePrevious;
        int lowest = Integer.MAX_VALUE;
        for (int i = 0; i < recentCount; i++) {
            lowest = Math.min(lowest, Math.max(0, recent[i] - base));
        }
        return lowest;
    }

    /**
     * {@code bytes} newly acknowledged. {@code windowLimited}: whether sending was held back by
     * the window; a sender with nothing to send proves nothing about the path, so its window stays.
     */
    void acked(int bytes, boolean windowLimited) {
        int delay = queuingDelayMicros();
        if (slowStart) {
            if (delay > TARGET_MICROS / 2) {
                slowStart = false;
            } else if (windowLimited) {
                window += bytes;
                if (window >= slowStartThreshold) {
                    window = slowStartThreshold;
                    slowStart = false;
                }
            }
        }
        if (!slowStart) {
            double offTarget = Math.max(-1.0, Math.min(1.0, (TARGET_MICROS - delay) / (double) TARGET_MICROS));
            double windowFactor = Math.min(bytes, window) / (double) Math.max(bytes, window);
            double gain = MAX_CWND_INCREASE_BYTES_PER_RTT * offTarget * windowFactor;
            if (gain < 0 || windowLimited) {
                window += (long) gain;
            }
        }
        window = Math.max(packetBytes, Math.min(MAX_WINDOW_BYTES, window));
    }

    /**
     * How long a flight may go without an ack before its newest packet is sent again as a probe:
     * two round trips (a tail-loss probe, RFC 8985), or none before the round trip is known.
     */
    long probeMillis() {
        return rttKnown ? Math.max(MIN_PROBE_MILLIS, 2L * rttMicros / 1000) : Long.MAX_VALUE;
    }

    /** A packet sent once was acknowledged after {@code micros}: BEP 29's smoothed round trip. */
    void rttSample(long micros) {
        int sample = (int) Math.min(Integer.MAX_VALUE / 2, Math.max(0, micros));
        if (!rttKnown) {
            rttMicros = sample;
            rttVarMicros = sample / 2;
            rttKnown = true;
        } else {
            int delta = rttMicros - sample;
            rttVarMicros += (Math.abs(delta) - rttVarMicros) / 4;
            rttMicros += (sample - rttMicros) / 8;
        }
        estimatedRtoMillis = Math.max(MIN_RTO_MILLIS, (rttMicros + 4L * rttVarMicros) / 1000);
    }

    /** Something new was acknowledged: the path works, the timeout is the estimate's again. */
    void progressed() {
        backoffs = 0;
    }

    /** A packet was lost (three later packets acknowledged): half the window, once per round trip. */
    void lost() {
        slowStart = false;
        window = Math.max(packetBytes, window / 2);
        slowStartThreshold = Math.max(2L * packetBytes, window);
    }

    /**
     * Nothing acknowledged for a whole timeout: one packet's window, slow start again up to half
     * the window before, and the timeout doubled until something is acknowledged.
     */
    void timedOut() {
        slowStartThreshold = Math.max(2L * packetBytes, window / 2);
        window = packetBytes;
        slowStart = true;
        backoffs++;
    }
}
