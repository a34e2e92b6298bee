package skiff.swarm;

import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import skiff.metainfo.FileEntry;
import skiff.storage.FileMap;
import skiff.storage.Storage;
import skiff.metainfo.Bitfield;
import skiff.metainfo.Metainfo;
import skiff.storage.HashPool;
import skiff.storage.ResumeFile;

/**
 * Verifies the data already in the download directory, piece by piece on the worker pool, a few
 * at a time. Pieces whose files are missing or short are skipped without reading.
 */
final class Checker {
    /** Hash jobs in flight while checking: enough to keep the workers busy, few enough to stay small. */
    static final int IN_FLIGHT = 4;

    private final Metainfo metainfo;
    private final HashPool hashes;
    private final Bitfield candidates;
    private final Bitfield good;
    private final Consumer<Bitfield> done;
    private final Progress progress;
    private int next;
    private int outstanding;

    /** How far a check has come, for the status line: pieces checked of those to check. Loop thread only. */
    static final class Progress {
        private int checked;
        private int total = -1;

        /** The fraction checked, or -1 while no check runs. */
        double fraction() {
            return total <= 0 || checked >= total ? -1 : (double) checked / total;
        }
    }

    /** {@code candidates}: pieces whose bytes all exist on disk. */
    Checker(Metainfo metainfo, HashPool hashes, Bitfield candidates, Progress progress, Consumer<Bitfield> done) {
        this.metainfo = metainfo;
        this.progress = progress;
        progress.total = candidates.count();
        progress.checked = 0;
        this.hashes = hashes;
        this.candidates = candidates;
        this.good = new Bitfield(metainfo.pieceCount());
        this.done = done;
    }

    /**
     * What is already on disk, for a start: the resume file's word where it has one (unless
     * {@code recheck}), else every piece whose bytes are all present, hashed. {@code done} gets the good pieces, on the loop.
     */
    static void existing(Executor workers, Executor loop, Storage storage, HashPool hashes, ResumeFile resume, boolean recheck,
                         Events events, Progress progress, Consumer<Bitfield> done) {
        Metainfo metainfo = storage.map().metainfo();
        workers.execute(() -> {
            Bitfield fromResume = recheck ? null : resume.load(); // --check: the data alone says what is there
            Bitfield candidates = fromResume == null ? presentPieces(storage) : null;
            loop.execute(() -> {
                if (fromResume != null) {
                    events.info("resume: " + fromResume.count() + " of " + metainfo.pieceCount() + " pieces verified earlier");
                    done.accept(fromResume);
                } else if (candidates.count() == 0) {
                    done.accept(new Bitfield(metainfo.pieceCount()));
                } else {
                    events.info("checking " + candidates.count() + " pieces already on disk");
                    new Checker(metainfo, hashes, candidates, progress, good -> {
                        events.info("check: " + good.count() + " of " + metainfo.pieceCount() + " pieces are good");
                        done.accept(good);
                    }).start();
                }
            });
        });
    }

    void start() {
        next = candidates.nextSet(0);
        pump();
    }

    private void pump() {
        while (outstanding < IN_FLIGHT && next >= 0) {
            int piece = next;
            next = candidates.nextSet(next + 1);
            outstanding++;
            hashes.verify(piece, v -> {
                outstanding--;
                progress.checked++;
                if (v == HashPool.Verdict.GOOD) {
                    good.set(piece);
                }
                pump();
            });
        }
        if (outstanding == 0 && next < 0) {
            done.accept(good);
        }
    }

    /** Pieces whose bytes all exist on disk (files present and long enough). Blocking: runs on a worker. */
    static Bitfield presentPieces(Storage storage) {
        Metainfo metainfo = storage.map().metainfo();
        Bitfield present = new Bitfield(metainfo.pieceCount());
        for (int p = 0; p < metainfo.pieceCount(); p++) {
            present.set(p);
        }
        List<FileEntry> files = storage.map().files();
        for (int f = 0; f < files.size(); f++) {
            FileEntry e = files.get(f);
            if (e.padding() || e.length() == 0) {
                continue;
            }
            // 0 for a file not there, with no exception to make: a first start finds thousands missing
            long size = storage.path(f).toFile().length();
            if (size < e.length()) {
                int[] range = storage.map().pieceRange(f);
                for (int p = range[0]; p <= range[1]; p++) {
                    present.clear(p);
                }
            }
        }
        return present;
    }

    /** Verified bytes per file, for the per-file view. */
    static long[] bytesPerFile(FileMap map, Bitfield have) {
        Metainfo metainfo = map.metainfo();
        List<FileEntry> files = map.files();
        long[] done = new long[files.size()];
        if (have == null) {
            return done;
        }
        long pieceLength = metainfo.pieceLength();
        for (int f = 0; f < files.size(); f++) {
            FileEntry e = files.get(f);
            if (e.length() == 0) {
                continue;
            }
            int[] range = map.pieceRange(f);
            for (int p = have.nextSet(range[0]); p >= 0 && p <= range[1]; p = have.nextSet(p + 1)) {
                long start = Math.max(e.offset(), p * pieceLength);
                long end = Math.min(e.offset() + e.length(), p * pieceLength + metainfo.pieceSize(p));
                done[f] += Math.max(0, end - start);
            }
        }
        return done;
    }
}
