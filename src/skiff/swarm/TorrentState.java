package skiff.swarm;

import java.util.Locale;

/** Where a torrent is in its life; the user interface shows {@link #label()}. */
public enum TorrentState {
    STARTING, CHECKING, DOWNLOADING, SEEDING, COMPLETE, FAILED;

    /** The word the status line and JSON use. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
