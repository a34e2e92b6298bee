package skiff.dht;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import skiff.bencode.Dicts;

/**
 * One DHT node (BEP 5) on the session's UDP socket: answers ping, find_node, get_peers and
 * announce_peer; keeps the routing table alive (bootstrap, refresh, pings before eviction); runs
 * lookups. Loop thread only, and pure apart from {@link Sender}: datagrams and the time come in,
 * datagrams go out, so hundreds of nodes run in one test over an in-memory network.
 */
public final class Dht {
    /** Sends one datagram; UDP may lose it, and every query here has a timeout. */
    public interface Sender {
        void send(byte[] datagram, InetSocketAddress to);
    }

    /** What a lookup found, when it ends: the peers, the closest nodes, and those that gave tokens. */
    public record Result(List<InetSocketAddress> peers, int queries, List<Contact> closest, List<Token> tokens) {
    }

    /** A node that answered get_peers, and the token an announce to it must carry. */
    public record Token(Contact node, byte[] token) {
    }

    /** A query unanswered this long has failed. */
    static final long QUERY_TIMEOUT_MILLIS = 4000;
    /** Queries waiting for answers at once; past it new ones wait for a later tick. */
    static final int MAX_PENDING = 512;
    /** Lookups at once: each torrent's, the bucket refreshes and the bootstrap. */
    static final int MAX_LOOKUPS = 16;
    /** With fewer live nodes than this the table is not ready: bootstrap again, every 30 s. */
    static final long BOOTSTRAP_EVERY_MILLIS = 30_000;
    static final int PINGS_PER_TICK = 4;

    private interface Reply {
        void answered(Krpc.Message m);

        void failed();
    }

    private record Pending(InetSocketAddress to, long sentMillis, Reply reply) {
    }

    private final class Running {
        final Lookup lookup;
        final Consumer<List<InetSocketAddress>> peers;
        final Consumer<Result> done;

        Running(Lookup lookup, Consumer<List<InetSocketAddress>> peers, Consumer<Result> done) {
            this.lookup = lookup;
            this.peers = peers;
            this.done = done;
        }
    }

    private final NodeId self;
    private final Sender sender;
    private final RandomGenerator random;
    private final RoutingTable table;
    private final Answers answers;
    private final ExternalAddress external = new ExternalAddress();
    private final DhtStats stats = new DhtStats();
    private final Map<Integer, Pending> pending = new HashMap<>();
    private final List<Running> lookups = new ArrayList<>();
    private final List<InetSocketAddress> routers = new ArrayList<>();
    private final List<Search> searches = new ArrayList<>();
    private int nextTid;
    private long now;
    private long lastBootstrapMillis = Long.MIN_VALUE / 2;
    private long lastMaintenanceMillis;
    private boolean readOnly;

    public Dht(NodeId self, Sender sender, RandomGenerator random, long now) {
        this.self = self;
        this.sender = sender;
        this.random = random;
        this.now = now;
        this.table = new RoutingTable(self, now);
        this.answers = new Answers(self, table, sender, random, stats, now);
        this.nextTid = random.nextInt(1 << 16);
        this.lastMaintenanceMillis = now;
    }

    public NodeId id() {
        return self;
    }

    long now() {
        return now;
    }

    public DhtStats stats() {
        stats.nodes = table.size();
        stats.goodNodes = table.goodNodes(now);
        stats.buckets = table.buckets();
        stats.storedTorrents = answers.storedTorrents();
        return stats;
    }

    /** Where to start when the table is empty (the well-known routers, --dht-bootstrap, saved nodes). */
    public void bootstrapFrom(List<InetSocketAddress> addresses) {
        routers.addAll(addresses);
        lastBootstrapMillis = Long.MIN_VALUE / 2; // at the next tick
    }

    /** A node heard of elsewhere (a peer's PORT message, the nodes file): pinged, and kept if it answers. */
    public void ping(InetSocketAddress node) {
        if (node.getPort() != 0) {
            query(node, "ping", Dicts.builder(), null);
        }
    }

    /** Every live node, for saving. */
    public List<Contact> nodes() {
        return table.all();
    }

    /**
     * Looks up {@code target}: get_peers hands each batch of peers to {@code peers} as it comes;
     * {@code done} gets what the lookup found. False when too many lookups are running.
     */
    public boolean lookup(NodeId target, boolean getPeers, Consumer<List<InetSocketAddress>> peers, Consumer<Result> done) {
        if (lookups.size() >= MAX_LOOKUPS) {
            return false;
        }
        lookups.add(new Running(new Lookup(target, getPeers, self, table.closest(target, RoutingTable.K * 2), now), peers, done));
        drive();
        return true;
    }

    /** BEP 5's announce_peer to a node that gave us a token; {@code port} 0 means "the port you see" (implied_port). */
    public void announce(Contact to, byte[] token, NodeId infoHash, int port) {
        Dicts a = Dicts.builder().put("info_hash", infoHash.bytes()).put("token", token);
        a.put("port", port == 0 ? 1 : port).put("implied_port", port == 0 ? 1 : 0);
        query(to.address(), "announce_peer", a, null);
    }

    /** Our address as other nodes see it (BEP 42's {@code ip}), once enough of them agree; or null. */
    public InetAddress externalAddress() {
        return external.address();
    }

    /** Whether our id fits our outside address (BEP 42); true while that address is unknown or local. */
    public boolean idFitsAddress() {
        return external.address() == null || Bep42.valid(self, external.address());
    }

    /** Whether {@code id} fits {@code ip} (BEP 42); any id fits a local address. */
    public static boolean fits(NodeId id, InetAddress ip) {
        return Bep42.valid(id, ip);
    }

    /** A random id that fits {@code ip} (BEP 42), for a node that knows its outside address. */
    public static NodeId idFor(InetAddress ip, RandomGenerator random) {
        return Bep42.idFor(ip, random);
    }

    /** Live nodes in the table. */
    public int size() {
        return table.size();
    }

    public void tick(long nowMillis) {
        now = nowMillis;
        List<Pending> expired = new ArrayList<>();
        for (Iterator<Pending> it = pending.values().iterator(); it.hasNext(); ) {
            Pending p = it.next();
            if (now - p.sentMillis >= QUERY_TIMEOUT_MILLIS) {
                it.remove();
                expired.add(p);
            }
        }
        for (Pending p : expired) { // after the sweep: a callback may send again
            stats.timeouts++;
            table.failed(p.to, now);
            if (p.reply != null) {
                p.reply.failed();
            }
        }
        answers.tick(now);
        if (table.size() < RoutingTable.K && !routers.isEmpty() && now - lastBootstrapMillis >= BOOTSTRAP_EVERY_MILLIS) {
            lastBootstrapMillis = now;
            bootstrap();
        }
        if (now - lastMaintenanceMillis >= 10_000) {
            lastMaintenanceMillis = now;
            for (NodeId t : table.refreshTargets(now, random)) {
                lookup(t, false, p -> { }, r -> { });
            }
            for (Contact c : table.questionable(now, PINGS_PER_TICK)) {
                ping(c.address());
            }
        }
        for (Search search : List.copyOf(searches)) {
            search.tick(now);
        }
        drive();
    }

    /**
     * Finds peers for a torrent now and again (and announces us to the nodes closest to it), every
     * 15 minutes, or every 2 while {@code wantsPeers} says the torrent is short of them.
     */
    public Search track(byte[] infoHash, int port, Consumer<List<InetSocketAddress>> peers,
                        java.util.function.BooleanSupplier wantsPeers) {
        Search s = new Search(this, NodeId.of(infoHash), port, peers, wantsPeers, now);
        searches.add(s);
        s.tick(now);
        return s;
    }

    void untrack(Search s) {
        searches.remove(s);
    }

    private void bootstrap() {
        for (InetSocketAddress r : routers) {
            query(r, "find_node", Dicts.builder().put("target", self.bytes()), new Reply() {
                @Override
                public void answered(Krpc.Message m) {
                    // what a router names seeds a lookup of our own id: it fills the buckets near us
                    Running mine = null;
                    for (Running run : lookups) {
                        mine = mine == null && run.lookup.target.equals(self) ? run : mine;
                    }
                    if (mine != null) {
                        mine.lookup.add(m.nodes());
                    } else if (lookups.size() < MAX_LOOKUPS) {
                        List<Contact> start = new ArrayList<>(table.closest(self, RoutingTable.K * 2));
                        start.addAll(m.nodes());
                        lookups.add(new Running(new Lookup(self, false, self, start, now), p -> { }, x -> { }));
                    }
                    drive();
                }

                @Override
                public void failed() {
                }
            });
        }
    }

    /** Sends what every lookup may send now; ends those that are done. */
    private void drive() {
        for (Running run : List.copyOf(lookups)) {
            Lookup l = run.lookup;
            for (Contact c : l.next(now)) {
                Dicts a = l.getPeers ? Dicts.builder().put("info_hash", l.target.bytes())
                    : Dicts.builder().put("target", l.target.bytes());
                boolean sent = query(c.address(), l.getPeers ? "get_peers" : "find_node", a, new Reply() {
                    @Override
                    public void answered(Krpc.Message m) {
                        l.answered(c.address(), m.nodes(), m.values(), m.token());
                        if (!m.values().isEmpty()) {
                            stats.peersFound += m.values().size();
                            run.peers.accept(m.values());
                        }
                        drive();
                    }

                    @Override
                    public void failed() {
                        l.failed(c.address());
                        drive();
                    }
                });
                if (!sent) {
                    l.failed(c.address());
                }
            }
            if (l.finished(now) && lookups.remove(run)) {
                stats.lookups++;
                stats.lookupQueries += l.queries();
                List<Token> withTokens = new ArrayList<>();
                for (Lookup.Candidate c : l.closestWithTokens()) {
                    withTokens.add(new Token(c.contact, c.token));
                }
                run.done.accept(new Result(l.peers(), l.queries(), l.closestAnswered(RoutingTable.K), withTokens));
            }
        }
    }

    private boolean query(InetSocketAddress to, String method, Dicts args, Reply reply) {
        if (pending.size() >= MAX_PENDING) {
            return false;
        }
        int tid;
        do {
            tid = nextTid++ & 0xffff;
        } while (pending.containsKey(tid));
        pending.put(tid, new Pending(to, now, reply));
        stats.queriesSent++;
        sender.send(Krpc.query(new byte[] {(byte) (tid >> 8), (byte) tid}, method, self, args, readOnly), to);
        return true;
    }

    /** One datagram from the endpoint (it starts with 'd'). */
    public void received(byte[] datagram, InetSocketAddress from, long nowMillis) {
        now = nowMillis;
        Krpc.Message m;
        try {
            m = Krpc.decode(datagram);
        } catch (KrpcException e) {
            stats.garbage++;
            stats.lastGarbage = e.getMessage();
            table.failed(from, now); // a node in our table that sends garbage is on its way out
            return;
        }
        if (from.getPort() == 0 || self.equals(m.id())) {
            stats.garbage++; // port 0 cannot be answered; our own id is a reflection or a forgery
            return;
        }
        switch (m.kind()) {
            case QUERY -> {
                Contact asker = new Contact(m.id(), from);
                if (answers.answer(m, from, now) && !m.readOnly() && !table.contains(asker) && table.wouldTake(m.id())) {
                    ping(from); // it joins when it answers us: a query alone proves nothing about its address
                }
            }
            case RESPONSE, ERROR -> reply(m, from);
        }
    }

    private void reply(Krpc.Message m, InetSocketAddress from) {
        Pending p = m.tid().length == 2 ? pending.get((m.tid()[0] & 0xff) << 8 | m.tid()[1] & 0xff) : null;
        if (p == null || !p.to.equals(from)) {
            stats.unexpected++; // not ours, or from somewhere we did not ask
            return;
        }
        pending.remove((m.tid()[0] & 0xff) << 8 | m.tid()[1] & 0xff);
        if (m.kind() == Krpc.Kind.ERROR) {
            stats.errors++;
            if (p.reply != null) {
                p.reply.failed();
            }
            return;
        }
        stats.answers++;
        if (m.yourAddress() != null) {
            external.vote(m.yourAddress().getAddress(), from.getAddress());
        }
        boolean wasEmpty = !searches.isEmpty() && table.size() == 0; // counting the table only when a search may wait
        Contact questionable = table.insert(new Contact(m.id(), from), now);
        if (wasEmpty && table.size() > 0) {
            for (Search search : List.copyOf(searches)) { // the first node in: searches waiting for one start now
                search.tick(now);
            }
        }
        if (questionable != null) {
            ping(questionable.address());
        }
        if (p.reply != null) {
            p.reply.answered(m);
        }
    }
}
