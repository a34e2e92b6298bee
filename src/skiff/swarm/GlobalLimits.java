package skiff.swarm;

import java.util.function.LongSupplier;

/**
 * What every torrent of the process draws on together: connections (libtorrent's
 * connections_limit; each torrent has its own --max-peers below it), the upload rate and the
 * download rate. Loop thread only.
 */
public final class GlobalLimits {
    /** libtorrent's default connections_limit. */
    public static final int DEFAULT_MAX_CONNECTIONS = 200;

    private final int maxConnections;
    private final RateBucket upload;
    private final RateBucket download;
    private int connections;

    /** {@code uploadBytesPerSec}, {@code downloadBytesPerSec}: 0 for no limit. */
    public GlobalLimits(int maxConnections, long uploadBytesPerSec, long downloadBytesPerSec, LongSupplier clockMillis) {
        this.maxConnections = maxConnections;
        this.upload = new RateBucket(uploadBytesPerSec, clockMillis);
        this.download = new RateBucket(downloadBytesPerSec, clockMillis);
    }

    /** No limits but the default connection cap: one torrent on its own (tests, the simulation). */
    public static GlobalLimits none(LongSupplier clockMillis) {
        return new GlobalLimits(Integer.MAX_VALUE, 0, 0, clockMillis);
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
        return upload.limited();
    }

    /** Takes {@code bytes} of upload allowance; false (nothing taken) when the bucket holds less. */
    boolean takeUpload(int bytes) {
        return upload.take(bytes);
    }

    boolean downloadLimited() {
        return download.limited();
    }

    /**
     * How many of {@code wanted} requests of {@code blockBytes} each the download limit allows now,
     * taken from its allowance: the limit holds back what we ask for, so peers send no faster.
     */
    int takeDownloadBlocks(int wanted, int blockBytes) {
        int n = (int) Math.min(wanted, download.available() / blockBytes);
        if (n > 0) {
            download.take((long) n * blockBytes);
        }
        return n;
    }

    /** Gives back allowance taken for requests that were not made. */
    void returnDownloadBlocks(int n, int blockBytes) {
        download.refund((long) n * blockBytes);
    }
}
