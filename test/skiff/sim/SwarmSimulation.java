package skiff.sim;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import skiff.bencode.Dicts;
import skiff.bencode.Encoder;
import skiff.loop.EventLoop;
import skiff.metainfo.Metainfo;
import skiff.metainfo.MetainfoParser;
import skiff.storage.DiskIo;
import skiff.swarm.Download;
import skiff.swarm.Events;
import skiff.swarm.Settings;
import skiff.swarm.Shared;
import skiff.swarm.Status;

/**
 * One download in a simulated swarm: the real {@link Download} (picker, fetcher, blame and ban,
 * choker, timeouts, endgame, storage and hashing) on an {@link EventLoop} whose clock only the
 * simulation moves, against {@link ScriptedPeer}s over {@link MemoryLink}s. No sockets, no sleeps,
 * no threads: when the loop has nothing to do, the clock jumps to its next timer, so thousands of
 * simulated seconds pass in a fraction of a real one. Everything random comes from one seed.
 */
final class SwarmSimulation {
    /** One scripted peer of the swarm. */
    record PeerSpec(ScriptedPeer.Kind kind, double bytesPerMilli, long latencyMillis, long leaveAtMillis, long chokeAtMillis,
                    boolean dialsIn) {
        PeerSpec(ScriptedPeer.Kind kind, double bytesPerMilli, long latencyMillis, long leaveAtMillis, long chokeAtMillis) {
            this(kind, bytesPerMilli, latencyMillis, leaveAtMillis, chokeAtMillis, false);
        }

        static PeerSpec of(ScriptedPeer.Kind kind, double bytesPerMilli, long latencyMillis) {
            return new PeerSpec(kind, bytesPerMilli, latencyMillis, Long.MAX_VALUE, Long.MAX_VALUE);
        }

        /** A peer that dials the download (an incoming connection), not one the download dials. */
        static PeerSpec incoming(ScriptedPeer.Kind kind, double bytesPerMilli, long latencyMillis) {
            return new PeerSpec(kind, bytesPerMilli, latencyMillis, Long.MAX_VALUE, Long.MAX_VALUE, true);
        }
    }

    /** What a run came to. */
    /** {@code samples}: the download's status once a simulated second. */
    /**
     * {@code firstUnchokedByPeer}, {@code firstBlockByPeer}: when the download first unchoked each peer,
     * and when the peer had its first block from it (simulated ms from the start), or -1.
     */
    record Result(long seed, boolean completed, String failure, long simulatedMillis, long turns, boolean byteExact,
                  List<String> warnings, List<String> infos, Status status, List<Status> samples,
                  List<List<Integer>> havesByPeer, List<Long> firstUnchokedByPeer, List<Long> firstBlockByPeer) {
        boolean banned(int peer) {
            return infos.stream().anyMatch(l -> l.startsWith("banned 10.0.0." + (peer + 1) + ":"));
        }

        @Override
        public String toString() {
            return "seed " + seed + ": " + (completed ? "completed" : "NOT completed") + (failure != null ? " (failed: " + failure + ")" : "")
                + " at " + simulatedMillis / 1000.0 + " simulated s, " + turns + " turns, byte-exact " + byteExact
                + ", " + status.haveBytes() + " of " + status.totalBytes() + " bytes, " + status.connections() + " connections; "
                + infos.stream().filter(l -> l.startsWith("banned")).toList() + "; " + warnings.size() + " warnings: "
                + (warnings.size() > 12 ? warnings.subList(0, 6) + " ... " + warnings.subList(warnings.size() - 6, warnings.size()) : warnings);
        }
    }

    /** Turns of the loop at most, whatever the clock says: a spinning loop fails the run instead of hanging it. */
    static final long MAX_TURNS = 5_000_000;

    private final long seed;
    private final Path dir;
    private final int pieces;
    private final int pieceLength;
    private final List<PeerSpec> peers = new ArrayList<>();
    private boolean seeding;

    SwarmSimulation(long seed, Path dir, int pieces, int pieceLength) {
        this.seed = seed;
        this.dir = dir;
        this.pieces = pieces;
        this.pieceLength = pieceLength;
    }

    SwarmSimulation peer(PeerSpec spec) {
        peers.add(spec);
        return this;
    }

    /** The download starts with all the data and seeds it, its upload slots following its upload (the CLI's default). */
    SwarmSimulation seeding() {
        seeding = true;
        return this;
    }

    List<PeerSpec> peers() {
        return List.copyOf(peers);
    }

    /** Runs until the download is done or failed, or {@code limitMillis} of simulated time pass. */
    Result run(long limitMillis) throws Exception {
        SplittableRandom random = new SplittableRandom(seed);
        byte[] content = new byte[pieces * pieceLength - random.nextInt(pieceLength / 2)]; // a short last piece
        fill(content, random.nextLong());
        Metainfo meta = torrent(content);
        if (seeding) {
            Files.createDirectories(dir);
            Files.write(dir.resolve("sim.bin"), content);
        }
        long[] now = {1_000_000};
        List<String> warnings = new ArrayList<>();
        List<String> infos = new ArrayList<>();
        EventLoop loop = new EventLoop(() -> now[0], w -> warnings.add("loop: " + w));
        loop.onTaskError(e -> warnings.add("task error: " + e));
        SimNetwork network = new SimNetwork(loop);
        List<InetSocketAddress> addresses = new ArrayList<>();
        List<Runnable> dialsIn = new ArrayList<>();
        List<List<Integer>> havesByPeer = new ArrayList<>();
        ScriptedPeer[] made = new ScriptedPeer[peers.size()];
        for (int i = 0; i < peers.size(); i++) {
            PeerSpec p = peers.get(i);
            InetSocketAddress a = new InetSocketAddress("10.0.0." + (i + 1), 6881);
            int number = i;
            long peerSeed = random.nextLong();
            List<Integer> haves = new ArrayList<>();
            havesByPeer.add(haves);
            SimNetwork.Host host = new SimNetwork.Host(p.bytesPerMilli(), p.latencyMillis(), stream -> made[number] = new ScriptedPeer(loop,
                meta, content, p.kind(), number, peerSeed, stream, p.leaveAtMillis() == Long.MAX_VALUE ? Long.MAX_VALUE
                    : now[0] + p.leaveAtMillis(), p.chokeAtMillis() == Long.MAX_VALUE ? Long.MAX_VALUE : now[0] + p.chokeAtMillis(),
                haves));
            if (p.dialsIn()) {
                InetSocketAddress from = new InetSocketAddress("10.0.1." + (i + 1), 40_000 + i); // an ephemeral port
                dialsIn.add(new Runnable() {
                    @Override
                    public void run() {
                        try {
                            if (!network.dialIn(from, host)) {
                                loop.schedule(100, this); // not listening yet: the check and allocation come first
                            }
                        } catch (java.io.IOException e) {
                            warnings.add("dial in: " + e);
                        }
                    }
                });
            } else {
                addresses.add(a);
                network.host(a, host);
            }
        }
        boolean[] done = {false};
        String[] failed = {null};
        boolean trace = System.getProperty("skiff.sim.trace") != null;
        Events events = new Events() {
            public void debug(String message) {
                if (trace) {
                    System.out.printf("%9.3f %s%n", (now[0] - 1_000_000) / 1000.0, message);
                }
            }

            public boolean debugging() {
                return trace;
            }

            public void info(String message) {
                debug(message);
                infos.add(message);
            }

            public void warn(String message) {
                debug(message);
                warnings.add(message);
            }

            public void completed() {
            }

            public void done() {
                done[0] = true;
            }

            public void failed(String reason) {
                failed[0] = reason;
            }
        };
        Settings settings = new Settings(50, 6881, "-SK0000-simulation00".getBytes(), Settings.DEFAULT_CONNECT_TIMEOUT_MILLIS,
            Settings.DEFAULT_TICK_MILLIS, seeding ? Settings.AUTO_UNCHOKE_SLOTS : Settings.DEFAULT_UNCHOKE_SLOTS,
            Settings.DEFAULT_CHOKE_ROUND_MILLIS, seeding, 0, 0, DiskIo.POSITIONAL, "skiff sim", 0, false, false, null);
        Download download = new Download(loop, Runnable::run, meta, dir, settings, events, random.split(), network,
            Shared.alone(loop::nowMillis));
        download.addPeers(addresses);
        loop.execute(download::start);
        dialsIn.forEach(d -> loop.schedule(100, d));
        long start = now[0];
        long turns = 0;
        List<Status> samples = new ArrayList<>();
        long nextSampleMillis = start + 1000;
        while (!done[0] && failed[0] == null && now[0] - start < limitMillis && turns < MAX_TURNS) {
            turns++;
            if (now[0] >= nextSampleMillis) {
                samples.add(download.status());
                nextSampleMillis = now[0] + 1000;
            }
            if (loop.runOnce(0) == 0) {
                long next = loop.nextTimerMillis();
                if (next == Long.MAX_VALUE) {
                    break;
                }
                now[0] = Math.max(now[0], next);
            }
        }
        Status status = download.status();
        boolean[] stopped = {false};
        download.stop(() -> stopped[0] = true);
        for (int i = 0; i < 10_000 && !stopped[0]; i++) {
            if (loop.runOnce(0) == 0) {
                now[0] = Math.max(now[0], Math.min(loop.nextTimerMillis(), now[0] + 1000));
            }
        }
        loop.closeAll();
        boolean exact = done[0] && Arrays.equals(content, Files.readAllBytes(dir.resolve("sim.bin")));
        List<Long> unchoked = new ArrayList<>();
        List<Long> firstBlocks = new ArrayList<>();
        for (ScriptedPeer p : made) {
            LeechScript l = p == null ? null : p.leech;
            unchoked.add(l == null || l.firstUnchokedMillis < 0 ? -1 : l.firstUnchokedMillis - start);
            firstBlocks.add(l == null || l.firstBlockMillis < 0 ? -1 : l.firstBlockMillis - start);
        }
        return new Result(seed, done[0], failed[0], now[0] - start, turns, exact, warnings, infos, status, samples, havesByPeer,
            unchoked, firstBlocks);
    }

    /** Pseudo-random bytes from a splitmix64 stream: several times faster than nextBytes, which dominated short runs. */
    private static void fill(byte[] content, long seed) {
        java.nio.LongBuffer longs = java.nio.ByteBuffer.wrap(content).asLongBuffer();
        long x = seed;
        while (longs.hasRemaining()) {
            x += 0x9e3779b97f4a7c15L;
            long z = (x ^ (x >>> 30)) * 0xbf58476d1ce4e5b9L;
            z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
            longs.put(z ^ (z >>> 31));
        }
        for (int i = content.length & ~7; i < content.length; i++) {
            content[i] = (byte) (seed >>> (i & 7) * 8);
        }
    }

    private Metainfo torrent(byte[] content) throws Exception {
        MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
        byte[] hashes = new byte[pieces * 20];
        for (int p = 0; p < pieces; p++) {
            int from = p * pieceLength;
            sha1.update(content, from, Math.min(pieceLength, content.length - from));
            System.arraycopy(sha1.digest(), 0, hashes, p * 20, 20);
        }
        byte[] torrent = Encoder.encode(Dicts.builder().put("announce", "http://127.0.0.1:1/announce")
            .put("info", Dicts.builder().put("name", "sim.bin").put("piece length", pieceLength)
                .put("length", content.length).put("pieces", hashes).build()).build());
        return MetainfoParser.parse(torrent);
    }
}
