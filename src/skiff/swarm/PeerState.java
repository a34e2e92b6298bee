package skiff.swarm;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/** The swarm's bookkeeping for one connection: requests in flight and measured rates. */
final class PeerState {
    /** Requests out to this peer: block key to the time it was sent. */
    final LinkedHashMap<Long, Long> requests = new LinkedHashMap<>();
    /** Smoothed rates in bytes per second. */
    double downRateBytesPerSec;
    double upRateBytesPerSec;
    long lastDownBytes;
    long lastUpBytes;
    /** Requests to keep in flight; grows with the measured rate. */
    int queueDepth = Download.INITIAL_QUEUE_DEPTH;
    /** The peer has sent nothing we asked for in a while: its requests went to others. */
    long snubbedUntilMillis;
    /** Requests for pieces we lack or oversized ones; too many and the peer goes. */
    int invalidRequests;

    boolean has(long key) {
        return requests.containsKey(key);
    }

    /** Removes and returns requests older than {@code cutoffMillis}. */
    int expire(long cutoffMillis, Map<Long, Long> into) {
        int n = 0;
        Iterator<Map.Entry<Long, Long>> it = requests.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Long, Long> e = it.next();
            if (e.getValue() <= cutoffMillis) {
                into.put(e.getKey(), e.getValue());
                it.remove();
                n++;
            }
        }
        return n;
    }
}
