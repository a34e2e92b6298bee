package skiff.swarm;

import skiff.peer.PeerConnection;

/**
 * Bytes moved, for the trackers and the status line, and the swarm's rates, smoothed tick by
 * tick. Loop thread only.
 */
final class Traffic {
    private long downloaded;
    private long uploaded;
    private double downRate;
    private double upRate;
    private long tickDown;
    private long tickUp;

    /** A block we asked for arrived. */
    void received(int bytes) {
        downloaded += bytes;
    }

    /** One connection at a tick: its own rates, and its share of the swarm's. */
    void sample(PeerConnection<PeerState> c, PeerState s, double seconds) {
        tickDown += s.sampleDown(c.bytesDownloaded(), seconds);
        tickUp += s.sampleUp(c.bytesUploaded(), seconds);
    }

    /** Once every connection is sampled. */
    void endTick(double seconds) {
        downRate = downRate * 0.6 + 0.4 * tickDown / seconds;
        upRate = upRate * 0.6 + 0.4 * tickUp / seconds;
        uploaded += tickUp;
        tickDown = 0;
        tickUp = 0;
    }

    /** A connection closing: what it uploaded since its last sample still counts. */
    void closed(PeerConnection<PeerState> c, PeerState s) {
        uploaded += c.bytesUploaded() - s.lastUpBytes;
        s.lastUpBytes = c.bytesUploaded();
    }

    long downloaded() {
        return downloaded;
    }

    long uploaded() {
        return uploaded;
    }

    double downRate() {
        return downRate;
    }

    double upRate() {
        return upRate;
    }
}
