package skiff.peer;

/**
 * What one connection has moved and when: what the swarm turns into rates and timeouts. Written
 * by the connection and its inbox only; read by anyone. Loop thread only.
 */
public final class PeerCounters {
    long bytesDownloaded;
    long bytesUploaded;
    long lastReceiveMillis;
    long lastSendMillis;
    private final long createdMillis;
    /** Requests dropped because the peer had the most we queue already. */
    long droppedRequests;
    /** BEP 6 rejects sent to the peer. */
    long rejectsSent;

    PeerCounters(long nowMillis) {
        this.createdMillis = nowMillis;
        this.lastReceiveMillis = nowMillis;
        this.lastSendMillis = nowMillis;
    }

    /** Payload and message bytes received. */
    public long bytesDownloaded() {
        return bytesDownloaded;
    }

    public long bytesUploaded() {
        return bytesUploaded;
    }

    public long lastReceiveMillis() {
        return lastReceiveMillis;
    }

    public long lastSendMillis() {
        return lastSendMillis;
    }

    public long createdMillis() {
        return createdMillis;
    }

    public long droppedRequests() {
        return droppedRequests;
    }

    public long rejectsSent() {
        return rejectsSent;
    }
}
