package skiff.swarm;

import java.util.Locale;

/** Where a torrent is in its life; the user interface shows {@link #label()}. */
public enum TorrentState {
    /** Known by its info-hash alone: its metainfo is still to come (from peers, BEP 9). */
    METADATA,
    STARTING, CHECKING, DOWNLOADING, SEEDING, COMPLETE, FAILED;

    /** The word the status line and JSON use. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
