package skiff.session;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import skiff.dht.Contact;
import skiff.dht.Dht;
import skiff.dht.DhtStats;
import skiff.dht.NodeId;
import skiff.dht.Search;
import skiff.loop.Dns;
import skiff.loop.EventLoop;
import skiff.metainfo.MagnetLink;

/**
 * The session's DHT node (BEP 5) on its UDP endpoint: KRPC datagrams in, the node ticked every
 * second, its routers looked up one at a time on the workers (a name lookup blocks, and the
 * workers also hash), its id and nodes kept in a file between runs. Loop thread only, apart from
 * {@link #start}, which reads the nodes file before the loop runs.
 */
public final class DhtService {
    /** The well-known routers libtorrent, Transmission and aria2 start from. */
    public static final List<String> ROUTERS = List.of("router.bittorrent.com:6881", "router.utorrent.com:6881",
        "dht.transmissionbt.com:6881", "dht.libtorrent.org:25401");
    static final long TICK_MILLIS = 1000;
    /** Saved nodes pinged at start: enough to rebuild a table without flooding anyone. */
    static final int SAVED_NODES_PINGED = 200;

    private final EventLoop loop;
    private final Dns dns;
    private final UdpEndpoint udp;
    private final Dht dht;
    private final Path nodesFile; // written at stop; null when not kept, or another skiff keeps it
    private final StateLock lock;
    private final Consumer<String> log;
    private long sendFailures;
    private boolean stopped;

    private DhtService(EventLoop loop, Dns dns, UdpEndpoint udp, Dht dht, Path nodesFile, StateLock lock, Consumer<String> log) {
        this.loop = loop;
        this.dns = dns;
        this.udp = udp;
        this.dht = dht;
        this.nodesFile = nodesFile;
        this.lock = lock;
        this.log = log;
    }

    /**
     * Starts the node: {@code routers} as HOST:PORT (looked up later, on the workers);
     * {@code nodesFile} read now if it exists and written at {@link #stop}, or null for neither.
     * While another skiff keeps the file, its nodes are read, but its id is not taken and the file
     * is not written.
     */
    static DhtService start(EventLoop loop, Dns dns, UdpEndpoint udp, List<String> routers, Path nodesFile,
                            RandomGenerator random, Consumer<String> warn, Consumer<String> log) {
        NodesFile.Saved saved = null;
        StateLock lock = nodesFile == null ? null : StateLock.take(nodesFile);
        boolean ours = lock == null || lock.ours();
        if (nodesFile != null) {
            try {
                saved = NodesFile.load(nodesFile);
            } catch (IOException e) {
                warn.accept("ignoring the DHT nodes file " + nodesFile + ": " + e.getMessage());
            }
        }
        if (!ours) {
            log.accept("DHT: another skiff keeps " + nodesFile + ": a node id of our own, and the file left to it");
        }
        NodeId id = saved != null && ours ? saved.id() : NodeId.random(random);
        if (saved != null && saved.external() != null && !Dht.fits(id, saved.external())) {
            id = Dht.idFor(saved.external(), random); // BEP 42: an id that fits the address nodes see us at
        }
        DhtService[] self = new DhtService[1];
        Dht dht = new Dht(id, (datagram, to) -> self[0].send(datagram, to), random, loop.nowMillis());
        DhtService s = new DhtService(loop, dns, udp, dht, ours ? nodesFile : null, lock, log);
        self[0] = s;
        udp.krpc((datagram, from) -> {
            byte[] b = new byte[datagram.remaining()];
            datagram.get(b);
            dht.received(b, from, loop.nowMillis());
        });
        List<Contact> known = saved == null ? List.of() : saved.nodes();
        loop.execute(() -> {
            for (Contact c : known.subList(0, Math.min(known.size(), SAVED_NODES_PINGED))) {
                dht.ping(c.address());
            }
            s.resolve(new ArrayList<>(routers));
            s.tick();
        });
        log.accept("DHT node " + id + " on UDP port " + udp.port() + ", " + known.size() + " saved nodes, routers " + routers);
        return s;
    }

    /** Looks up each router in turn; each one found is asked for nodes at once. */
    private void resolve(List<String> routers) {
        if (routers.isEmpty() || stopped) {
            return;
        }
        String r = routers.remove(0);
        String host = MagnetLink.hostOf(r);
        int port = Integer.parseInt(r.substring(r.lastIndexOf(':') + 1));
        dns.resolve(host, a -> {
            dht.bootstrapFrom(List.of(new InetSocketAddress(a, port)));
            dht.tick(loop.nowMillis());
            resolve(routers);
        }, why -> {
            log.accept("DHT router " + r + ": " + why);
            resolve(routers);
        });
    }

    private void tick() {
        if (stopped) {
            return;
        }
        dht.tick(loop.nowMillis());
        loop.schedule(TICK_MILLIS, this::tick);
    }

    private void send(byte[] datagram, InetSocketAddress to) {
        try {
            if (!udp.send(ByteBuffer.wrap(datagram), to)) {
                sendFailures++;
            }
        } catch (IOException e) {
            sendFailures++; // unreachable or refused: the query times out like a lost one
        }
    }

    /** Where the node's id and nodes are kept between runs: $XDG_STATE_HOME/skiff/dht.dat, else ~/.local/state/skiff/dht.dat. */
    public static Path defaultNodesFile() {
        return NodesFile.defaultPath();
    }

    /** Finds peers for a torrent (and announces it) until the search is stopped; see {@link Dht#track}. */
    Search track(byte[] infoHash, int port, Consumer<List<InetSocketAddress>> peers, BooleanSupplier wantsPeers) {
        return dht.track(infoHash, port, peers, wantsPeers);
    }

    /** A node a peer told us of (BEP 5's PORT message): pinged, kept if it answers. */
    public void heardOf(InetSocketAddress node) {
        dht.ping(node);
    }

    /** Our address as the DHT's nodes see it, once three agree (BEP 42); null until then. */
    public java.net.InetAddress outside() {
        return dht.externalAddress();
    }

    public int nodes() {
        return dht.size();
    }

    public DhtStats stats() {
        return dht.stats();
    }

    /** Stops ticking and saves the nodes; a file that cannot be written is a warning. */
    void stop(Consumer<String> warn) {
        stopped = true;
        if (nodesFile != null) {
            try {
                NodesFile.save(nodesFile, dht.id(), dht.nodes(), dht.externalAddress());
            } catch (IOException e) {
                warn.accept("cannot save the DHT nodes to " + nodesFile + ": " + e.getMessage());
            }
        }
        if (lock != null) {
            lock.close();
        }
        log.accept("DHT: " + dht.stats() + (sendFailures > 0 ? "; datagrams not sent " + sendFailures : "")
            + (dht.externalAddress() != null ? "; outside address " + skiff.peer.AddressText.of(dht.externalAddress())
                + (dht.idFitsAddress() ? "" : " (a BEP 42 id for it from the next start)") : ""));
    }
}
