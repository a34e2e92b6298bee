package skiff.swarm;

/** A snapshot for the progress line. Rates are smoothed bytes per second. */
public record Status(String state, long totalBytes, long haveBytes, long downloadedBytes, long uploadedBytes,
                     double downRate, double upRate, int connections, int knownPeers, int seeds,
                     int havePieces, int pieceCount, int peersUsed) {
    public double fraction() {
        return totalBytes == 0 ? 1 : (double) haveBytes / totalBytes;
    }
}
