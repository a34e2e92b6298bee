package skiff.swarm;

/** How a download behaves; Main fills it from the command line. */
public record Settings(int maxPeers, int port, byte[] peerId, long connectTimeoutMillis, long tickMillis) {
    public static final long DEFAULT_CONNECT_TIMEOUT_MILLIS = 10_000;
    public static final long DEFAULT_TICK_MILLIS = 1000;
}
