package skiff.swarm;

import java.util.Map;
import java.util.StringJoiner;
import skiff.tracker.AnnounceResponse;
import skiff.tracker.Announcer;

/** What the trackers say, turned into peers to dial and lines for the user. Loop thread only. */
final class TrackerLink implements Announcer.Listener {
    private final PeerSet peers;
    private final Events events;
    private final Runnable dial;

    TrackerLink(PeerSet peers, Events events, Runnable dial) {
        this.peers = peers;
        this.events = events;
        this.dial = dial;
    }

    @Override
    public void announced(String url, AnnounceResponse r) {
        int added = peers.add(r.peers());
        int n = r.peers().size();
        events.info("tracker " + url + ": " + n + (n == 1 ? " peer (" : " peers (") + added + " new)"
                + (r.warning() != null ? ", warning: " + r.warning() : ""));
        events.debug("tracker " + url + ": next announce in " + r.intervalSeconds() + " s"
                + (r.minIntervalSeconds() > 0 ? ", not before " + r.minIntervalSeconds() + " s" : ""));
        dial.run();
    }

    @Override
    public void announceFailed(String url, String reason) {
        events.warn("tracker " + url + ": " + reason);
    }

    @Override
    public void allFailed(Map<String, String> lastErrors, long retryInMillis) {
        if (lastErrors.isEmpty()) {
            events.warn("this torrent lists no tracker skiff can use");
            return;
        }
        StringJoiner errors = new StringJoiner("; ");
        lastErrors.forEach((url, error) -> errors.add(url + ": " + error));
        events.warn("no tracker reachable (" + errors + "); retrying in " + retryInMillis / 1000 + " s");
    }
}
