package skiff.swarm;

/**
 * The swarm's bookkeeping for one connection, carried by it ({@code PeerConnection.state()}):
 * requests in flight and measured rates. Public as a type only; its members are the swarm's.
 */
public final class PeerState {
    static final int INITIAL_QUEUE_DEPTH = 16;
    static final int MIN_QUEUE_DEPTH = 4;
    /**
     * A web seed's first queue, and its most: a web server is seldom slow, and a far one needs its
     * rate times the round trip asked at once. At 100 ms, 256 MiB from nginx took 6.0 s with a
     * peer's queue (requests pipelined); starting at 2 MiB, 4.9 s; growing to 32 MiB too, 2.7-2.9 s
     * (aria2 2.8, libtorrent 3.1).
     */
    static final int WEB_SEED_QUEUE_DEPTH = 128;
    static final int WEB_SEED_MAX_QUEUE_DEPTH = 2048;
    /** libtorrent's default max_out_request_queue; plenty for loopback rates. */
    static final int MAX_QUEUE_DEPTH = 500;
    /** Keep this many seconds of data in flight per peer, so round trips never hold a fast peer back. */
    static final double QUEUE_SECONDS = 3.0;

    /** Requests out to this peer: block keys with the time each was sent. */
    final Requests requests = new Requests();
    /** Smoothed rates in bytes per second. */
    double downRateBytesPerSec;
    double upRateBytesPerSec;
    long lastDownBytes;
    long lastUpBytes;
    /** Requests to keep in flight; grows with the measured rate, up to {@code maxQueueDepth}. */
    int queueDepth = INITIAL_QUEUE_DEPTH;
    int maxQueueDepth = MAX_QUEUE_DEPTH;
    /** The peer has sent nothing we asked for in a while: its requests went to others. */
    long snubbedUntilMillis;
    /** Requests for pieces we lack or oversized ones; too many and the peer goes. */
    int invalidRequests;
    /** BEP 6 rejects since this peer last rested. */
    int rejects;
    /** Pieces that verified with blocks from this peer: the evidence that it serves real data. */
    int goodPieces;
    /** When we last unchoked this peer, or kept it unchoked in a round: the optimistic slot goes to the longest waiting. */
    long lastUnchokedMillis = Long.MIN_VALUE;
    /** When this peer's current unchoke began, and our upload to it then: its rate before a tick measures it. */
    long servedSinceMillis = Long.MIN_VALUE;
    long upBytesAtUnchoke;
    /** When a block we asked this peer for last arrived. */
    long lastBlockMillis;

    /** Peer exchange (BEP 11): the peers we told this one about, when we last did, when it last told us. */
    final java.util.Set<java.net.InetSocketAddress> pexSent = Pex.newSentSet();
    long pexSentMillis = -1;
    long pexReceivedMillis = -1;

    PeerState() {
    }

    /** Takes the tick's download sample: smooths the rate and grows the queue to match it. Returns the bytes. */
    long sampleDown(long totalBytes, double seconds) {
        long bytes = totalBytes - lastDownBytes;
        lastDownBytes = totalBytes;
        downRateBytesPerSec = downRateBytesPerSec * 0.6 + 0.4 * bytes / seconds;
        queueDepth = (int) Math.max(MIN_QUEUE_DEPTH, Math.min(maxQueueDepth,
                Math.max(queueDepth, downRateBytesPerSec * QUEUE_SECONDS / skiff.peer.Wire.BLOCK_BYTES)));
        return bytes;
    }

    long sampleUp(long totalBytes, double seconds) {
        long bytes = totalBytes - lastUpBytes;
        lastUpBytes = totalBytes;
        upRateBytesPerSec = upRateBytesPerSec * 0.6 + 0.4 * bytes / seconds;
        return bytes;
    }

    boolean has(long key) {
        return requests.contains(key);
    }

    /**
     * Whether this peer has answered none of our requests for {@code millis}: its oldest one is
     * that old and no block has come since.
     */
    boolean stalled(long now, long millis) {
        return !requests.isEmpty() && now - requests.oldestMillis() > millis
                && now - lastBlockMillis > millis;
    }
}
