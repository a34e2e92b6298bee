package skiff.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import skiff.loop.Clock;
import skiff.loop.Dns;
import skiff.loop.EventLoop;
import skiff.loop.WorkerPool;
import skiff.metainfo.Metainfo;
import skiff.storage.StorageException;
import skiff.swarm.Download;
import skiff.swarm.Events;
import skiff.swarm.Settings;
import skiff.swarm.Status;
import skiff.swarm.TcpNetwork;
import skiff.tracker.Announcer;
import skiff.tracker.Tracker;
import skiff.tracker.Trackers;
import skiff.tracker.UdpTracker;

/** Wires one download by hand (loop, workers, trackers, swarm, progress) and runs it to an exit code. */
final class Client implements Events {
    /** Bounded wait for `stopped` announces and the resume file on shutdown (issue: a few seconds). */
    static final long STOP_GRACE_MILLIS = 4000;
    static final long HTTP_TRACKER_TIMEOUT_MILLIS = 30_000;
    static final long TERMINAL_REFRESH_MILLIS = 500;
    static final long PLAIN_STATUS_MILLIS = 5000;

    private final Args args;
    private final Log log;
    private final PrintStream out;
    private final PrintStream err;
    private EventLoop loop;
    private Download download;
    private Progress progress;
    private volatile int exitCode = ExitCode.FAILED;
    private volatile boolean stopping;
    private volatile boolean complete;
    private boolean failedAlready;
    private long startMillis;

    Client(Args args, Log log, PrintStream out, PrintStream err) {
        this.args = args;
        this.log = log;
        this.out = out;
        this.err = err;
    }

    int run(Metainfo metainfo) throws IOException {
        SplittableRandom random = new SplittableRandom(new SecureRandom().nextLong());
        loop = new EventLoop(Clock.system(), m -> log.warn(m));
        loop.onTaskError(e -> failed("internal error: " + e + " (please report it)"));
        // the storage's own catch words this; a late fault (raised past that catch) is worded the same
        loop.onMappedFault(e -> failed(download == null ? "internal error: " + e
                : "disk full (or file truncated) writing " + download.root()));
        ExecutorService workers = WorkerPool.create(WorkerPool.defaultThreads());
        try {
            byte[] peerId = peerId(random);
            InetAddress bind;
            try {
                bind = args.bind == null ? null : InetAddress.getByName(args.bind);
            } catch (UnknownHostException e) {
                err.println("skiff: cannot bind to " + args.bind + ": unknown address");
                return ExitCode.FAILED;
            }
            List<InetSocketAddress> givenPeers = new ArrayList<>();
            for (InetSocketAddress p : args.peers) {
                try { // before the loop runs, like --bind: a name lookup may block
                    givenPeers.add(new InetSocketAddress(InetAddress.getByName(p.getHostString()), p.getPort()));
                } catch (UnknownHostException e) {
                    err.println("skiff: cannot use peer " + p.getHostString() + ":" + p.getPort() + ": unknown host");
                    return ExitCode.FAILED;
                }
            }
            Settings settings = new Settings(args.maxPeers, bind, args.port, peerId, Settings.DEFAULT_CONNECT_TIMEOUT_MILLIS,
                    Settings.DEFAULT_TICK_MILLIS, args.unchokeSlots, args.uploadLimitKib * 1024, args.seed, args.seedRatio,
                    args.seedTimeMinutes * 60_000, args.diskIo);
            try {
                TcpNetwork network = TcpNetwork.bind(loop, new InetSocketAddress(bind, args.port));
                try {
                    download = new Download(loop, workers, metainfo, Path.of(args.downloadDir), settings, this, random, network);
                } catch (StorageException e) {
                    network.close();
                    throw e;
                }
            } catch (StorageException e) {
                err.println("skiff: " + e.getMessage());
                return ExitCode.FAILED;
            }
            Dns dns = new Dns(loop, workers);
            Trackers trackers = new Trackers(loop, dns, random, null, HTTP_TRACKER_TIMEOUT_MILLIS,
                    UdpTracker.DEFAULT_BASE_TIMEOUT_MILLIS, UdpTracker.DEFAULT_MAX_RETRANSMITS, "skiff/" + Main.VERSION);
            List<List<Tracker>> tiers = new ArrayList<>();
            for (List<String> tier : metainfo.tiers()) {
                List<Tracker> t = new ArrayList<>();
                for (String url : tier) {
                    Tracker tracker = trackers.create(url);
                    if (tracker == null) {
                        log.debug("skipping tracker " + url + ": unsupported scheme");
                    } else {
                        t.add(tracker);
                    }
                }
                tiers.add(t);
            }
            download.announcer(new Announcer(loop, tiers, metainfo.infoHash(), peerId, args.port, random, download, download.trackerListener()));
            loop.onShutdown(done -> download.stop(done));
            if (!args.quiet) {
                boolean terminal = Progress.stdoutIsTerminal();
                progress = new Progress(out, terminal, args.json, Progress.terminalWidth());
                long every = terminal && !args.json ? TERMINAL_REFRESH_MILLIS : args.statusIntervalSeconds * 1000L;
                loop.schedule(every, new Runnable() {
                    @Override
                    public void run() {
                        showProgress();
                        loop.schedule(every, this);
                    }
                });
            }
            Runnable restoreSignals = Signals.install(this::interrupted);
            startMillis = loop.nowMillis();
            log.info(metainfo.name() + ": " + Units.bytes(metainfo.totalLength()) + " in " + metainfo.pieceCount()
                    + " pieces, info-hash " + metainfo.infoHashHex());
            download.addPeers(givenPeers);
            loop.execute(download::start);
            try {
                loop.run();
            } finally {
                restoreSignals.run();
            }
            if (exitCode != ExitCode.FAILED) {
                summary();
            } else if (progress != null) {
                progress.end();
            }
            return exitCode;
        } finally {
            WorkerPool.shutdown(workers, 1000);
        }
    }

    /** Azureus-style peer id (BEP 20): client code and version, then random printable bytes. */
    static byte[] peerId(SplittableRandom random) {
        String prefix = "-SK" + Main.VERSION.replace(".", "").substring(0, 3) + "0-";
        String alphabet = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
        StringBuilder b = new StringBuilder(prefix);
        while (b.length() < 20) {
            b.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return b.toString().getBytes(StandardCharsets.US_ASCII);
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

    @Override
    public boolean debugging() {
        return log.enabled(Log.Level.DEBUG);
    }

    @Override
    public void debug(String message) {
        logged(Log.Level.DEBUG, message);
    }

    @Override
    public void info(String message) {
        logged(Log.Level.INFO, message);
    }

    @Override
    public void warn(String message) {
        logged(Log.Level.WARNING, message);
    }

    /**
     * Ctrl-C or SIGTERM: stop gracefully (announce `stopped`, flush, write the resume file) and
     * exit 130, or 0 for SIGTERM once the download is complete (the user ends seeding). A second
     * signal exits at once; the resume file on disk stays valid.
     */
    private void interrupted(String signal) {
        if (stopping) {
            Runtime.getRuntime().halt(ExitCode.INTERRUPTED);
        }
        stopping = true;
        exitCode = signal.equals("TERM") && complete ? ExitCode.OK : ExitCode.INTERRUPTED;
        loop.stop(STOP_GRACE_MILLIS);
    }

    @Override
    public void completed() {
        complete = true;
        if (args.seed && !args.quiet) {
            if (progress != null) {
                progress.clear();
            }
            log.info("download complete; seeding (Ctrl-C to stop)");
        }
    }

    @Override
    public void done() {
        exitCode = ExitCode.OK;
        loop.stop(STOP_GRACE_MILLIS);
    }

    private void showProgress() {
        boolean perFile = args.files && download.metainfo().files().size() > 1;
        progress.show(download.status(), perFile ? download.metainfo().files() : null,
                perFile ? download.fileBytesDone() : null);
    }

    /** One line at the end: size, time, average speed, peers used, ratio. */
    private void summary() {
        Status s = download.status();
        if (progress != null) {
            showProgress();
            progress.end();
        }
        double secs = Math.max(0.001, (loop.nowMillis() - startMillis) / 1000.0);
        double ratio = s.totalBytes() == 0 ? 0 : (double) s.uploadedBytes() / s.totalBytes();
        String line = summaryLine(s, complete, secs);
        if (!args.quiet) {
            out.println(args.json ? Progress.jsonSummary(s, complete, secs, ratio) : line); // --json: every stdout line an object
        }
        if (args.logFile != null) {
            log.info(line); // -q is about the terminal: the log file gets the summary too
        }
    }

    /**
     * The last line: the download's size, time and speed (up to completion, not counting the
     * seeding after it), then seeding time, uploaded bytes and ratio.
     */
    static String summaryLine(Status s, boolean complete, double totalSeconds) {
        double downloadSeconds = s.completedAfterMillis() >= 0 ? Math.max(0.001, s.completedAfterMillis() / 1000.0) : totalSeconds;
        double seedingSeconds = s.completedAfterMillis() >= 0 ? Math.max(0, totalSeconds - downloadSeconds) : 0;
        double ratio = s.totalBytes() == 0 ? 0 : (double) s.uploadedBytes() / s.totalBytes();
        return (complete ? "done: " : "stopped: ") + s.name() + ", " + Units.bytes(s.haveBytes()) + " of "
                + Units.bytes(s.totalBytes()) + " in " + Units.decimal(downloadSeconds, 1) + " s, average "
                + Units.bytes((long) (s.downloadedBytes() / downloadSeconds)) + "/s, downloaded " + Units.bytes(s.downloadedBytes())
                + ", peers used " + s.peersUsed() + (seedingSeconds >= 0.05 ? "; seeded " + Units.decimal(seedingSeconds, 1) + " s" : "")
                + ", uploaded " + Units.bytes(s.uploadedBytes()) + ", ratio " + Units.decimal(ratio, 2);
    }

    @Override
    public void failed(String reason) {
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
}
