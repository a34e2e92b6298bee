package skiff.dht;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * Peers other nodes announced to us (BEP 5's announce_peer), per info-hash, each for 30 minutes.
 * Bounded: libtorrent's limits of 2,000 info-hashes; 100 peers each, the oldest giving way.
 */
final class PeerStore {
    static final long PEER_MILLIS = 30 * 60_000;
    static final int MAX_TORRENTS = 2000;
    static final int MAX_PEERS_PER_TORRENT = 100;

    /** Per info-hash: peer to when it announced, oldest first. */
    private final Map<NodeId, LinkedHashMap<InetSocketAddress, Long>> torrents = new HashMap<>();

    void announce(NodeId infoHash, InetSocketAddress peer, long now) {
        LinkedHashMap<InetSocketAddress, Long> peers = torrents.get(infoHash);
        if (peers == null) {
            if (torrents.size() >= MAX_TORRENTS) {
                return; // full: a flood of made-up info-hashes cannot push out real ones
            }
            peers = new LinkedHashMap<>();
            torrents.put(infoHash, peers);
        }
        peers.remove(peer);
        peers.put(peer, now);
        if (peers.size() > MAX_PEERS_PER_TORRENT) {
            Iterator<InetSocketAddress> oldest = peers.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
    }

    /** Up to {@code max} peers for the info-hash, drawn at random when there are more. */
    List<InetSocketAddress> peers(NodeId infoHash, int max, RandomGenerator random) {
        LinkedHashMap<InetSocketAddress, Long> peers = torrents.get(infoHash);
        if (peers == null) {
            return List.of();
        }
        List<InetSocketAddress> all = new ArrayList<>(peers.keySet());
        if (all.size() > max) {
            for (int i = all.size() - 1; i > 0; i--) {
                Collections.swap(all, i, random.nextInt(i + 1));
            }
            return new ArrayList<>(all.subList(0, max));
        }
        return all;
    }

    void expire(long now) {
        for (Iterator<LinkedHashMap<InetSocketAddress, Long>> it = torrents.values().iterator(); it.hasNext(); ) {
            LinkedHashMap<InetSocketAddress, Long> peers = it.next();
            peers.values().removeIf(t -> now - t >= PEER_MILLIS);
            if (peers.isEmpty()) {
                it.remove();
            }
        }
    }

    int torrents() {
        return torrents.size();
    }
}
