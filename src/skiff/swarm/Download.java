package skiff.swarm;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.random.RandomGenerator;
import skiff.loop.EventLoop;
import skiff.loop.Timer;
import skiff.metainfo.Bitfield;
import skiff.metainfo.Metainfo;
import skiff.peer.CloseReason;
import skiff.peer.PeerConnection;
import skiff.peer.PeerListener;
import skiff.peer.Wire;
import skiff.storage.FileMap;
import skiff.storage.HashPool;
import skiff.storage.ResumeFile;
import skiff.storage.Storage;
import skiff.storage.StorageException;
import skiff.tracker.AnnounceResponse;
import skiff.tracker.Announcer;

/**
 * One torrent on the loop: checks what is on disk, announces, dials peers, asks them for blocks,
 * verifies pieces and finishes. The glue between peers, picker, storage and trackers.
 */
public final class Download implements PeerListener, Announcer.Listener, Announcer.Stats {
    /** How long without any peer before the user hears about it. */
    static final long NO_PEERS_WARNING_MILLIS = 5 * 60_000;
    /** How often the resume file is rewritten while downloading. */
    static final long RESUME_SAVE_MILLIS = 60_000;

    private final EventLoop loop;
    private final Executor workers;
    private final Metainfo metainfo;
    private final Settings settings;
    private final Events events;
    private final RandomGenerator random;
    private final Storage storage;
    private final HashPool hashes;
    private final ResumeFile resume;
    private final PeerSet peers;
    private final Map<InetSocketAddress, PeerConnection> connections = new LinkedHashMap<>();
    private final Connector connector;
    private final Listener listener;
    private final Uploader uploader;
    private final Timeouts timeouts;
    private final StorageSink sink;
    /** Since when we have had no connection at all (while downloading). */
    private long aloneSinceMillis;
    private long seedingSinceMillis = -1;
    private boolean startedComplete;
    private final Set<String> bannedIds = new HashSet<>();
    /** Peers that completed a handshake with us, over the whole run. */
    private int peersUsed;
    private Announcer announcer;
    private Picker picker;
    private Fetcher fetcher;
    private Bitfield have;
    private String state = "starting";
    private Timer tick;
    private long lastBlockMillis; // when any peer last sent a block we asked for
    private long downloaded;
    private long uploaded;
    private long haveBytes;
    private double downRate;
    private double upRate;
    private long lastResumeSaveMillis;
    private boolean finished;
    private boolean stopped;

    public Download(EventLoop loop, Executor workers, Metainfo metainfo, Path downloadDir, Settings settings,
                    Events events, RandomGenerator random) throws StorageException {
        this.loop = loop;
        this.workers = workers;
        this.metainfo = metainfo;
        this.settings = settings;
        this.events = events;
        this.timeouts = new Timeouts(settings, events);
        this.random = random;
        this.storage = new Storage(new FileMap(metainfo), downloadDir, settings.diskIo());
        this.hashes = new HashPool(storage, workers, loop);
        this.sink = new StorageSink(storage, this::fail);
        this.resume = new ResumeFile(storage);
        this.peers = new PeerSet(settings.port());
        this.uploader = new Uploader(settings, storage, new Choker(settings.unchokeSlots(), random));
        this.connector = new Connector(loop, metainfo, this, sink, uploader,
                Wire.handshake(metainfo.infoHash(), settings.peerId(), new byte[8]).array(), peers, connections,
                settings.maxPeers());
        this.listener = Listener.bind(new InetSocketAddress(settings.bindAddress(), settings.port()));
    }

    /** The port we listen on (useful when asked for port 0 in tests). */
    public int port() {
        return listener.port();
    }

    /** Trackers come from Main, which knows how to make them. */
    public void announcer(Announcer a) {
        this.announcer = a;
    }

    public Metainfo metainfo() {
        return metainfo;
    }

    // ---- lifecycle ----

    /** Checks existing data (resume file or hashing), allocates files, then starts the swarm. */
    public void start() {
        state = "checking";
        workers.execute(() -> {
            Bitfield fromResume = resume.load();
            Bitfield candidates = fromResume == null ? Checker.presentPieces(storage) : null;
            loop.execute(() -> checked(fromResume, candidates));
        });
    }

    private void checked(Bitfield fromResume, Bitfield candidates) {
        if (fromResume != null) {
            events.info("resume: " + fromResume.count() + " of " + metainfo.pieceCount() + " pieces verified earlier");
            allocateThenRun(fromResume);
            return;
        }
        if (candidates.count() == 0) {
            allocateThenRun(new Bitfield(metainfo.pieceCount()));
            return;
        }
        events.info("checking " + candidates.count() + " pieces already on disk");
        new Checker(metainfo, hashes, candidates, good -> {
            events.info("check: " + good.count() + " of " + metainfo.pieceCount() + " pieces are good");
            allocateThenRun(good);
        }).start();
    }

    private void allocateThenRun(Bitfield good) {
        have = good;
        picker = new Picker(metainfo, have, random);
        fetcher = new Fetcher(picker, storage, connections.values(), loop::nowMillis);
        for (int p = have.nextSet(0); p >= 0; p = have.nextSet(p + 1)) {
            haveBytes += metainfo.pieceSize(p);
        }
        long needed = metainfo.totalLength() - haveBytes;
        workers.execute(() -> {
            try {
                storage.allocate(needed);
                loop.execute(this::run);
            } catch (StorageException e) {
                loop.execute(() -> fail(e.getMessage()));
            }
        });
    }

    private void run() {
        if (stopped) {
            return;
        }
        try {
            listener.start(loop, ch -> connector.accept(ch, stopped));
        } catch (IOException e) {
            fail("cannot listen for peers: " + e.getMessage());
            return;
        }
        lastResumeSaveMillis = loop.nowMillis();
        uploader.start(have, loop.nowMillis());
        aloneSinceMillis = loop.nowMillis();
        if (have.complete()) {
            startedComplete = true;
            if (!settings.seed()) {
                state = "complete";
                finish();
                return;
            }
        }
        state = have.complete() ? "seeding" : "downloading";
        if (announcer != null) {
            events.debug("announcing to " + announcer.tierUrls());
            announcer.start();
        }
        tick = loop.schedule(settings.tickMillis(), this::tick);
        if (have.complete()) {
            finish();
        }
        dial(); // peers given before the trackers answer (--peer)
    }

    private void fail(String reason) {
        if (!stopped) {
            state = "failed";
            events.failed(reason);
        }
    }

    private void finish() {
        if (finished) {
            return;
        }
        finished = true;
        state = settings.seed() ? "seeding" : "complete";
        for (PeerConnection c : List.copyOf(connections.values())) {
            c.sendInterested(false);
            if (c.peerPieces.complete()) {
                c.close(CloseReason.BOTH_SEEDS, null);
            }
        }
        saveResume(error -> {
            if (error == null) {
                flushedAtEnd();
            } else {
                fail("cannot flush data to disk: " + error.getMessage());
            }
        });
    }

    /**
     * Forces the data to disk, then records the verified pieces (in that order, so the resume file
     * never vouches for unflushed data). Runs on a worker; {@code after} hears the error, or null, on the loop.
     */
    private void saveResume(java.util.function.Consumer<IOException> after) {
        Bitfield snapshot = have.copy();
        workers.execute(() -> {
            IOException error = null;
            try {
                resume.flushData();
                resume.save(snapshot);
            } catch (IOException e) {
                error = e;
            }
            IOException result = error;
            loop.execute(() -> after.accept(result));
        });
    }

    private void flushedAtEnd() {
        if (announcer != null && !startedComplete) {
            announcer.completed();
        }
        events.completed();
        if (settings.seed()) {
            seedingSinceMillis = loop.nowMillis();
        } else {
            events.done();
        }
    }

    /** --seed-ratio and --seed-time end seeding. */
    private void checkSeedingLimits(long now) {
        if (seedingSinceMillis < 0 || stopped) {
            return;
        }
        boolean ratioMet = settings.seedRatio() > 0 && uploaded >= settings.seedRatio() * metainfo.totalLength();
        boolean timeMet = settings.seedTimeMillis() > 0 && now - seedingSinceMillis >= settings.seedTimeMillis();
        if (ratioMet || timeMet) {
            seedingSinceMillis = -1;
            events.info(ratioMet ? "seed ratio reached" : "seed time reached");
            events.done();
        }
    }

    /** Stops dialing, closes connections, saves the resume file; {@code done} runs after, on the loop. */
    public void stop(Runnable done) {
        stopped = true;
        if (tick != null) {
            tick.cancel();
        }
        listener.close(loop);
        for (PeerConnection c : List.copyOf(connections.values())) {
            c.close(CloseReason.SHUTDOWN, null);
        }
        int[] pending = {2};
        Runnable one = () -> {
            if (--pending[0] == 0) {
                done.run();
            }
        };
        if (announcer != null) {
            announcer.stop(one);
        } else {
            one.run();
        }
        if (have == null) {
            one.run();
            return;
        }
        // On failure the next start re-verifies whatever the resume file cannot vouch for.
        saveResume(error -> {
            storage.close();
            one.run();
        });
    }

    // ---- the periodic tick ----

    private void tick() {
        long now = loop.nowMillis();
        double seconds = settings.tickMillis() / 1000.0;
        long totalDown = 0;
        long totalUp = 0;
        for (PeerConnection c : List.copyOf(connections.values())) {
            PeerState s = (PeerState) c.attachment;
            totalDown += s.sampleDown(c.bytesDownloaded, seconds);
            totalUp += s.sampleUp(c.bytesUploaded, seconds);
            timeouts.check(c, s, now, picker, lastBlockMillis);
            if (!c.isClosed()) {
                fill(c);
            }
        }
        downRate = downRate * 0.6 + 0.4 * totalDown / seconds;
        upRate = upRate * 0.6 + 0.4 * totalUp / seconds;
        uploaded += totalUp;
        uploader.tick(seconds, now, finished, connections.values());
        warnIfAlone(now);
        checkSeedingLimits(now);
        dial();
        if (announcer != null && connections.size() < Math.min(settings.maxPeers(), 10)) {
            announcer.needPeers();
        }
        if (!finished && now - lastResumeSaveMillis >= RESUME_SAVE_MILLIS) {
            lastResumeSaveMillis = now;
            saveResume(error -> { }); // a failed save is retried at the next one
        }
        tick = loop.schedule(settings.tickMillis(), this::tick);
    }

    /** No peer for a long stretch while downloading: say so once per stretch, naming what we know. */
    private void warnIfAlone(long now) {
        if (finished || !connections.isEmpty()) {
            aloneSinceMillis = now;
            return;
        }
        if (now - aloneSinceMillis >= NO_PEERS_WARNING_MILLIS) {
            aloneSinceMillis = now;
            events.warn("no peers for " + NO_PEERS_WARNING_MILLIS / 60_000 + " minutes (" + peers.size()
                    + " addresses known, none reachable); still trying");
        }
    }

    // ---- peers and dialing ----

    private void dial() {
        if (!stopped && (!finished || settings.seed())) {
            connector.dial(finished);
        }
    }

    @Override
    public void announced(String url, AnnounceResponse r) {
        int added = peers.add(r.peers());
        events.info("tracker " + url + ": " + r.peers().size() + " peers (" + added + " new)"
                + (r.warning() != null ? ", warning: " + r.warning() : ""));
        dial();
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
        events.warn("no tracker reachable (" + String.join("; ", lastErrors.entrySet().stream()
                .map(e -> e.getKey() + ": " + e.getValue()).toList()) + "); retrying in " + retryInMillis / 1000 + " s");
    }

    @Override
    public long uploaded() {
        return uploaded;
    }

    @Override
    public long downloaded() {
        return downloaded;
    }

    @Override
    public long left() {
        return metainfo.totalLength() - haveBytes;
    }

    // ---- PeerListener ----

    @Override
    public void connected(PeerConnection c) {
        events.debug(c + ": connected");
    }

    @Override
    public CloseReason handshaken(PeerConnection c, byte[] peerId, byte[] reserved) {
        if (java.util.Arrays.equals(peerId, settings.peerId())) {
            peers.ban(c.address());
            return CloseReason.SELF;
        }
        if (bannedIds.contains(java.util.HexFormat.of().formatHex(peerId))) {
            return CloseReason.BANNED;
        }
        for (PeerConnection other : connections.values()) {
            if (other != c && other.peerId != null && java.util.Arrays.equals(other.peerId, peerId) && other.handshakeDone()) {
                return CloseReason.DUPLICATE;
            }
        }
        if (have.count() > 0) {
            c.sendBitfield(have);
        }
        peersUsed++;
        return null;
    }

    @Override
    public void choked(PeerConnection c, boolean choked) {
        if (choked) {
            fetcher.release(c);
        } else {
            fill(c);
        }
    }

    @Override
    public void interested(PeerConnection c, boolean interested) {
        events.debug(c + ": " + (interested ? "interested" : "not interested"));
        uploader.interested(c, interested, connections.values());
    }

    @Override
    public void have(PeerConnection c, int piece) {
        picker.peerHas(piece);
        if (!finished && !have.get(piece) && !c.amInterested) {
            c.sendInterested(true);
        }
        if (finished && c.peerPieces.complete()) {
            c.close(CloseReason.BOTH_SEEDS, null);
            return;
        }
        fill(c);
    }

    @Override
    public void bitfield(PeerConnection c, Bitfield pieces) {
        for (int i = pieces.nextSet(0); i >= 0; i = pieces.nextSet(i + 1)) {
            picker.peerHas(i);
        }
        if (finished && pieces.complete()) {
            c.close(CloseReason.BOTH_SEEDS, null);
            return;
        }
        if (!finished && picker.wants(pieces)) {
            c.sendInterested(true);
        }
    }

    @Override
    public void request(PeerConnection c, int piece, int begin, int length) {
        if (events.debugging()) {
            events.debug(c + ": request " + piece + "/" + begin + "/" + length);
        }
        uploader.request(c, piece, begin, length);
    }

    @Override
    public void cancel(PeerConnection c, int piece, int begin, int length) {
        c.cancelUpload(piece, begin, length);
    }

    private void fill(PeerConnection c) {
        if (!finished && !stopped) {
            fetcher.fill(c);
        }
    }

    @Override
    public boolean blockStarting(PeerConnection c, int piece, int begin, int length) {
        return fetcher.starting(c, piece, begin, length);
    }

    @Override
    public void blockReceived(PeerConnection c, int piece, int begin, int length) {
        downloaded += length;
        lastBlockMillis = loop.nowMillis();
        ((PeerState) c.attachment).lastBlockMillis = lastBlockMillis;
        if (fetcher.received(c, piece, begin, length)) {
            hashes.verify(piece, v -> verified(piece, v));
        }
        fill(c);
    }

    @Override
    public void blockAbandoned(PeerConnection c, int piece, int begin, int length) {
        if (fetcher != null) {
            fetcher.abandoned(piece, begin);
        }
    }

    private void verified(int piece, HashPool.Verdict verdict) {
        if (stopped) {
            fetcher.forget(piece);
            return;
        }
        if (verdict == HashPool.Verdict.GOOD) {
            haveBytes += metainfo.pieceSize(piece);
            fetcher.good(piece).forEach(this::ban);
            for (PeerConnection c : List.copyOf(connections.values())) {
                if (c.handshakeDone()) {
                    c.sendHave(piece);
                }
            }
            if (have.complete()) {
                finish();
            }
            return;
        }
        if (verdict == HashPool.Verdict.MISSING) {
            // We wrote it, and cannot read it back: the files were removed or truncated under us.
            fail("cannot read back piece " + piece + " from " + storage.root() + ": the download files were removed or truncated");
            return;
        }
        events.warn("piece " + piece + " failed its hash check; fetching it again");
        fetcher.bad(piece).forEach(this::ban);
        if (!finished) {
            fetcher.fillAll();
        }
    }

    private void ban(InetSocketAddress a) {
        if (peers.banned(a)) {
            return;
        }
        peers.ban(a);
        PeerConnection c = connections.get(a);
        if (c != null && c.peerId != null) {
            bannedIds.add(java.util.HexFormat.of().formatHex(c.peerId)); // it may come back from another port
        }
        if (c != null) {
            c.close(CloseReason.BANNED, "sent data that failed the hash check");
        }
        events.info("banned " + a.getAddress().getHostAddress() + ":" + a.getPort() + ": sent corrupt data");
    }

    @Override
    public void closed(PeerConnection c, CloseReason reason, String detail) {
        connections.remove(c.address());
        PeerState s = (PeerState) c.attachment;
        uploaded += c.bytesUploaded - s.lastUpBytes; // what it took since the last tick's sample
        s.lastUpBytes = c.bytesUploaded;
        if (picker != null) {
            fetcher.release(c);
            if (c.handshakeDone()) {
                picker.peerGone(c.peerPieces);
            }
            picker.disown(c);
        }
        if (reason == CloseReason.BOTH_SEEDS) {
            PeerSet.Peer p = peers.get(c.address());
            if (p != null) {
                p.seed = true;
            }
        }
        boolean failedDial = reason == CloseReason.CONNECT_FAILED || reason == CloseReason.CONNECT_TIMEOUT
                || (!c.handshakeDone() && reason != CloseReason.SHUTDOWN);
        peers.disconnected(c.address(), failedDial, loop.nowMillis());
        events.debug(c + ": closed (" + reason + (detail != null ? ": " + detail : "") + ")");
        if (!stopped && !finished && picker != null) {
            fetcher.fillAll(); // its released requests may go to someone else now
        }
    }

    // ---- status ----

    public Status status() {
        int seeds = 0;
        for (PeerConnection c : connections.values()) {
            if (c.handshakeDone() && c.peerPieces.complete()) {
                seeds++;
            }
        }
        return new Status(state, metainfo.totalLength(), haveBytes, downloaded, uploaded, downRate, upRate,
                connections.size(), peers.size(), seeds, have == null ? 0 : have.count(), metainfo.pieceCount(), peersUsed);
    }

    /** Verified bytes per file, for the per-file view. */
    public long[] fileBytesDone() {
        return Checker.bytesPerFile(storage.map(), have);
    }

    /** Adds peers as if a tracker had listed them (--peer); before the download runs, they wait for it. */
    public void addPeers(List<InetSocketAddress> addresses) {
        peers.add(new ArrayList<>(addresses));
        if (tick != null) {
            dial();
        }
    }
}
