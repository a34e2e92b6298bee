package skiff.dht;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.random.RandomGenerator;
import skiff.bencode.Dicts;

/**
 * The answering half of a DHT node (BEP 5): ping, find_node, get_peers (with a token) and
 * announce_peer (the token checked, the peer kept 30 minutes), error 204 for anything else. Each
 * source address is rate-limited, and no answer is much larger than its query: at most k nodes
 * or {@link #MAX_VALUES_SENT} peers, so skiff is no one's amplifier.
 */
final class Answers {
    /** Peers per get_peers answer: about 300 bytes, a few times a 95-byte query. */
    static final int MAX_VALUES_SENT = 32;

    private final NodeId self;
    private final RoutingTable table;
    private final Dht.Sender sender;
    private final RandomGenerator random;
    private final DhtStats stats;
    private final Tokens tokens;
    private final PeerStore store = new PeerStore();
    private final RateLimit rateLimit = new RateLimit();
    private long expiredMillis;

    Answers(NodeId self, RoutingTable table, Dht.Sender sender, RandomGenerator random, DhtStats stats, long now) {
        this.self = self;
        this.table = table;
        this.sender = sender;
        this.random = random;
        this.stats = stats;
        this.tokens = new Tokens(random, now);
        this.expiredMillis = now;
    }

    void tick(long now) {
        tokens.tick(now);
        if (now - expiredMillis >= 60_000) {
            expiredMillis = now;
            store.expire(now);
        }
    }

    int storedTorrents() {
        return store.torrents();
    }

    /** Answers {@code q}; false when the asker is over its rate (then nothing is sent). */
    boolean answer(Krpc.Message q, InetSocketAddress from, long now) {
        stats.queriesReceived++;
        if (!rateLimit.allow(from.getAddress(), now)) {
            stats.rateLimited++;
            return false;
        }
        Dicts r = Dicts.builder();
        switch (q.method()) {
            case "ping" -> {
            }
            case "find_node" -> Krpc.nodes(r, table.closest(q.target(), RoutingTable.K));
            case "get_peers" -> {
                r.put("token", tokens.issue(from.getAddress()));
                List<InetSocketAddress> peers = store.peers(q.target(), MAX_VALUES_SENT, random);
                if (peers.isEmpty()) {
                    Krpc.nodes(r, table.closest(q.target(), RoutingTable.K));
                } else {
                    Krpc.values(r, peers);
                }
            }
            case "announce_peer" -> {
                if (!tokens.valid(q.token(), from.getAddress())) {
                    sender.send(Krpc.error(q.tid(), 203, "bad token"), from);
                    return true;
                }
                store.announce(q.target(), new InetSocketAddress(from.getAddress(), q.impliedPort() ? from.getPort() : q.port()), now);
                stats.announcesReceived++;
            }
            default -> {
                sender.send(Krpc.error(q.tid(), 204, "method unknown"), from);
                return true;
            }
        }
        sender.send(Krpc.response(q.tid(), self, r, from), from);
        return true;
    }
}
