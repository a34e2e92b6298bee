package skiff.cli;

/**
 * --stop-timeout (aria2's --bt-stop-timeout): a download that gains no verified byte for so
 * long gives up, rather than wait for a swarm that is gone. Pure: the time and the bytes in.
 */
final class StopTimeout {
    private final long limitMillis;
    private long lastBytes = -1;
    private long sinceMillis;

    StopTimeout(long limitMillis) {
        this.limitMillis = limitMillis;
    }

    /** Whether {@code haveBytes} has not grown for the limit; a torrent still without metadata counts as no bytes. */
    boolean expired(long nowMillis, long haveBytes) {
        if (haveBytes != lastBytes) {
            lastBytes = haveBytes;
            sinceMillis = nowMillis;
            return false;
        }
        return nowMillis - sinceMillis >= limitMillis;
    }
}
