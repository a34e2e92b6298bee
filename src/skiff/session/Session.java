package skiff.session;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import skiff.loop.EventLoop;
import skiff.metainfo.Metainfo;
import skiff.mse.Encryption;
import skiff.mse.EncryptedRetry;
import skiff.mse.MseStream;
import skiff.mse.PlainRetry;
import skiff.peer.PeerStream;
import skiff.storage.BlockBuffers;
import skiff.storage.HashPool;
import skiff.storage.StorageException;
import skiff.swarm.Events;
import skiff.swarm.GlobalLimits;
import skiff.swarm.PeerNetwork;
import skiff.swarm.Settings;
import skiff.swarm.Shared;
import skiff.tracker.Trackers;

/**
 * What is per process, above the torrents: the peer port (TCP, with incoming connections routed
 * to a torrent by info-hash, and the UDP endpoint the DHT and uTP will share), the block buffers
 * and hashing scratch every torrent borrows, the global limits, and the torrents themselves.
 * Loop thread only, after {@link #open}.
 */
public final class Session {
    /** Tries for a port free for both TCP and UDP when any port will do. */
    static final int EPHEMERAL_PORT_TRIES = 8;

    private final EventLoop loop;
    private final Executor workers;
    private final TcpNetwork tcp;
    private final UdpEndpoint udp;
    private final Router router;
    private final Shared shared;
    private final Trackers trackers;
    private final List<Torrent> torrents = new ArrayList<>();
    private DhtService dht;
    /** uTP on the UDP port, or null without one. */
    private final skiff.utp.UtpEndpoint utp;
    private skiff.utp.UtpMode utpMode = skiff.utp.UtpMode.ALLOW;
    private skiff.portmap.PortMapper portMapper;
    /** One per torrent: no other skiff runs it in the same folder (released at close, or by the OS at exit). */
    private final List<FolderLock> locks = new ArrayList<>();
    private Consumer<String> warn = w -> { };
    /** Opens web seeds (BEP 19); null: none are used. */
    private skiff.webseed.HttpSeeds webSeeds;

    private Session(EventLoop loop, Executor workers, java.net.InetAddress bound, TcpNetwork tcp, UdpEndpoint udp, GlobalLimits limits,
                    Trackers trackers) {
        this.loop = loop;
        this.workers = workers;
        this.tcp = tcp;
        this.udp = udp;
        this.router = new Router(loop);
        OurAddresses ours = new OurAddresses(bound, () -> dht == null ? null : dht.outside());
        ours.lookUp(workers, loop);
        this.shared = new Shared(new BlockBuffers(), new HashPool.Scratch(), limits, node -> {
            if (dht != null) {
                dht.heardOf(node);
            }
        }, ours);
        this.trackers = trackers;
        this.utp = udp == null ? null
            : new skiff.utp.UtpEndpoint(loop, udp::send, () -> System.nanoTime() / 1000, new java.util.SplittableRandom(skiff.loop.Entropy.seed()));
        if (utp != null) {
            udp.utp(utp::received);
        }
    }

    /**
     * Binds the peer port on {@code address} (port 0: any free one) for TCP, then UDP on the same
     * port. A UDP port that cannot be had is a warning, not a failure: only the DHT and uTP need it. {@code trackers}: makes each torrent's trackers, or null for none.
     */
    public static Session open(EventLoop loop, Executor workers, InetSocketAddress address, GlobalLimits limits,
                               Trackers trackers, Consumer<String> warn) throws StorageException {
        for (int attempt = 1; ; attempt++) {
            TcpNetwork tcp = TcpNetwork.bind(loop, address);
            InetSocketAddress udpAddress = new InetSocketAddress(address.getAddress(), tcp.port());
            try {
                UdpEndpoint udp = UdpEndpoint.open(loop, udpAddress);
                return started(new Session(loop, workers, address.getAddress(), tcp, udp, limits, trackers));
            } catch (IOException e) {
                if (address.getPort() == 0 && attempt < EPHEMERAL_PORT_TRIES) {
                    tcp.close(); // someone holds that UDP port: another free TCP port may have its UDP twin free
                    continue;
                }
                warn.accept("UDP port " + tcp.port() + " unavailable (" + e.getMessage() + "); DHT and uTP off");
                return started(new Session(loop, workers, address.getAddress(), tcp, null, limits, trackers));
            }
        }
    }

    private static Session started(Session s) throws StorageException {
        try {
            s.tcp.listen(s.router);
            if (s.utp != null) {
                s.utp.listen(s.router::accepted);
            }
        } catch (IOException e) {
            s.close();
            throw new StorageException("cannot listen for peers: " + e.getMessage());
        }
        return s;
    }

    /** The peer port, TCP and UDP. */
    public int port() {
        return tcp.port();
    }

    /** The UDP endpoint, or null when its port could not be had. */
    public UdpEndpoint udp() {
        return udp;
    }

    public GlobalLimits limits() {
        return shared.limits();
    }

    /**
     * A torrent from its metainfo: checked, then run, when {@link Torrent#start} is called. Its
     * files are claimed now, so that a bad path or an unwritable folder fails before anything runs.
     */
    public Torrent add(Metainfo metainfo, Path downloadDir, Settings settings, Events events, RandomGenerator random)
            throws StorageException {
        Torrent t = add(metainfo.infoHash(), metainfo.name(), downloadDir, settings, events, random);
        try {
            t.metainfo(metainfo);
        } catch (StorageException e) {
            torrents.remove(t);
            throw e;
        }
        return t;
    }

    /**
     * A magnet link's torrent: its metadata is fetched from peers (BEP 9) when it starts, unless an
     * earlier run kept it in {@code DIR/.skiff/INFOHASH.torrent}.
     */
    public Torrent add(skiff.metainfo.MagnetLink link, Path downloadDir, Settings settings, Events events, RandomGenerator random)
            throws StorageException {
        List<List<String>> tiers = new ArrayList<>();
        for (String url : link.trackers()) {
            tiers.add(List.of(url));
        }
        Metainfo kept = MetadataFile.load(downloadDir, link.infoHash());
        Torrent t = add(link.infoHash(), kept != null ? kept.name() : link.displayName(), downloadDir, settings, events, random);
        t.magnet(tiers, link.webSeeds());
        if (kept != null) {
            try {
                t.metainfo(kept);
            } catch (StorageException e) {
                torrents.remove(t);
                throw e;
            }
        }
        return t;
    }

    /**
     * A torrent known by its info-hash alone (a magnet link): it waits for its metainfo
     * ({@link Torrent#metainfo(Metainfo)}) before it checks or downloads anything. {@code name}:
     * what to call it meanwhile. A torrent already in the session is refused.
     */
    public Torrent add(byte[] infoHash, String name, Path downloadDir, Settings settings, Events events,
                       RandomGenerator random) throws StorageException {
        for (Torrent t : torrents) {
            if (java.util.Arrays.equals(t.infoHash(), infoHash)) {
                throw new IllegalArgumentException("torrent " + java.util.HexFormat.of().formatHex(infoHash) + " is already running");
            }
        }
        FolderLock lock = FolderLock.take(downloadDir, java.util.HexFormat.of().formatHex(infoHash), name);
        if (lock != null) {
            locks.add(lock);
        }
        Torrent t = new Torrent(loop, workers, infoHash, name, downloadDir, settings, events, random, network(infoHash),
                shared, trackers);
        t.dht(dht);
        torrents.add(t);
        return t;
    }

    /**
     * Starts the DHT node on the UDP endpoint (BEP 5): {@code routers} as HOST:PORT (none: the
     * well-known ones), its id and
     * nodes kept in {@code nodesFile} (null: not kept). Before the torrents are added; without a
     * UDP port there is no DHT, and a warning says so. Call before the loop runs: the file is read now.
     */
    public void startDht(List<String> routers, Path nodesFile, RandomGenerator random, Consumer<String> warn,
                         Consumer<String> log) {
        if (udp == null) {
            warn.accept("no UDP port: the DHT is off");
            return;
        }
        this.warn = warn;
        dht = DhtService.start(loop, new skiff.loop.Dns(loop, workers), udp, routers.isEmpty() ? DhtService.ROUTERS : routers,
            nodesFile, random, warn, log);
    }

    /**
     * Asks the router to forward the peer port (TCP, and UDP when the session has its UDP port):
     * NAT-PMP and UPnP, kept up until {@link #stop}. Not for a port bound to a loopback address,
     * which nothing outside can reach. {@code bound}: the address the port is bound to, null for any.
     */
    public void mapPort(java.net.InetAddress bound, Consumer<String> info, Consumer<String> debug) {
        if (bound != null && bound.isLoopbackAddress()) {
            debug.accept("port mapping: off for a loopback address");
            return;
        }
        portMapper = skiff.portmap.PortMapper.start(loop, trackers, bound, tcp.port(), udp != null, info, debug);
    }

    /** The port mapping, or null when none was asked for. */
    public skiff.portmap.PortMapper portMapper() {
        return portMapper;
    }

    /** The DHT node, or null when it is off. */
    public DhtService dht() {
        return dht;
    }

    public List<Torrent> torrents() {
        return Collections.unmodifiableList(torrents);
    }

    /**
     * Stops every torrent (announce `stopped`, write resume files) and removes the port mapping,
     * then closes the port; {@code done} after, on the loop.
     */
    public void stop(Runnable done) {
        int[] pending = {torrents.size() + 2};
        Runnable one = () -> {
            if (--pending[0] == 0) {
                close();
                done.run();
            }
        };
        for (Torrent t : torrents) {
            t.stop(one);
        }
        if (portMapper != null) {
            portMapper.stop(one);
        } else {
            one.run();
        }
        one.run();
    }

    private void close() {
        if (dht != null) {
            dht.stop(warn);
        }
        locks.forEach(FolderLock::close);
        tcp.close();
        if (utp != null) {
            utp.close();
        }
        if (udp != null) {
            udp.close();
        }
    }

    /** How connections use uTP from now on: off refuses it, allow takes it and dials TCP, prefer dials uTP first. */
    public void utp(skiff.utp.UtpMode mode) {
        utpMode = mode;
        if (utp != null) {
            utp.listen(mode == skiff.utp.UtpMode.OFF ? null : router::accepted);
        }
    }

    /** uTP's counts for the debug log, or null without a UDP port. */
    public String utpSummary() {
        return utp == null ? null : utp.summary();
    }

    /**
     * A stream to {@code address}: over TCP, or with {@code --utp prefer} over uTP first and TCP
     * when uTP gets no answer. TCP does not fall back to uTP: a refused TCP connect means no client
     * listens there, and a TCP connect that hangs is timed out by the swarm above the stream.
     */
    private PeerStream dialTransport(InetSocketAddress address) throws IOException {
        if (utp == null || utpMode != skiff.utp.UtpMode.PREFER) {
            return tcp.dial(address);
        }
        return new TransportRetry(utp.dial(address), () -> tcp.dial(address));
    }

    /** Torrents' web seeds (BEP 19) are used from now on, opened by {@code seeds}. */
    public void webSeeds(skiff.webseed.HttpSeeds seeds) {
        this.webSeeds = seeds;
    }

    /** How connections use MSE from now on: incoming ones as they come, outgoing ones as we dial. */
    public void encryption(Encryption e) {
        router.encryption(e);
    }

    /** Incoming connections by what became of them (routed, unknown torrent, ...), for the debug log. */
    public Map<String, Integer> incoming() {
        Map<String, Integer> m = new java.util.LinkedHashMap<>();
        router.outcomes().forEach((k, v) -> m.put(k.name().toLowerCase(java.util.Locale.ROOT), v));
        m.put("encrypted", router.encryptedCount());
        return m;
    }

    /** One torrent's view of the port: dials go out over TCP, incoming connections come through the router. */
    private PeerNetwork network(byte[] infoHash) {
        return new PeerNetwork() {
            @Override
            public void listen(Acceptor acceptor) {
                router.add(infoHash, acceptor);
            }

            @Override
            public PeerStream dial(InetSocketAddress address) throws IOException {
                PeerStream plain = dialTransport(address);
                Encryption e = router.encryption();
                if (e == Encryption.OFF) {
                    return plain;
                }
                if (!e.dialsEncrypted()) { // a peer that requires encryption hangs up on plaintext: then once encrypted
                    return new EncryptedRetry(plain, () -> MseStream.dial(dialTransport(address), infoHash, e.methods(), router.random()));
                }
                MseStream encrypted = MseStream.dial(plain, infoHash, e.methods(), router.random());
                return e.acceptsPlain() ? new PlainRetry(encrypted, () -> dialTransport(address)) : encrypted;
            }

            @Override
            public PeerStream webSeed(String url, Metainfo m) throws IOException {
                if (webSeeds == null) {
                    throw new IOException("web seeds are off");
                }
                return webSeeds.open(url, m);
            }

            @Override
            public int port() {
                return tcp.port();
            }

            @Override
            public void close() {
                router.remove(infoHash);
            }
        };
    }
}
