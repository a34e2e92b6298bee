package skiff.metainfo;

import java.util.List;

/**
 * One file of a torrent: its safe relative path (already checked by {@link PathSafety}), its
 * length, its offset in the torrent's byte stream, and whether it is a BEP 47 padding file,
 * which is never written to disk.
 */
public record FileEntry(List<String> path, long length, long offset, boolean padding) {
    public FileEntry {
        path = List.copyOf(path);
    }

    /** The path joined with '/', for display. */
    public String displayPath() {
        return String.join("/", path);
    }
}
