package skiff.dht;

/** What the DHT node has done, for the log, --json and the tests. Loop thread only. */
public final class DhtStats {
    int nodes;
    int goodNodes;
    int buckets;
    int storedTorrents;
    long queriesSent;
    long answers;
    long errors;
    long timeouts;
    long queriesReceived;
    long rateLimited;
    long announcesReceived;
    /** Datagrams that were not KRPC, came from port 0, or carried our own id. */
    long garbage;
    /** Why the last datagram that was not KRPC was refused, for the debug log. */
    String lastGarbage;
    /** Answers with a transaction id we did not send, or from another address than we asked. */
    long unexpected;
    long lookups;
    long lookupQueries;
    long peersFound;

    DhtStats() {
    }

    public int nodes() {
        return nodes;
    }

    public int goodNodes() {
        return goodNodes;
    }

    public long peersFound() {
        return peersFound;
    }

    public long garbage() {
        return garbage;
    }

    public long unexpected() {
        return unexpected;
    }

    public long lookups() {
        return lookups;
    }

    public long queriesReceived() {
        return queriesReceived;
    }

    @Override
    public String toString() {
        return "nodes " + nodes + " (" + goodNodes + " good, " + buckets + " buckets), queries sent " + queriesSent
            + ", answered " + answers + ", timed out " + timeouts + ", errors " + errors + "; queries received "
            + queriesReceived + " (rate-limited " + rateLimited + ", announces " + announcesReceived + "), garbage "
            + garbage + (lastGarbage != null ? " (last: " + lastGarbage + ")" : "") + ", unexpected " + unexpected + "; lookups " + lookups + " (" + lookupQueries + " queries), peers found "
            + peersFound + ", torrents stored " + storedTorrents;
    }
}
