package skiff.tracker;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.IdentityHashMap;
import java.util.random.RandomGenerator;
import skiff.loop.EventLoop;
import skiff.loop.Timer;

/**
 * The announce lifecycle of one torrent over its tracker tiers (BEP 12): `started` first, then
 * regular announces at the tracker's interval, an earlier one when peers run short, `completed`
 * once, `stopped` on shutdown. Trackers are shuffled within a tier once; one that answers moves to
 * the front of its tier; failures, and a minute's silence, fall through the tier, then to the next
 * tier; when all fail, the whole list is tried again after an exponential back-off. A tracker that
 * failed rests a while, passed over by the rounds in which another tracker may answer.
 */
public final class Announcer {
    /** Peers asked for per announce; 50 is BEP 3's default and what most clients send. */
    static final int NUM_WANT = 50;
    /** Back-off after every tracker failed: doubles from here up to the cap. */
    static final long FIRST_BACKOFF_MILLIS = 15_000;
    static final long MAX_BACKOFF_MILLIS = 30 * 60_000;
    /**
     * A tracker silent this long is given up for the round and the next one is tried: BEP 15's own
     * retransmissions would wait over two hours on a dead UDP tracker, with a live one waiting behind
     * it in the tier. 60 s holds three UDP tries (at 0, 15 and 45 s); Transmission gives 60 s too.
     */
    static final long ATTEMPT_TIMEOUT_MILLIS = 60_000;
    /**
     * A tracker that failed rests this long (doubling to the back-off's cap) before a round asks it
     * again, while another tracker may answer: rounds start at the first tier (BEP 12), and torrents
     * often list dead trackers there, each of which would cost every round up to a minute.
     */
    static final long FIRST_REST_MILLIS = 5 * 60_000;

    /** What the torrent reports in each announce. */
    public interface Stats {
        long uploaded();

        long downloaded();

        long left();
    }

    /** What the swarm and the user hear. Called on the loop thread. */
    public interface Listener {
        void announced(String url, AnnounceResponse response);

        void announceFailed(String url, String reason);

        /** Every tracker failed in a round; {@code lastErrors} maps url to its last error. */
        void allFailed(Map<String, String> lastErrors, long retryInMillis);
    }

    private final EventLoop loop;
    private final List<List<Tracker>> tiers;
    private final byte[] infoHash;
    private final byte[] peerId;
    private final int port;
    private final int key;
    private final Stats stats;
    private final Listener listener;
    private final Map<Tracker, Boolean> started = new IdentityHashMap<>();
    private final Map<String, String> lastErrors = new java.util.LinkedHashMap<>();
    /** Per tracker that failed lately: when its rest ends, and the next rest. */
    private final Map<Tracker, long[]> resting = new IdentityHashMap<>();
    /** This round passes over resting trackers: some tracker was awake when it began. */
    private boolean skipResting;

    private Timer next;
    private Timer attemptDeadline;
    private int tierIndex;
    private int trackerIndex;
    private Event pendingEvent = Event.STARTED;
    private Tracker current;
    private boolean inFlight;
    private boolean completedDue;
    private boolean stopping;
    private long backoffMillis = FIRST_BACKOFF_MILLIS;
    private long lastAnnounceMillis = Long.MIN_VALUE;
    /** After every tracker failed: no early announce before the back-off's retry. */
    private long retryAtMillis = Long.MIN_VALUE;
    private int minIntervalSeconds;
    private long firstBackoffMillis = FIRST_BACKOFF_MILLIS;

    public Announcer(EventLoop loop, List<List<Tracker>> tiers, byte[] infoHash, byte[] peerId, int port,
                     RandomGenerator random, Stats stats, Listener listener) {
        this.loop = loop;
        this.tiers = new ArrayList<>();
        for (List<Tracker> tier : tiers) {
            List<Tracker> shuffled = new ArrayList<>(tier);
            for (int i = shuffled.size() - 1; i > 0; i--) { // BEP 12: shuffle each tier once
                int j = random.nextInt(i + 1);
                Tracker t = shuffled.get(i);
                shuffled.set(i, shuffled.get(j));
                shuffled.set(j, t);
            }
            if (!shuffled.isEmpty()) {
                this.tiers.add(shuffled);
            }
        }
        this.infoHash = infoHash.clone();
        this.peerId = peerId.clone();
        this.port = port;
        this.key = random.nextInt();
        this.stats = stats;
        this.listener = listener;
    }

    /** Tests shorten the back-off; production keeps BEP-friendly defaults. */
    public void firstBackoffMillis(long millis) {
        this.firstBackoffMillis = millis;
        this.backoffMillis = millis;
    }

    /** UDP replies dropped by every tracker (late, another transaction's, malformed). */
    public long droppedReplies() {
        long n = 0;
        for (List<Tracker> tier : tiers) {
            for (Tracker t : tier) {
                n += t.droppedReplies();
            }
        }
        return n;
    }

    public List<List<String>> tierUrls() {
        List<List<String>> urls = new ArrayList<>(tiers.size());
        for (List<Tracker> tier : tiers) {
            List<String> u = new ArrayList<>(tier.size());
            for (Tracker t : tier) {
                u.add(t.url());
            }
            urls.add(List.copyOf(u));
        }
        return List.copyOf(urls);
    }

    public void start() {
        if (tiers.isEmpty()) {
            listener.allFailed(Map.of(), -1);
            return;
        }
        announceNow();
    }

    /** The download finished: tell the tracker once. */
    public void completed() {
        completedDue = true;
        if (!inFlight) {
            announceNow();
        }
    }

    /** Peers run short: announce early, but never before the tracker's min interval or the back-off's retry. */
    public void needPeers() {
        if (inFlight || stopping || tiers.isEmpty() || loop.nowMillis() < retryAtMillis) {
            return;
        }
        long earliest = lastAnnounceMillis + Math.max(minIntervalSeconds, HttpAnnounceCodec.MIN_INTERVAL_SECONDS) * 1000L;
        if (lastAnnounceMillis == Long.MIN_VALUE || loop.nowMillis() >= earliest) {
            announceNow();
        } else if (next != null && next.deadlineMillis() > earliest) {
            schedule(earliest - loop.nowMillis());
        }
    }

    /** Sends `stopped` to the tracker in use, if it knew us; {@code done} runs when it answers or fails. */
    public void stop(Runnable done) {
        stopping = true;
        if (next != null) {
            next.cancel();
        }
        endAttempt();
        for (List<Tracker> tier : tiers) {
            tier.forEach(Tracker::cancel);
        }
        Tracker t = current;
        if (t == null || !Boolean.TRUE.equals(started.get(t))) {
            done.run();
            return;
        }
        t.announce(request(Event.STOPPED, 0), new Tracker.Callback<>() {
            @Override
            public void succeeded(AnnounceResponse value) {
                done.run();
            }

            @Override
            public void failed(String reason) {
                done.run();
            }
        });
    }

    private void announceNow() {
        if (stopping || tiers.isEmpty()) { // no usable tracker (only wss://, say): peers come from elsewhere
            return;
        }
        if (next != null) {
            next.cancel();
            next = null;
        }
        tierIndex = 0;
        trackerIndex = 0;
        lastErrors.clear();
        skipResting = true;
        if (!nextAwake()) { // every tracker rests: ask them all rather than none
            skipResting = false;
            tierIndex = 0;
            trackerIndex = 0;
        }
        tryCurrent();
    }

    private void tryCurrent() {
        Tracker t = tiers.get(tierIndex).get(trackerIndex);
        Event event = !Boolean.TRUE.equals(started.get(t)) ? Event.STARTED : completedDue ? Event.COMPLETED : Event.NONE;
        inFlight = true;
        attemptDeadline = loop.schedule(ATTEMPT_TIMEOUT_MILLIS, () -> {
            endAttempt();
            t.cancel();
            onFailure(t, "no answer in " + ATTEMPT_TIMEOUT_MILLIS / 1000 + " s");
        });
        t.announce(request(event, NUM_WANT), new Tracker.Callback<>() {
            @Override
            public void succeeded(AnnounceResponse r) {
                endAttempt();
                onSuccess(t, event, r);
            }

            @Override
            public void failed(String reason) {
                endAttempt();
                onFailure(t, reason);
            }
        });
    }

    /** The attempt in flight is over: answered, timed out, or dropped by stop. */
    private void endAttempt() {
        inFlight = false;
        if (attemptDeadline != null) {
            attemptDeadline.cancel();
            attemptDeadline = null;
        }
    }

    private AnnounceRequest request(Event event, int numWant) {
        return new AnnounceRequest(infoHash, peerId, port, stats.uploaded(), stats.downloaded(), stats.left(),
                event, numWant, key);
    }

    private void onSuccess(Tracker t, Event event, AnnounceResponse r) {
        if (stopping) {
            return;
        }
        started.put(t, true);
        resting.remove(t);
        if (event == Event.COMPLETED) {
            completedDue = false;
        }
        current = t;
        List<Tracker> tier = tiers.get(tierIndex);
        tier.remove(trackerIndex); // BEP 12: the one that answered goes first in its tier
        tier.add(0, t);
        backoffMillis = firstBackoffMillis;
        retryAtMillis = Long.MIN_VALUE;
        lastAnnounceMillis = loop.nowMillis();
        minIntervalSeconds = r.minIntervalSeconds();
        listener.announced(t.url(), r);
        if (completedDue) {
            announceNow();
            return;
        }
        schedule(r.intervalSeconds() * 1000L);
    }

    private void onFailure(Tracker t, String reason) {
        if (stopping) {
            return;
        }
        lastErrors.put(t.url(), reason);
        listener.announceFailed(t.url(), reason);
        long[] rest = resting.computeIfAbsent(t, k -> new long[] {0, FIRST_REST_MILLIS});
        rest[0] = loop.nowMillis() + rest[1];
        rest[1] = Math.min(MAX_BACKOFF_MILLIS, rest[1] * 2);
        trackerIndex++;
        if (nextAwake()) {
            tryCurrent();
            return;
        }
        long wait = backoffMillis;
        backoffMillis = Math.min(MAX_BACKOFF_MILLIS, backoffMillis * 2);
        retryAtMillis = loop.nowMillis() + wait;
        listener.allFailed(java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(lastErrors)), wait);
        schedule(wait);
    }

    /**
     * Moves to the first tracker from the current position on that this round may ask; false when
     * the round is over.
     */
    private boolean nextAwake() {
        long now = loop.nowMillis();
        for (; tierIndex < tiers.size(); tierIndex++, trackerIndex = 0) {
            List<Tracker> tier = tiers.get(tierIndex);
            for (; trackerIndex < tier.size(); trackerIndex++) {
                long[] rest = resting.get(tier.get(trackerIndex));
                if (!skipResting || rest == null || now >= rest[0]) {
                    return true;
                }
            }
        }
        return false;
    }

    private void schedule(long delayMillis) {
        if (next != null) {
            next.cancel();
        }
        next = loop.schedule(delayMillis, this::announceNow);
    }
}
