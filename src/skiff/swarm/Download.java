package skiff.swarm;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.random.RandomGenerator;
import skiff.loop.EventLoop;
import skiff.loop.Timer;
import skiff.metainfo.Bitfield;
import skiff.metainfo.Metainfo;
import skiff.peer.CloseReason;
import skiff.peer.PeerConnection;
import skiff.peer.Wire;
import skiff.storage.FileMap;
import skiff.storage.HashPool;
import skiff.storage.ResumeFile;
import skiff.storage.Storage;
import skiff.storage.StorageException;
import skiff.tracker.Announcer;

/**
 * One torrent on the loop: checks what is on disk, announces, dials peers, asks them for blocks,
 * verifies pieces and finishes. The glue between peers, picker, storage and trackers.
 */
public final class Download implements Announcer.Stats {
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
    private final Map<InetSocketAddress, PeerConnection<PeerState>> connections = new LinkedHashMap<>();
    private final Connector connector;
    private final PeerNetwork network;
    private final Uploader uploader;
    private final StorageSink sink;
    private final Admission admission;
    private final TrackerLink trackerLink;
    private final GlobalLimits limits;
    private final StallWatch stallWatch = new StallWatch();
    private final Verifier verifier;
    private final Completion completion;
    private final PeerEvents peerEvents;
    private final Checker.Progress checkProgress = new Checker.Progress();
    private final Wanted wanted;
    /** Runs once the swarm runs (a magnet's connections are handed over then). */
    private Runnable onRunning;
    private boolean running;
    private final Timeline timeline;
    private boolean startedComplete;
    private Announcer announcer;
    private boolean announcerStarted;
    private Picker<PeerConnection<PeerState>> picker;
    private Fetcher fetcher;
    private Bitfield have;
    private TorrentState state = TorrentState.STARTING;
    private Timer tick;
    private final Traffic traffic = new Traffic();
    private boolean finished;
    private boolean stopped;

    /**
     * {@code network}: where connections come from (TCP through the session, or memory in the
     * simulation); the download closes it. {@code shared}: what it borrows from the session.
     */
    public Download(EventLoop loop, Executor workers, Metainfo metainfo, Path downloadDir, Settings settings,
                    Events events, RandomGenerator random, PeerNetwork network, Shared shared) throws StorageException {
        this.loop = loop;
        this.workers = workers;
        this.metainfo = metainfo;
        this.settings = settings;
        this.events = events;
        this.wanted = Wanted.of(metainfo, settings.selection());
        this.timeline = new Timeline(settings, wanted.totalBytes());
        this.random = random;
        this.storage = new Storage(new FileMap(metainfo), downloadDir, settings.diskIo(), shared.blockBuffers());
        this.hashes = new HashPool(storage, workers, loop, shared.hashScratch());
        this.limits = shared.limits();
        this.sink = new StorageSink(storage, this::fail);
        this.resume = new ResumeFile(storage);
        this.peers = new PeerSet(settings.port(), shared.ours());
        this.uploader = new Uploader(settings, storage, Choker.forSetting(settings.unchokeSlots(), random), limits, loop,
                connections.values());
        this.network = network;
        this.admission = new Admission(settings.peerId(), peers, connections, events);
        this.peerEvents = new PeerEvents(this, loop, events, admission, uploader, connections, peers, traffic, shared, settings);
        this.connector = new Connector(loop, network, skiff.peer.TorrentShape.of(metainfo), peerEvents, sink, uploader,
                Wire.handshake(metainfo.infoHash(), settings.peerId(),
                        Wire.ourReserved(settings.dhtPort() > 0 && !metainfo.isPrivate())).array(), peers, connections,
                settings.maxPeers(), limits);
        this.trackerLink = new TrackerLink(peers, events, this::dial);
        this.completion = new Completion(loop, workers, resume, settings, events, timeline, traffic);
        connector.offerExtensions(peerEvents::extensionOffer);
        peerEvents.webSeeds(connector.webSeeds(new WebSeeds(metainfo, metainfo.urlList(), network, events)));
        this.verifier = new Verifier(loop, metainfo, hashes, storage.root(), events, admission, connections, traffic, timeline,
                stallWatch, completion::verified, this);
    }

    /** The port we listen on (useful when asked for port 0 in tests). */
    public int port() {
        return network.port();
    }

    /**
     * The trackers (the session makes them). {@code started}: an announcer already running (a
     * magnet link's, announcing since before the metainfo came), which now reports to this download.
     */
    public void announcer(Announcer a, boolean started) {
        this.announcer = a;
        this.announcerStarted = started;
    }

    /** Where the data goes: the file of a single-file torrent, the folder of a multi-file one. */
    public Path root() {
        return storage.root();
    }

    /** The file a memory-mapped write last went to: see {@link Storage#lastMappedWrite}. */
    public Path lastMappedWrite() {
        return storage.lastMappedWrite();
    }

    public Metainfo metainfo() {
        return metainfo;
    }

    // ---- lifecycle ----

    /** Checks existing data (resume file or hashing), allocates files, then starts the swarm. */
    public void start() {
        timeline.started(loop.nowMillis());
        state = TorrentState.CHECKING;
        Checker.existing(workers, loop, storage, hashes, resume, settings.recheck(), events, checkProgress, this::allocateThenRun);
    }

    private void allocateThenRun(Bitfield good) {
        have = good;
        wanted.had(have);
        picker = new Picker<>(metainfo, have, random);
        picker.only(wanted.pieces(), settings.sequential());
        fetcher = new Fetcher(picker, connections.values(), loop::nowMillis, limits);
        verifier.start(have, fetcher, wanted);
        completion.track(storage.map(), have);
        long needed = left();
        boolean[] files = wanted.files();
        workers.execute(() -> {
            try {
                storage.allocate(needed, files);
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
            network.listen((stream, from) -> connector.accept(stream, from, stopped));
        } catch (IOException e) {
            fail("cannot listen for peers: " + e.getMessage());
            return;
        }
        completion.started(loop.nowMillis());
        verifier.swarmStarted(loop.nowMillis());
        traffic.start(loop.nowMillis());
        uploader.start(have, loop.nowMillis());
        connector.startAloneClock(loop.nowMillis());
        if (wanted.done()) {
            startedComplete = true;
            if (!settings.seed()) {
                state = TorrentState.COMPLETE;
                finish();
                return;
            }
        }
        state = wanted.done() ? TorrentState.SEEDING : TorrentState.DOWNLOADING;
        if (announcer != null && !announcerStarted) {
            events.debug("announcing to " + announcer.tierUrls());
            announcer.start();
        }
        tick = loop.schedule(settings.tickMillis(), this::tick);
        if (wanted.done()) {
            finish();
        }
        dial(); // peers given before the trackers answer (--peer)
        running();
    }

    private void running() {
        running = true;
        if (onRunning != null) {
            Runnable r = onRunning;
            onRunning = null;
            r.run();
        }
    }

    /** Runs {@code r} once the download has checked its data and runs its swarm (at once if it does). */
    public void whenRunning(Runnable r) {
        if (running) {
            r.run();
        } else {
            onRunning = r;
        }
    }

    /**
     * Takes over a magnet's connections from its metadata phase (BEP 9): they stay open, learn the
     * torrent's shape, and what their peers said they have counts from now on.
     */
    public void adopt(List<PeerConnection<PeerState>> kept) {
        peerEvents.adopt(kept, sink, uploader);
    }

    /** The download cannot go on: the user hears {@code reason}. */
    void fail(String reason) {
        if (!stopped) {
            state = TorrentState.FAILED;
            events.failed(reason);
        }
    }

    /** Every piece is verified (or was at the start). */
    void finish() {
        if (finished) {
            return;
        }
        finished = true;
        state = settings.seed() ? TorrentState.SEEDING : TorrentState.COMPLETE;
        completion.finish(connections.values(), have, announcer, startedComplete, this::fail);
    }

    /** Stops dialing, closes connections, saves the resume file; {@code done} runs after, on the loop. */
    public void stop(Runnable done) {
        stopped = true;
        verifier.stop();
        events.debug("connections closed, by reason: " + peerEvents.closeCounts().asMap() + "; UDP tracker replies dropped: "
                + (announcer == null ? 0 : announcer.droppedReplies()) + "; fast extension: " + peerEvents.fastSummary());
        if (tick != null) {
            tick.cancel();
        }
        network.close();
        for (PeerConnection<PeerState> c : List.copyOf(connections.values())) {
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
        completion.save(have, error -> {
            storage.close();
            one.run();
        });
    }

    // ---- the periodic tick ----

    private void tick() {
        long now = loop.nowMillis();
        double seconds = settings.tickMillis() / 1000.0;
        peerEvents.tick(now, seconds, verifier.lastBlockMillis());
        uploader.tick(now, finished, connections.values());
        connector.warnIfAlone(now, finished, events);
        if (!finished) {
            stallWatch.report(now, verifier.lastBlockMillis(), connections.values(), picker, events);
        }
        if (!stopped) {
            completion.checkSeedingLimits(now);
        }
        dial();
        if (announcer != null && connections.size() < Math.min(settings.maxPeers(), 10)) {
            announcer.needPeers();
        }
        if (!finished) {
            completion.tick(now, have);
        }
        tick = loop.schedule(settings.tickMillis(), this::tick);
    }

    // ---- peers and dialing ----

    /** Dials new peers (from the tracker, peer exchange, --peer), while the download wants them. */
    void dial() {
        if (!stopped && (!finished || settings.seed())) {
            connector.dial(finished);
        }
    }

    /** What Main gives the announcer to report to: new peers get dialled. */
    public Announcer.Listener trackerListener() {
        return trackerLink;
    }

    @Override
    public long uploaded() {
        return traffic.uploaded();
    }

    @Override
    public long downloaded() {
        return traffic.downloaded();
    }

    @Override
    public long left() {
        return wanted.missingBytes();
    }

    // ---- the peers' events (PeerEvents) call back here ----

    /** Asks {@code c} for more blocks, while downloading. */
    void fill(PeerConnection<PeerState> c) {
        if (!finished && !stopped) {
            fetcher.fill(c);
        }
    }

    /** A block we asked for is in storage; then more blocks are asked of {@code c}. */
    void blockArrived(PeerConnection<PeerState> c, int piece, int begin, int length) {
        verifier.blockArrived(c, piece, begin, length);
        fill(c);
    }

    boolean finished() {
        return finished;
    }

    boolean stopped() {
        return stopped;
    }

    Bitfield have() {
        return have;
    }

    /** Null until the data on disk is checked. */
    Picker<PeerConnection<PeerState>> picker() {
        return picker;
    }

    Fetcher fetcher() {
        return fetcher;
    }

    // ---- status ----

    public Status status() {
        return new Status(metainfo.name(), metainfo.infoHashHex(), timeline.elapsedMillis(loop.nowMillis()),
                timeline.completedAfterMillis(),
                state, wanted.totalBytes(), wanted.totalBytes() - wanted.missingBytes(), traffic.downloaded(), traffic.uploaded(),
                traffic.downRate(loop.nowMillis()), traffic.upRate(),
                connections.size(), peers.size() + peerEvents.incoming(), peerEvents.seeds(), have == null ? 0 : have.count(), metainfo.pieceCount(), peerEvents.peersUsed(),
                finished ? null : stallWatch.reason(), peerEvents.closeCounts().asMap(), announcer == null ? 0 : announcer.droppedReplies(), checkProgress.fraction());
    }

    /** Verified bytes per file, for the per-file view; -1 for a file not selected (--select-file). */
    public long[] fileBytesDone() {
        return wanted.markSkipped(Checker.bytesPerFile(storage.map(), have));
    }

    /** Adds peers as if a tracker had listed them (--peer); before the download runs, they wait for it. */
    public void addPeers(List<InetSocketAddress> addresses) {
        peers.add(new ArrayList<>(addresses));
        if (tick != null) {
            dial();
        }
    }
}
