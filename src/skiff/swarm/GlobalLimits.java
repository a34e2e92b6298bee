package skiff.swarm;

import java.util.function.LongSupplier;

/**
 * What every torrent of the process draws on together: connections (libtorrent's
 * connections_limit; each torrent has its own --max-peers below it) and the upload rate, a token
 * bucket refilled by the clock whoever asks. Loop thread only.
 */
public final class GlobalLimits {
    /** libtorrent's default connections_limit. */
    public static final int DEFAULT_MAX_CONNECTIONS = 200;

    private final int maxConnections;
    private final long uploadBytesPerSec;
    private final LongSupplier clock;
    private int connections;
    private long tokens;
    private long refilledMillis;

    /** {@code uploadBytesPerSec}: 0 for no limit. */
    public GlobalLimits(int maxConnections, long uploadBytesPerSec, LongSupplier clockMillis) {
        this.maxConnections = maxConnections;
        this.uploadBytesPerSec = uploadBytesPerSec;
        this.clock = clockMillis;
        this.refilledMillis = clockMillis.getAsLong();
    }

    /** No limits but the default connection cap: one torrent on its own (tests, the simulation). */
    public static GlobalLimits none(LongSupplier clockMillis) {
        return new GlobalLimits(Integer.MAX_VALUE, 0, clockMillis);
    }

    /** Room for {@code n} more connections in the process. */
    int connectionRoom() {
        return maxConnections - connections;
    }

    void opened() {
        connections++;
    }

    void closed() {
        connections--;
    }

    public int connections() {
        return connections;
    }

    boolean uploadLimited() {
        return uploadBytesPerSec > 0;
    }

    /** Takes {@code bytes} of upload allowance; false (nothing taken) when the bucket holds less. */
    boolean takeUpload(int bytes) {
        if (uploadBytesPerSec <= 0) {
            return true;
        }
        long now = clock.getAsLong();
        long earned = uploadBytesPerSec * (now - refilledMillis) / 1000;
        if (earned > 0) { // a slow rate asked often still earns: the time is kept until it buys a byte
            // at most one second's worth banked: a burst after an idle minute stays a second's
            tokens = Math.min(uploadBytesPerSec, tokens + earned);
            refilledMillis = now;
        }
        if (tokens < bytes) {
            return false;
        }
        tokens -= bytes;
        return true;
    }
}
