package skiff.dht;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * One torrent's presence in the DHT: a get_peers lookup towards its info-hash, then announce_peer
 * to the closest nodes that gave tokens (BEP 5), repeated every 15 minutes, or every 2 while the
 * torrent is short of peers (every 30 s while lookups find none). Waits for the routing table to hold a node before the first lookup.
 */
public final class Search {
    static final long EVERY_MILLIS = 15 * 60_000;
    static final long SHORT_OF_PEERS_EVERY_MILLIS = 2 * 60_000;
    /** A torrent that wants peers and whose lookup found none asks again soon (the swarm may announce meanwhile). */
    static final long NONE_FOUND_EVERY_MILLIS = 30_000;
    /**
     * A lookup that heard from fewer than k nodes was no lookup (the table was still filling, from
     * one router say): tried again after 5 s, then 10, 20, up to the 30 s above.
     */
    static final long INCONCLUSIVE_FIRST_MILLIS = 5_000;

    private final Dht dht;
    private final NodeId infoHash;
    private final int port;
    private final Consumer<List<InetSocketAddress>> peers;
    private final BooleanSupplier wantsPeers;
    private long nextMillis;
    private boolean running;
    private boolean stopped;
    private Dht.Result last;
    private int inconclusive;

    Search(Dht dht, NodeId infoHash, int port, Consumer<List<InetSocketAddress>> peers, BooleanSupplier wantsPeers, long now) {
        this.dht = dht;
        this.infoHash = infoHash;
        this.port = port;
        this.peers = peers;
        this.wantsPeers = wantsPeers;
        this.nextMillis = now;
    }

    void tick(long now) {
        if (stopped || running || now < nextMillis || dht.size() == 0) {
            return;
        }
        running = true; // before the lookup: one that ends at once (nothing to ask) reports in this call
        if (!dht.lookup(infoHash, true, found -> {
            if (!stopped) {
                peers.accept(found);
            }
        }, r -> finished(r, dht.now()))) {
            running = false; // too many lookups now: the next tick tries again
        }
    }

    private void finished(Dht.Result r, long now) {
        running = false;
        last = r;
        if (stopped) {
            return;
        }
        for (Dht.Token t : r.tokens()) {
            dht.announce(t.node(), t.token(), infoHash, port);
        }
        boolean wants = wantsPeers.getAsBoolean();
        long none = NONE_FOUND_EVERY_MILLIS;
        if (r.closest().size() < RoutingTable.K) {
            none = Math.min(none, INCONCLUSIVE_FIRST_MILLIS << Math.min(inconclusive++, 4));
        } else {
            inconclusive = 0;
        }
        nextMillis = now + (wants && r.peers().isEmpty() ? none : wants ? SHORT_OF_PEERS_EVERY_MILLIS : EVERY_MILLIS);
    }

    /** The last lookup's result, or null before one ended. */
    public Dht.Result last() {
        return last;
    }

    public void stop() {
        stopped = true;
        dht.untrack(this);
    }
}
