package skiff.storage;

import java.util.List;
import java.util.function.Consumer;
import skiff.metainfo.FileEntry;
import skiff.metainfo.Metainfo;

/** Maps ranges of the torrent's byte stream onto its files, across file boundaries. */
public final class FileMap {
    /** One contiguous part of a range inside one file. */
    public record Segment(int file, long fileOffset, int length, boolean padding) {
    }

    private final List<FileEntry> files;
    private final long[] starts;
    private final Metainfo metainfo;

    public FileMap(Metainfo metainfo) {
        this.metainfo = metainfo;
        this.files = metainfo.files();
        this.starts = new long[files.size()];
        for (int i = 0; i < files.size(); i++) {
            starts[i] = files.get(i).offset();
        }
    }

    public Metainfo metainfo() {
        return metainfo;
    }

    public List<FileEntry> files() {
        return files;
    }

    public long pieceOffset(int piece) {
        return (long) piece * metainfo.pieceLength();
    }

    /** Calls {@code out} for each file segment of [offset, offset+length), in order; empty files are skipped. */
    public void segments(long offset, int length, Consumer<Segment> out) {
        int f = fileAt(offset);
        long pos = offset;
        long end = offset + length;
        while (pos < end && f < files.size()) {
            FileEntry e = files.get(f);
            long fileEnd = e.offset() + e.length();
            if (fileEnd > pos) {
                int n = (int) (Math.min(end, fileEnd) - pos);
                out.accept(new Segment(f, pos - e.offset(), n, e.padding()));
                pos += n;
            }
            f++;
        }
    }

    /** The first segment of [offset, offset+length), or null past the end of the torrent. */
    public Segment first(long offset, int length) {
        for (int f = fileAt(offset); f < files.size(); f++) {
            FileEntry e = files.get(f);
            long fileEnd = e.offset() + e.length();
            if (fileEnd > offset) {
                return new Segment(f, offset - e.offset(), (int) Math.min(length, fileEnd - offset), e.padding());
            }
        }
        return null;
    }

    /** The last file whose start is at or before {@code offset} (zero-length files share starts). */
    int fileAt(long offset) {
        int lo = 0;
        int hi = starts.length - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (starts[mid] <= offset) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        // step back over empty files that start at the same offset so none is skipped wrongly
        while (lo > 0 && starts[lo - 1] == starts[lo] && files.get(lo - 1).length() == 0) {
            lo--;
        }
        return lo;
    }

    /** Pieces [first, last] that touch file {@code f}; for a 0-byte file first > last. */
    public int[] pieceRange(int f) {
        FileEntry e = files.get(f);
        if (e.length() == 0) {
            return new int[] {1, 0};
        }
        int pl = metainfo.pieceLength();
        return new int[] {(int) (e.offset() / pl), (int) ((e.offset() + e.length() - 1) / pl)};
    }
}
