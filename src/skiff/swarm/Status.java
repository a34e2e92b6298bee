package skiff.swarm;

/**
 * A snapshot for the progress line: the torrent's name and info-hash, time since it started, and
 * when it completed (-1: not yet). Rates are smoothed bytes per second. {@code stalled}: why no
 * data arrives, or null; {@code closes}: connections closed per reason (lower case), non-zero only;
 * {@code droppedTrackerReplies}: UDP tracker replies dropped as late, foreign or malformed;
 * {@code checkedFraction}: how much of the data on disk a check has verified so far, -1 when none runs.
 */
public record Status(String name, String infoHashHex, long elapsedMillis, long completedAfterMillis, TorrentState state, long totalBytes, long haveBytes, long downloadedBytes, long uploadedBytes,
                     double downRate, double upRate, int connections, int knownPeers, int seeds,
                     int havePieces, int pieceCount, int peersUsed, String stalled, java.util.Map<String, Integer> closes,
                     long droppedTrackerReplies, double checkedFraction) {
    public double fraction() {
        return totalBytes == 0 ? (state == TorrentState.METADATA ? 0 : 1) : (double) haveBytes / totalBytes;
    }
}
