package skiff.swarm;

import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import skiff.loop.EventLoop;
import skiff.metainfo.Bitfield;
import skiff.peer.CloseReason;
import skiff.peer.PeerConnection;
import skiff.storage.DiskIo;
import skiff.storage.FileMap;
import skiff.storage.ResumeFile;
import skiff.tracker.Announcer;

/**
 * How a download ends, and its seeding after: every peer told we want nothing more and fellow
 * seeds let go, the data and the resume file flushed, and only then the trackers and the user
 * told. Also each file forced to disk once it is finished, the resume file rewritten now and then
 * while downloading, and --seed-ratio and --seed-time watched.
 */
final class Completion {
    /** How often the resume file is rewritten while downloading. */
    static final long RESUME_SAVE_MILLIS = 60_000;
    /**
     * Verified bytes after which every file written since its last flush is forced, without a
     * save: a 1 GiB file's data then reaches the disk while it downloads, not in a 0.24 s fsync
     * after its last piece. Positional writes only: forcing a file while windows of it are mapped
     * write-protects each page in every mapping, and took --disk-io mmap from 1.8-2.0 to 2.3-2.7
     * CPU s per GiB.
     */
    static final long FLUSH_BYTES = 64L << 20;

    private final EventLoop loop;
    private final Executor workers;
    private final ResumeFile resume;
    private final Settings settings;
    private final Events events;
    private final Timeline timeline;
    private final Traffic traffic;
    private long lastSaveMillis;
    private FinishedFiles finishedFiles;
    private FileMap map;
    private long verifiedSinceFlush;

    Completion(EventLoop loop, Executor workers, ResumeFile resume, Settings settings, Events events, Timeline timeline,
               Traffic traffic) {
        this.loop = loop;
        this.workers = workers;
        this.resume = resume;
        this.settings = settings;
        this.events = events;
        this.timeline = timeline;
        this.traffic = traffic;
    }

    /** The swarm runs: the first periodic save is one period from now. */
    void started(long now) {
        lastSaveMillis = now;
    }

    /** The download runs from {@code have}: from now on a file is forced to disk once it is finished. */
    void track(FileMap map, Bitfield have) {
        this.map = map;
        finishedFiles = new FinishedFiles(map, have);
    }

    /** {@code piece} passed its hash check. */
    void verified(int piece) {
        if (finishedFiles == null) {
            return;
        }
        finishedFiles.verified(piece, file -> resume.flushSoon(file, workers, loop));
        verifiedSinceFlush += map.metainfo().pieceSize(piece);
        if (verifiedSinceFlush >= FLUSH_BYTES && settings.diskIo() == DiskIo.POSITIONAL) {
            verifiedSinceFlush = 0;
            resume.flushAllSoon(workers, loop);
        }
    }

    /** Saves the resume file on a worker, after the data; {@code after} hears the error, or null, on the loop. */
    void save(Bitfield have, Consumer<IOException> after) {
        resume.saveAfterFlush(have.copy(), workers, loop, after);
    }

    /** While downloading: a save every {@link #RESUME_SAVE_MILLIS}; a failed one is retried at the next. */
    void tick(long now, Bitfield have) {
        if (now - lastSaveMillis >= RESUME_SAVE_MILLIS) {
            lastSaveMillis = now;
            save(have, error -> { });
        }
    }

    /**
     * Every piece is verified. {@code announcer} (or null) hears "completed" unless the download
     * started complete; {@code fail} hears a flush that failed.
     */
    void finish(Collection<PeerConnection<PeerState>> peers, Bitfield have, Announcer announcer, boolean startedComplete,
                Consumer<String> fail) {
        for (PeerConnection<PeerState> c : List.copyOf(peers)) {
            c.send().interested(false);
            if (c.peerPieces().complete() || WebSeeds.is(c)) { // a web seed takes nothing from us
                c.close(CloseReason.BOTH_SEEDS, null);
            }
        }
        save(have, error -> {
            if (error != null) {
                fail.accept("cannot flush data to disk: " + error.getMessage());
                return;
            }
            timeline.completed(loop.nowMillis());
            if (announcer != null && !startedComplete) {
                announcer.completed();
            }
            events.completed();
            if (!settings.seed()) {
                events.done();
            }
        });
    }

    /** --seed-ratio and --seed-time end seeding. */
    void checkSeedingLimits(long now) {
        String reached = timeline.seedingLimitReached(now, traffic.uploaded());
        if (reached != null) {
            events.info(reached);
            events.done();
        }
    }
}
