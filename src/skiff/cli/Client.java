package skiff.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
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
        ExecutorService workers = WorkerPool.create(WorkerPool.defaultThreads());
        try {
            byte[] peerId = peerId(random);
            Settings settings = new Settings(args.maxPeers, args.port, peerId, Settings.DEFAULT_CONNECT_TIMEOUT_MILLIS,
                    Settings.DEFAULT_TICK_MILLIS);
            try {
                download = new Download(loop, workers, metainfo, Path.of(args.downloadDir), settings, this, random);
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
            download.announcer(new Announcer(loop, tiers, metainfo.infoHash(), peerId, args.port, random, download, download));
            loop.onShutdown(done -> download.stop(done));
            if (!args.quiet) {
                boolean terminal = System.console() != null;
                progress = new Progress(out, terminal, Progress.terminalWidth());
                long every = terminal ? TERMINAL_REFRESH_MILLIS : PLAIN_STATUS_MILLIS;
                loop.schedule(every, new Runnable() {
                    @Override
                    public void run() {
                        progress.show(download.status());
                        loop.schedule(every, this);
                    }
                });
            }
            CountDownLatch ended = new CountDownLatch(1);
            Thread hook = new Thread(() -> {
                exitCode = ExitCode.INTERRUPTED;
                loop.stop(STOP_GRACE_MILLIS);
                try {
                    ended.await(STOP_GRACE_MILLIS + 2000, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "skiff-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            startMillis = loop.nowMillis();
            log.info(metainfo.name() + ": " + Units.bytes(metainfo.totalLength()) + " in " + metainfo.pieceCount()
                    + " pieces, info-hash " + metainfo.infoHashHex());
            loop.execute(download::start);
            try {
                loop.run();
            } finally {
                if (progress != null) {
                    progress.end();
                }
                ended.countDown();
            }
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down (Ctrl-C): the hook owns the exit
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
        if (log.enabled(level) && progress != null) {
            progress.clear();
        }
        log.log(level, message);
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

    @Override
    public void finished() {
        Status s = download.status();
        if (progress != null) {
            progress.show(s);
            progress.end();
        }
        double secs = Math.max(0.001, (loop.nowMillis() - startMillis) / 1000.0);
        if (!args.quiet) {
            out.println("done: " + download.metainfo().name() + ", " + Units.bytes(s.totalBytes()) + " in "
                    + String.format(java.util.Locale.ROOT, "%.1f", secs) + " s, average "
                    + Units.bytes((long) (s.downloadedBytes() / secs)) + "/s, downloaded " + Units.bytes(s.downloadedBytes())
                    + ", uploaded " + Units.bytes(s.uploadedBytes()));
        }
        exitCode = ExitCode.OK;
        loop.stop(STOP_GRACE_MILLIS);
    }

    @Override
    public void failed(String reason) {
        if (progress != null) {
            progress.clear();
        }
        err.println("skiff: " + reason);
        exitCode = ExitCode.FAILED;
        loop.stop(STOP_GRACE_MILLIS);
    }
}
