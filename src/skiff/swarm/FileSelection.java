package skiff.swarm;

import java.util.ArrayList;
import java.util.List;
import skiff.metainfo.Bitfield;
import skiff.metainfo.FileEntry;
import skiff.metainfo.Metainfo;

/**
 * --select-file: the files to download, by their numbers in {@code skiff show}'s list (from 1;
 * padding files are not counted), as aria2 takes them: {@code 1,3-5}. The pieces that hold a byte
 * of a selected file are fetched whole, so a file sharing a piece with a selected one gets that
 * piece's bytes too (as with aria2 and Transmission). Or a magnet link's {@code so=} (BEP 53):
 * indices from 0 into the info dictionary's list of files, padding files counted (as libtorrent
 * counts them), never selected. Immutable.
 */
public final class FileSelection {
    /** A torrent has at most this many files worth numbering; larger numbers are typos. */
    static final int MAX_NUMBER = 10_000_000;

    private final List<int[]> ranges;
    private final String text;
    private final boolean byIndex; // so=: from 0, over every file of the info dictionary

    private FileSelection(List<int[]> ranges, String text, boolean byIndex) {
        this.ranges = ranges;
        this.text = text;
        this.byIndex = byIndex;
    }

    /** @throws IllegalArgumentException with the reason, for a list that is not numbers and ranges from 1 */
    public static FileSelection parse(String s) {
        return parse(s, false);
    }

    /** A magnet link's so= (BEP 53), already checked by MagnetLink: indices from 0. */
    public static FileSelection ofIndices(String so) {
        return parse(so, true);
    }

    private static FileSelection parse(String s, boolean byIndex) {
        List<int[]> ranges = new ArrayList<>();
        for (String part : s.split(",", -1)) {
            String p = part.trim();
            int dash = p.indexOf('-');
            int from = number(dash < 0 ? p : p.substring(0, dash), s, byIndex ? 0 : 1);
            int to = dash < 0 ? from : number(p.substring(dash + 1), s, byIndex ? 0 : 1);
            if (to < from) {
                throw new IllegalArgumentException("'" + p + "' is a range backwards");
            }
            ranges.add(new int[] {from, to});
        }
        return new FileSelection(List.copyOf(ranges), s, byIndex);
    }

    private static int number(String n, String whole, int min) {
        String t = n.trim();
        if (t.isEmpty() || t.length() > 8 || !t.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("'" + whole + "' is not a list of file numbers such as 1,3-5");
        }
        int v = Integer.parseInt(t);
        if (v < min || v > MAX_NUMBER) {
            throw new IllegalArgumentException("file numbers start at " + min + ": '" + whole + "'");
        }
        return v;
    }

    /** Why the selection does not fit {@code m} (a number past its files), or null. */
    public String check(Metainfo m) {
        int files = byIndex ? m.files().size() : (int) m.files().stream().filter(f -> !f.padding()).count();
        for (int[] r : ranges) {
            if (r[1] > files - (byIndex ? 1 : 0)) {
                return (byIndex ? "the magnet link's so=" : "--select-file ") + text + ": " + m.name() + " has " + files
                    + (files == 1 ? " file" : " files") + (byIndex ? ", counted from 0" : "");
            }
        }
        return null;
    }

    private boolean numbered(int n) {
        for (int[] r : ranges) {
            if (n >= r[0] && n <= r[1]) {
                return true;
            }
        }
        return false;
    }

    /** Per file of {@code m} (padding files included, never selected): whether it is selected. */
    boolean[] files(Metainfo m) {
        List<FileEntry> files = m.files();
        boolean[] out = new boolean[files.size()];
        int n = 0;
        for (int i = 0; i < files.size(); i++) {
            if (!files.get(i).padding()) {
                n++;
                out[i] = numbered(byIndex ? i : n);
            }
        }
        return out;
    }

    /** The pieces that hold a byte of a selected file (a selected empty file needs none). */
    Bitfield pieces(Metainfo m) {
        Bitfield b = new Bitfield(m.pieceCount());
        boolean[] selected = files(m);
        long pieceLength = m.pieceLength();
        for (int i = 0; i < selected.length; i++) {
            FileEntry f = m.files().get(i);
            if (selected[i] && f.length() > 0) {
                for (long p = f.offset() / pieceLength; p <= (f.offset() + f.length() - 1) / pieceLength; p++) {
                    b.set((int) p);
                }
            }
        }
        return b;
    }

    @Override
    public String toString() {
        return text;
    }
}
