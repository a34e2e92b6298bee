package skiff.swarm;

import java.util.function.Consumer;
import skiff.metainfo.Bitfield;
import skiff.metainfo.Metainfo;
import skiff.storage.HashPool;

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
    private int next;
    private int outstanding;

    /** {@code candidates}: pieces whose bytes all exist on disk. */
    Checker(Metainfo metainfo, HashPool hashes, Bitfield candidates, Consumer<Bitfield> done) {
        this.metainfo = metainfo;
        this.hashes = hashes;
        this.candidates = candidates;
        this.good = new Bitfield(metainfo.pieceCount());
        this.done = done;
    }

    void start() {
        next = candidates.nextSet(0);
        pump();
    }

    int checked() {
        return next < 0 ? candidates.count() : candidates.count() - remainingFrom(next);
    }

    private int remainingFrom(int from) {
        int n = 0;
        for (int i = candidates.nextSet(from); i >= 0; i = candidates.nextSet(i + 1)) {
            n++;
        }
        return n;
    }

    private void pump() {
        while (outstanding < IN_FLIGHT && next >= 0) {
            int piece = next;
            next = candidates.nextSet(next + 1);
            outstanding++;
            hashes.verify(piece, v -> {
                outstanding--;
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
}
