package skiff.swarm;

import java.util.Collection;
import skiff.peer.PeerConnection;

/**
 * Says why a download is stuck, so that a stall is never silent: when no block has arrived for a
 * while although peers are connected, it names the likeliest reason from what the peers declared.
 * Checked on the download's tick. Loop thread only.
 */
final class StallWatch {
    /** No block for this long, with peers connected, is a stall worth a word. */
    static final long NOTICE_MILLIS = 30_000;
    /** Hash failures within this window count as "pieces keep failing". */
    static final long FAILURE_WINDOW_MILLIS = 60_000;
    static final int FAILURES_THAT_KEEP_FAILING = 2;

    private final long[] failureMillis = new long[FAILURES_THAT_KEEP_FAILING];
    private int failures;
    private String reason;

    /** A piece failed its hash check at {@code nowMillis}. */
    void failed(long nowMillis) {
        failureMillis[failures++ % failureMillis.length] = nowMillis;
    }

    /** The current reason, or null while blocks arrive (or nobody is connected: that has its own warning). */
    String reason() {
        return reason;
    }

    /**
     * Re-judges at {@code now} and, when the reason is new, says it once: a warning, and at DEBUG each
     * connection's state and the missing pieces with their retry owners (what found a liar holding one).
     */
    void report(long now, long lastBlockMillis, Collection<PeerConnection<PeerState>> connections, Picker<PeerConnection<PeerState>> picker, Events events) {
        String stall = check(now, lastBlockMillis, connections, picker);
        if (stall == null) {
            return;
        }
        events.warn("no data for " + (now - lastBlockMillis) / 1000 + " s: " + stall);
        if (events.debugging()) {
            for (PeerConnection<PeerState> c : connections) {
                PeerState s = c.state();
                events.debug(c + ": " + (c.peerChoking() ? "choking" : "unchoking") + " us, we are "
                        + (c.amInterested() ? "" : "not ") + "interested, " + s.requests.size() + " requests out"
                        + (s.snubbedUntilMillis > now ? ", snubbed" : "") + ", " + s.goodPieces + " good pieces, has "
                        + c.peerPieces().count() + "; missing pieces: " + picker.missingSummary());
            }
        }
    }

    /**
     * Re-judges at {@code now}; returns the reason when it is new (to be logged once), else null.
     * {@code lastBlockMillis}: when any peer last sent a block we asked for.
     */
    String check(long now, long lastBlockMillis, Collection<PeerConnection<PeerState>> connections, Picker<PeerConnection<PeerState>> picker) {
        String next = now - lastBlockMillis < NOTICE_MILLIS ? null : judge(now, connections, picker);
        boolean changed = next != null && !next.equals(reason);
        reason = next;
        return changed ? next : null;
    }

    private String judge(long now, Collection<PeerConnection<PeerState>> connections, Picker<PeerConnection<PeerState>> picker) {
        int peers = 0;
        int having = 0;
        int unchoking = 0;
        for (PeerConnection<PeerState> c : connections) {
            if (!c.handshakeDone()) {
                continue;
            }
            peers++;
            if (picker.wants(c.peerPieces())) {
                having++;
                if (!c.peerChoking()) {
                    unchoking++;
                }
            }
        }
        if (peers == 0) {
            return null;
        }
        if (failures >= FAILURES_THAT_KEEP_FAILING && now - oldestRecentFailure() <= FAILURE_WINDOW_MILLIS) {
            return "pieces keep failing their hash check";
        }
        if (having == 0) {
            return "no connected peer has the missing pieces (" + peers + (peers == 1 ? " peer)" : " peers)");
        }
        if (unchoking == 0) {
            return having == 1 ? "the one peer with missing pieces is choking us"
                : "all " + having + " peers with missing pieces are choking us";
        }
        return unchoking == 1 ? "the peer unchoking us sends nothing" : "the " + unchoking + " peers unchoking us send nothing";
    }

    private long oldestRecentFailure() {
        long oldest = Long.MAX_VALUE;
        for (long t : failureMillis) {
            oldest = Math.min(oldest, t);
        }
        return oldest;
    }
}
