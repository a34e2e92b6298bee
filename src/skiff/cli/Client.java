package skiff.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import skiff.loop.Clock;
import skiff.loop.Dns;
import skiff.loop.EventLoop;
import skiff.loop.WorkerPool;
import skiff.metainfo.Metainfo;
import skiff.session.DhtService;
import skiff.session.Session;
import skiff.session.Torrent;
import skiff.storage.StorageException;
import skiff.swarm.GlobalLimits;
import skiff.swarm.Settings;
import skiff.swarm.Status;
import skiff.tracker.Trackers;
import skiff.tracker.UdpTracker;

/**
 * Runs the torrents given on the command line in one session (loop, workers, port, trackers,
 * progress) to an exit code: 0 only when every torrent is done.
 */
final class Client {
    /** Bounded wait for `stopped` announces and the resume file on shutdown (issue: a few seconds). */
    static final long STOP_GRACE_MILLIS = 4000;
    static final long HTTP_TRACKER_TIMEOUT_MILLIS = 30_000;
    static final long TERMINAL_REFRESH_MILLIS = 500;
    static final long PLAIN_STATUS_MILLIS = 5000;

    private final Args args;
    private final Log log;
    private final PrintStream out;
    private final PrintStream err;
    private final List<Job> jobs = new ArrayList<>();
    private EventLoop loop;
    private ExecutorService workers;
    private Session session;
    private Progress progress;
    /** Asks the terminal's size again (SIGWINCH), on a worker; null when there is no progress display. */
    private volatile Runnable resize;
    private volatile int exitCode = ExitCode.FAILED;
    private volatile boolean stopping;
    private boolean failedAlready;
    private long startMillis;

    Client(Args args, Log log, PrintStream out, PrintStream err) {
        this.args = args;
        this.log = log;
        this.out = out;
        this.err = err;
    }

    int run(List<Source> metainfos) throws IOException {
        SplittableRandom random = new SplittableRandom(skiff.loop.Entropy.seed());
        loop = new EventLoop(Clock.system(), m -> log.warn(m));
        loop.onTaskError(e -> failed("internal error: " + e + " (please report it)"));
        // the storage's own catch words this; a late fault (raised past that catch) is worded the same
        loop.onMappedFault(e -> failed(jobs.isEmpty() || jobs.get(0).torrent.download() == null ? "internal error: " + e
                : "disk full (or file truncated) writing " + jobs.get(0).torrent.download().lastMappedWrite()));
        workers = WorkerPool.create(WorkerPool.defaultThreads());
        try {
            byte[] peerId = Main.peerId(random);
            InetAddress bind;
            try {
                bind = args.bind == null ? null : InetAddress.getByName(args.bind);
            } catch (UnknownHostException e) {
                err.println("skiff: cannot bind to " + args.bind + ": unknown address");
                return ExitCode.FAILED;
            }
            List<InetSocketAddress> givenPeers = Main.resolved(args.peers, err);
            if (givenPeers == null) {
                return ExitCode.FAILED;
            }
            Trackers trackers = new Trackers(loop, new Dns(loop, workers), random, null, HTTP_TRACKER_TIMEOUT_MILLIS,
                    UdpTracker.DEFAULT_BASE_TIMEOUT_MILLIS, UdpTracker.DEFAULT_MAX_RETRANSMITS, "skiff/" + Main.VERSION);
            GlobalLimits limits = new GlobalLimits(args.maxConnections, args.uploadLimitKib * 1024, args.downloadLimitKib * 1024,
                    loop::nowMillis);
            try {
                session = Session.open(loop, workers, new InetSocketAddress(bind, args.port), limits, trackers, log::warn);
            } catch (StorageException e) {
                err.println("skiff: " + e.getMessage());
                return ExitCode.FAILED;
            }
            session.encryption(args.encryption);
            session.utp(args.utp);
            session.webSeeds(new skiff.webseed.HttpSeeds(loop, new Dns(loop, workers), null, "skiff/" + Main.VERSION));
            if (!args.noPortMap) {
                session.mapPort(bind, log::info, log::debug);
            }
            if (!args.noDht) { // from the well-known routers unless --dht-bootstrap; its nodes kept in the XDG state directory
                session.startDht(args.dhtBootstrap, DhtService.defaultNodesFile(), random.split(), log::warn, log::debug);
            }
            Settings settings = new Settings(args.maxPeers, session.port(), peerId, Settings.DEFAULT_CONNECT_TIMEOUT_MILLIS,
                    Settings.DEFAULT_TICK_MILLIS, args.unchokeSlots, args.unchokeIntervalSeconds * 1000L, args.seed, args.seedRatio,
                    args.seedTimeMillis, args.diskIo, "skiff " + Main.VERSION,
                    session.dht() != null ? session.port() : 0, args.check, args.sequential, args.selection);
            String clash = addTorrents(metainfos, settings, random, givenPeers);
            if (clash != null) {
                err.println("skiff: " + clash);
                session.stop(() -> { });
                return ExitCode.FAILED;
            }
            loop.onShutdown(done -> session.stop(done));
            if (!args.quiet) {
                boolean terminal = Progress.stdoutIsTerminal();
                progress = new Progress(out, terminal, args.json, Terminal.DEFAULT.columns());
                if (terminal && !args.json) {
                    Terminal size = Terminal.ask(); // before the loop runs: stty is a process
                    progress.resize(size.columns(), size.rows());
                }
                resize = () -> workers.execute(() -> {
                    Terminal size = Terminal.ask();
                    loop.execute(() -> progress.resize(size.columns(), size.rows()));
                });
                long every = terminal && !args.json ? TERMINAL_REFRESH_MILLIS : args.statusIntervalSeconds * 1000L;
                every(every, this::showProgress);
            }
            if (args.stopTimeoutSeconds > 0) {
                every(1000, this::giveUpWhereNothingArrives);
            }
            Runnable restoreSignals = Signals.install(this::interrupted);
            startMillis = loop.nowMillis();
            for (Job j : jobs) {
                Metainfo m = j.torrent.metainfo();
                if (m != null) {
                    log.info(m.name() + ": " + Units.bytes(m.totalLength()) + " in " + m.pieceCount()
                            + " pieces, info-hash " + m.infoHashHex());
                } else {
                    log.info(j.name + ": a magnet link; fetching its metadata from peers");
                }
                j.torrent.start();
            }
            try {
                loop.run();
            } finally {
                restoreSignals.run();
            }
            log.debug("incoming connections: " + session.incoming());
            if (session.utpSummary() != null) {
                log.debug("uTP: " + session.utpSummary());
            }
            if (exitCode != ExitCode.FAILED || jobs.size() > 1) {
                summary();
            } else if (progress != null) {
                progress.end();
            }
            return exitCode;
        } finally {
            WorkerPool.shutdown(workers, 1000);
        }
    }

    /** Adds each torrent to the session; returns why they cannot run together, or null. */
    private String addTorrents(List<Source> sources, Settings settings, SplittableRandom random,
                               List<InetSocketAddress> givenPeers) {
        Path dir = Path.of(args.downloadDir);
        for (Source source : sources) {
            Job job = new Job(source.name(), sources.size() > 1);
            List<InetSocketAddress> peers = new ArrayList<>(givenPeers);
            try {
                if (source.metainfo() != null) {
                    job.torrent = session.add(source.metainfo(), dir, settings, job, random.split());
                } else {
                    List<InetSocketAddress> linkPeers = Main.resolved(source.magnet().peers(), err);
                    if (linkPeers == null) {
                        return "cannot use the magnet link's peers";
                    }
                    peers.addAll(linkPeers);
                    job.torrent = session.add(source.magnet(), dir, settings.orSelectOnly(source.magnet().selectOnly()), job,
                            random.split());
                    if (args.saveTorrent != null) {
                        job.torrent.saveTorrentAs(Path.of(args.saveTorrent));
                    }
                }
            } catch (StorageException e) {
                return e.getMessage();
            }
            for (Job other : jobs) {
                String clash = Source.clash(other.torrent.metainfo(), job.torrent.metainfo(), dir);
                if (clash != null) {
                    return clash;
                }
            }
            job.torrent.addPeers(peers);
            jobs.add(job);
        }
        return null;
    }

    private void logged(Log.Level level, String message) {
        boolean shown = log.enabled(level) && progress != null;
        if (shown) {
            progress.clear();
        }
        log.log(level, message);
        if (shown) {
            progress.restore(); // not left blank until the next refresh
        }
    }

    /**
     * Ctrl-C or SIGTERM: stop gracefully (announce `stopped`, flush, write the resume files) and
     * exit 130, or 0 for SIGTERM once every download is complete (the user ends seeding). A second
     * signal exits at once; the resume files on disk stay valid.
     */
    private void interrupted(String signal) {
        if (signal.equals("WINCH")) {
            if (resize != null) {
                resize.run();
            }
            return;
        }
        if (stopping) {
            Runtime.getRuntime().halt(ExitCode.INTERRUPTED);
        }
        stopping = true;
        boolean allComplete = true;
        for (Job j : jobs) {
            allComplete &= j.complete;
        }
        exitCode = signal.equals("TERM") && allComplete ? ExitCode.OK : ExitCode.INTERRUPTED;
        loop.stop(STOP_GRACE_MILLIS);
    }

    /** Ends the run once every torrent is done or failed: 0 only if none failed. */
    private void endIfAllOver() {
        exitCode = ExitCode.OK;
        for (Job j : jobs) {
            if (!j.over()) {
                return;
            }
            if (j.failure != null) {
                exitCode = ExitCode.FAILED;
            }
        }
        loop.stop(STOP_GRACE_MILLIS);
    }

    /** A failure of the whole process (a bug, a late disk fault): every torrent stops. */
    private void failed(String reason) {
        if (failedAlready) {
            return; // the first reason is the one worth reading; late faults repeat it
        }
        failedAlready = true;
        if (progress != null) {
            progress.clear();
        }
        err.println("skiff: " + reason);
        exitCode = ExitCode.FAILED;
        loop.stop(STOP_GRACE_MILLIS);
    }

    /** Runs {@code task} on the loop every {@code millis} until it stops. */
    private void every(long millis, Runnable task) {
        loop.schedule(millis, () -> {
            task.run();
            every(millis, task);
        });
    }

    /** --stop-timeout: a torrent that gained nothing for so long fails, saying why no data came. */
    private void giveUpWhereNothingArrives() {
        for (Job j : List.copyOf(jobs)) {
            Status s = j.torrent.status();
            if (!j.over() && !j.complete && j.quiet.expired(loop.nowMillis(), s.haveBytes())) {
                j.failed("nothing arrived for " + args.stopTimeoutSeconds + " s" + (s.stalled() != null ? " (" + s.stalled() + ")" : ""));
            }
        }
    }

    private void showProgress() {
        progress.show(rows());
    }

    private List<Progress.Row> rows() {
        List<Progress.Row> rows = new ArrayList<>();
        for (Job j : jobs) {
            Metainfo m = j.torrent.metainfo();
            boolean perFile = args.files && m != null && m.files().size() > 1;
            rows.add(new Progress.Row(j.torrent.status(), perFile ? m.files() : null, perFile ? j.torrent.download().fileBytesDone() : null,
                    session.dht() == null ? -1 : session.dht().nodes(), j.torrent.dhtPeers()));
        }
        return rows;
    }

    /** The end: one line (or JSON object) per torrent: size, time, average speed, peers used, ratio. */
    private void summary() {
        double secs = Math.max(0.001, (loop.nowMillis() - startMillis) / 1000.0);
        if (progress != null) {
            showProgress();
            progress.end();
        }
        for (Job j : jobs) {
            Status s = j.torrent.status();
            double ratio = s.totalBytes() == 0 ? 0 : (double) s.uploadedBytes() / s.totalBytes();
            // the torrent's own time: a magnet's download starts once its metadata is in
            Metainfo m = j.torrent.metainfo(); // where the data is: the file, or the torrent's folder
            String path = m == null ? null : j.torrent.download().root().resolve(m.name()).toAbsolutePath().normalize().toString();
            String line = Progress.summaryLine(s, path != null ? path : s.name(), j.complete, Math.max(0.001, s.elapsedMillis() / 1000.0),
                    args.seed);
            if (!args.quiet) {
                out.println(args.json ? Progress.jsonSummary(s, path, j.complete, secs, ratio) : line); // --json: every stdout line an object
            }
            if (args.logFile != null) {
                log.info(line); // -q is about the terminal: the log file gets the summary too
            }
        }
    }

    /** One torrent of the run, and what it tells the user interface (its log lines named when there are several). */
    private final class Job implements skiff.swarm.Events {
        final String name;
        private final String prefix;
        Torrent torrent;
        boolean complete;
        boolean done;
        String failure;
        final StopTimeout quiet = new StopTimeout(args.stopTimeoutSeconds * 1000L);

        Job(String name, boolean named) {
            this.name = name;
            this.prefix = named ? name + ": " : "";
        }

        boolean over() {
            return done || failure != null;
        }

        @Override
        public boolean debugging() {
            return log.enabled(Log.Level.DEBUG);
        }

        @Override
        public void debug(String message) {
            logged(Log.Level.DEBUG, prefix + message);
        }

        @Override
        public void info(String message) {
            logged(Log.Level.INFO, prefix + message);
        }

        @Override
        public void warn(String message) {
            logged(Log.Level.WARNING, prefix + message);
        }

        @Override
        public void completed() {
            complete = true;
            Metainfo m = torrent.metainfo();
            if (args.onComplete != null && m != null) {
                CompletionHook.run(workers, loop, args.onComplete, torrent.download().root().resolve(m.name()), m.name(),
                        m.infoHashHex(), w -> logged(Log.Level.WARNING, prefix + w));
            }
            if (args.seed && !args.quiet) {
                if (progress != null) {
                    progress.clear();
                }
                log.info(prefix + "download complete; seeding (Ctrl-C to stop)");
            }
        }

        @Override
        public void done() {
            done = true;
            endIfAllOver();
        }

        /** Alone, the run ends with this line; among others, this torrent stops and the rest go on. */
        @Override
        public void failed(String reason) {
            if (jobs.size() <= 1) {
                Client.this.failed(reason);
                return;
            }
            if (failure != null) {
                return;
            }
            failure = reason;
            if (progress != null) {
                progress.clear();
            }
            err.println("skiff: " + name + ": " + reason);
            torrent.stop(() -> { });
            endIfAllOver();
        }
    }
}
