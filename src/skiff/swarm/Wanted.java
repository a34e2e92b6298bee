package skiff.swarm;

import skiff.metainfo.Bitfield;
import skiff.metainfo.FileEntry;
import skiff.metainfo.Metainfo;

/**
 * The pieces a download wants (all of them, or those of the files selected) and how many of them
 * it still lacks: the download is done when it lacks none. Loop thread only.
 */
final class Wanted {
    private final Metainfo metainfo;
    private final FileSelection selection;
    private final Bitfield pieces;
    private final long totalBytes;
    private int missing;
    private long missingBytes;

    /** @throws StorageException when the selection names files the torrent does not have */
    static Wanted of(Metainfo metainfo, FileSelection selection) throws skiff.storage.StorageException {
        String unfit = selection == null ? null : selection.check(metainfo);
        if (unfit != null) {
            throw new skiff.storage.StorageException(unfit);
        }
        return new Wanted(metainfo, selection);
    }

    private Wanted(Metainfo metainfo, FileSelection selection) {
        this.metainfo = metainfo;
        this.selection = selection;
        if (selection == null) {
            pieces = new Bitfield(metainfo.pieceCount());
            for (int i = 0; i < metainfo.pieceCount(); i++) {
                pieces.set(i);
            }
        } else {
            pieces = selection.pieces(metainfo);
        }
        long total = 0;
        for (int i = pieces.nextSet(0); i >= 0; i = pieces.nextSet(i + 1)) {
            total += metainfo.pieceSize(i);
        }
        this.totalBytes = total;
        this.missing = pieces.count();
        this.missingBytes = total;
    }

    /** What the check of the data on disk found. */
    void had(Bitfield have) {
        missing = 0;
        missingBytes = 0;
        for (int i = pieces.nextSet(0); i >= 0; i = pieces.nextSet(i + 1)) {
            if (!have.get(i)) {
                missing++;
                missingBytes += metainfo.pieceSize(i);
            }
        }
    }

    /** A piece verified (once each). */
    void got(int piece) {
        if (pieces.get(piece)) {
            missing--;
            missingBytes -= metainfo.pieceSize(piece);
        }
    }

    boolean done() {
        return missing == 0;
    }

    boolean get(int piece) {
        return pieces.get(piece);
    }

    Bitfield pieces() {
        return pieces;
    }

    long totalBytes() {
        return totalBytes;
    }

    long missingBytes() {
        return missingBytes;
    }

    /** {@code done} per file, with -1 for each file not selected. */
    long[] markSkipped(long[] done) {
        if (selection != null) {
            boolean[] selected = selection.files(metainfo);
            for (int i = 0; i < done.length; i++) {
                if (!selected[i] && !metainfo.files().get(i).padding()) {
                    done[i] = -1;
                }
            }
        }
        return done;
    }

    /**
     * Per file: whether it must exist on disk, holding a byte of a wanted piece (or being selected
     * and empty); null when every file is wanted.
     */
    boolean[] files() {
        if (selection == null) {
            return null;
        }
        boolean[] out = selection.files(metainfo);
        boolean[] touched = new boolean[metainfo.files().size()];
        long pieceLength = metainfo.pieceLength();
        for (int i = 0; i < touched.length; i++) {
            FileEntry f = metainfo.files().get(i);
            if (f.padding()) {
                continue; // never written
            }
            if (f.length() == 0) {
                touched[i] = out[i];
                continue;
            }
            int last = (int) ((f.offset() + f.length() - 1) / pieceLength);
            int next = pieces.nextSet((int) (f.offset() / pieceLength));
            touched[i] = next >= 0 && next <= last;
        }
        return touched;
    }
}
