package skiff.swarm;

import java.net.InetAddress;
import skiff.storage.DiskIo;

/**
 * How a download behaves; Main fills it from the command line. Zero means "no limit" for the
 * upload rate, seed ratio and seed time.
 */
public record Settings(int maxPeers, InetAddress bindAddress, int port, byte[] peerId, long connectTimeoutMillis,
                       long tickMillis, int unchokeSlots, long uploadLimitBytesPerSec, boolean seed, double seedRatio,
                       long seedTimeMillis, DiskIo diskIo) {
    public static final long DEFAULT_CONNECT_TIMEOUT_MILLIS = 10_000;
    public static final long DEFAULT_TICK_MILLIS = 1000;
    /** BEP 3's customary four upload slots. */
    public static final int DEFAULT_UNCHOKE_SLOTS = 4;
}
