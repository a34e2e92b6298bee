package skiff.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import skiff.loop.EventLoop;

class AnnouncerTest {
    private final long[] now = {1_000_000};

    /** A scripted tracker: answers each announce on the loop, with a failure or with an interval. */
    private static final class ScriptedTracker implements Tracker {
        private final EventLoop loop;
        final List<Event> events = new ArrayList<>();
        boolean answers;
        boolean silent;
        int cancels;

        ScriptedTracker(EventLoop loop) {
            this.loop = loop;
        }

        @Override
        public String url() {
            return "http://127.0.0.1:9/announce";
        }

        @Override
        public void announce(AnnounceRequest request, Callback<AnnounceResponse> callback) {
            events.add(request.event());
            if (silent) {
                return; // a dead UDP tracker: BEP 15's retransmissions run on for hours
            }
            loop.execute(() -> {
                if (answers) {
                    callback.succeeded(new AnnounceResponse(1800, 60, List.of(), 0, 0, null, null));
                } else {
                    callback.failed("Connection refused");
                }
            });
        }

        @Override
        public void scrape(byte[] infoHash, Callback<ScrapeResponse> callback) {
            callback.failed("no scrape");
        }

        @Override
        public void cancel() {
            cancels++;
        }
    }

    /** Moves the clock one second at a time, as the download's tick does, asking for peers each time. */
    private void tick(EventLoop loop, Announcer a, int seconds) throws Exception {
        for (int i = 0; i < seconds; i++) {
            now[0] += 1000;
            loop.runOnce(0);
            a.needPeers();
            loop.runOnce(0);
        }
    }

    private Announcer announcer(EventLoop loop, List<List<Tracker>> tiers, List<Long> retries) {
        return new Announcer(loop, tiers, new byte[20], new byte[20], 6881, new SplittableRandom(1),
            new Announcer.Stats() {
                @Override
                public long uploaded() {
                    return 0;
                }

                @Override
                public long downloaded() {
                    return 0;
                }

                @Override
                public long left() {
                    return 1;
                }
            }, new Announcer.Listener() {
                @Override
                public void announced(String url, AnnounceResponse response) {
                }

                @Override
                public void announceFailed(String url, String reason) {
                }

                @Override
                public void allFailed(Map<String, String> lastErrors, long retryInMillis) {
                    retries.add(retryInMillis);
                }
            });
    }

    @Test
    void aSilentTrackerIsLeftForTheNextAfterAMinute() throws Exception {
        EventLoop loop = new EventLoop(() -> now[0], w -> { });
        ScriptedTracker dead = new ScriptedTracker(loop);
        dead.silent = true;
        ScriptedTracker live = new ScriptedTracker(loop);
        live.answers = true;
        Announcer a = announcer(loop, List.of(List.of(dead), List.of(live)), new ArrayList<>());
        a.start();
        loop.runOnce(0);
        tick(loop, a, 59);
        assertEquals(List.of(Event.STARTED), dead.events);
        assertEquals(List.of(), live.events, "the dead tracker still has its minute");
        tick(loop, a, 1);
        assertEquals(1, dead.cancels, "its own retries are stopped");
        assertEquals(List.of(Event.STARTED), live.events, "the next tier is asked");
        loop.closeAll();
    }

    @Test
    void aTrackerThatFailedRestsWhileAnotherAnswers() throws Exception {
        EventLoop loop = new EventLoop(() -> now[0], w -> { });
        ScriptedTracker dead = new ScriptedTracker(loop);
        ScriptedTracker live = new ScriptedTracker(loop);
        live.answers = true;
        Announcer a = announcer(loop, List.of(List.of(dead), List.of(live)), new ArrayList<>());
        a.start();
        loop.runOnce(0);
        assertEquals(1, dead.events.size());
        assertEquals(List.of(Event.STARTED), live.events, "a refusing first tier falls through at once");
        tick(loop, a, 60); // the live tracker's min interval: peers running short may ask again
        assertEquals(1, dead.events.size(), "the tracker that failed rests");
        assertEquals(List.of(Event.STARTED, Event.NONE), live.events);
        tick(loop, a, (int) (Announcer.FIRST_REST_MILLIS / 1000) - 60 - 1);
        assertEquals(1, dead.events.size(), "still resting");
        tick(loop, a, 60);
        assertEquals(2, dead.events.size(), "asked again once its rest is over");
        loop.closeAll();
    }

    @Test
    void peersRunningShortNeitherSkipTheBackOffNorTheMinInterval() throws Exception {
        EventLoop loop = new EventLoop(() -> now[0], w -> { });
        ScriptedTracker t = new ScriptedTracker(loop);
        List<Long> retries = new ArrayList<>();
        Announcer a = announcer(loop, List.of(List.of(t)), retries);
        a.start();
        loop.runOnce(0);
        assertEquals(1, t.events.size());
        tick(loop, a, 14);
        assertEquals(1, t.events.size(), "no announce inside the first 15 s back-off");
        tick(loop, a, 1);
        assertEquals(2, t.events.size(), "the back-off's retry");
        tick(loop, a, 29);
        assertEquals(2, t.events.size(), "no announce inside the doubled back-off");
        t.answers = true;
        tick(loop, a, 1);
        assertEquals(List.of(Event.STARTED, Event.STARTED, Event.STARTED), t.events);
        assertEquals(List.of(15_000L, 30_000L), retries);
        tick(loop, a, 59);
        assertEquals(3, t.events.size(), "no early announce inside the tracker's min interval");
        tick(loop, a, 1);
        assertEquals(List.of(Event.STARTED, Event.STARTED, Event.STARTED, Event.NONE), t.events);
        loop.closeAll();
    }

    /** A torrent whose trackers skiff cannot use (wss:// only) completes from other peers: nothing to announce, no error. */
    @Test
    void noUsableTrackerAnnouncesNothingAndCompletesQuietly() throws Exception {
        EventLoop loop = new EventLoop(() -> now[0], w -> { throw new AssertionError("a loop error: " + w); });
        List<Long> retries = new ArrayList<>();
        List<List<Tracker>> none = List.of(List.of());
        Announcer a = announcer(loop, none, retries);
        a.start();
        assertEquals(List.of(-1L), retries, "said once that no tracker is usable");
        a.completed(); // threw IndexOutOfBoundsException, and the finished download never exited
        a.needPeers();
        boolean[] stopped = {false};
        a.stop(() -> stopped[0] = true);
        loop.runOnce(0);
        assertEquals(true, stopped[0]);
        loop.closeAll();
    }
}
