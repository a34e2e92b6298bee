package skiff.tracker;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * A tracker's answer: when to come back, the peers it gave, swarm counts (-1 when not told),
 * an optional warning, and the tracker id to echo next time (HTTP only).
 */
public record AnnounceResponse(int intervalSeconds, int minIntervalSeconds, List<InetSocketAddress> peers,
                               int seeders, int leechers, String warning, byte[] trackerId) {
    public AnnounceResponse {
        peers = List.copyOf(peers);
    }
}
