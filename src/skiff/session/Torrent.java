package skiff.session;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.random.RandomGenerator;
import skiff.loop.EventLoop;
import skiff.metainfo.Metainfo;
import skiff.storage.StorageException;
import skiff.swarm.Download;
import skiff.swarm.MetadataSwarm;
import skiff.swarm.Events;
import skiff.swarm.PeerNetwork;
import skiff.swarm.Settings;
import skiff.swarm.Shared;
import skiff.swarm.Status;
import skiff.swarm.TorrentState;
import skiff.tracker.Announcer;
import skiff.tracker.Tracker;
import skiff.tracker.Trackers;

/**
 * One torrent of the session. It may begin as an info-hash alone (a magnet link) and gain its
 * metainfo later; from then on its {@link Download} does the work, with the trackers the
 * metainfo names. Loop thread only.
 */
public final class Torrent {

    private final EventLoop loop;
    private final Executor workers;
    private final byte[] infoHash;
    private final String name;
    private final Path downloadDir;
    private final Settings settings;
    private final Events events;
    private final RandomGenerator random;
    private final PeerNetwork network;
    private final Shared shared;
    private final Trackers trackers;
    private final List<InetSocketAddress> givenPeers = new ArrayList<>();
    private final long createdMillis;
    private Download download;
    private boolean started;
    private boolean stopped;
    /** A magnet link's trackers, one tier each; null for a .torrent file. */
    private List<List<String>> magnetTiers;
    private List<String> magnetSeeds = List.of();
    /** --save-torrent: where a magnet's .torrent goes once its metadata is in; null for none. */
    private Path saveAs;
    /** The metadata phase (BEP 9), while it runs. */
    private MetadataSwarm metadata;
    /** A magnet link's announcer: it runs from the metadata phase on, reporting to whichever phase is current. */
    private Announcer magnetAnnouncer;
    /** The session's DHT node, or null when it is off; the search runs while the torrent does, never for a private one. */
    private DhtService dht;
    private skiff.dht.Search search;
    private int dhtPeers;

    Torrent(EventLoop loop, Executor workers, byte[] infoHash, String name, Path downloadDir, Settings settings,
            Events events, RandomGenerator random, PeerNetwork network, Shared shared, Trackers trackers) {
        this.loop = loop;
        this.workers = workers;
        this.infoHash = infoHash.clone();
        this.name = name;
        this.downloadDir = downloadDir;
        this.settings = settings;
        this.events = events;
        this.random = random;
        this.network = network;
        this.shared = shared;
        this.trackers = trackers;
        this.createdMillis = loop.nowMillis();
    }

    public byte[] infoHash() {
        return infoHash.clone();
    }

    /** The metainfo, or null while the torrent has only its info-hash. */
    public Metainfo metainfo() {
        return download == null ? null : download.metainfo();
    }

    /** The download, or null while the torrent has only its info-hash. */
    public Download download() {
        return download;
    }

    /**
     * Gives the torrent its metainfo (once); its files are claimed now, so that a bad path or an
     * unwritable folder fails here. If the torrent was started, the download starts too.
     */
    public void metainfo(Metainfo m) throws StorageException {
        if (download != null) {
            return;
        }
        if (!Arrays.equals(m.infoHash(), infoHash)) {
            throw new IllegalArgumentException("metainfo of another torrent");
        }
        if (m.isPrivate()) {
            stopSearch(); // a magnet that turned out private: off the DHT from now on
        }
        Download d = new Download(loop, workers, m, downloadDir, settings, events, random, network, shared);
        // a magnet link's trackers are its own (a kept .torrent holds the same); with none, no tracker is missed
        List<List<String>> urls = magnetTiers != null ? magnetTiers : m.tiers();
        if (magnetAnnouncer != null) {
            d.announcer(magnetAnnouncer, true);
        } else if (trackers != null && (magnetTiers == null || !magnetTiers.isEmpty())) {
            d.announcer(new Announcer(loop, tiers(urls), m.infoHash(), settings.peerId(), network.port(), random, d,
                    d.trackerListener()), false);
        }
        if (metadata == null) {
            d.addPeers(givenPeers);
        } else { // the metadata phase's connections are kept: handed over once the download runs
            MetadataSwarm phase = metadata;
            phase.finish();
            d.whenRunning(() -> {
                d.adopt(phase.handOver());
                d.addPeers(phase.knownPeers());
                if (metadata == phase) {
                    metadata = null;
                }
            });
        }
        download = d;
        if (started && !stopped) {
            loop.execute(d::start);
        }
    }

    /**
     * Makes this a magnet link's torrent (BEP 9): until its metainfo comes, its peers (trackers,
     * {@code x.pe}, incoming) are asked for the metadata. {@code tiers}: the link's trackers;
     * {@code webSeeds}: its web seeds ({@code ws}), used once the metadata is here.
     */
    public void magnet(List<List<String>> tiers, List<String> webSeeds) {
        this.magnetTiers = tiers;
        this.magnetSeeds = webSeeds;
    }

    /** Also writes the fetched metadata, with the magnet's trackers, as a .torrent to {@code file}. */
    public void saveTorrentAs(Path file) {
        this.saveAs = file;
    }

    private void startMetadataPhase() {
        metadata = new MetadataSwarm(loop, workers, infoHash, settings, events, network, shared, this::gotMetadata);
        metadata.addPeers(givenPeers);
        if (trackers != null && !magnetTiers.isEmpty()) {
            Phases phases = new Phases();
            magnetAnnouncer = new Announcer(loop, tiers(magnetTiers), infoHash, settings.peerId(), network.port(), random,
                    phases, phases);
            magnetAnnouncer.start();
        }
        metadata.start();
    }

    /** The info dictionary, verified against the info-hash: the torrent becomes a download. */
    private void gotMetadata(byte[] info) {
        Metainfo m;
        try {
            m = skiff.metainfo.MetainfoParser.parse(MetadataFile.torrent(info, magnetTiers, magnetSeeds));
        } catch (skiff.metainfo.MetainfoException e) {
            events.failed("the metadata from peers is not a usable torrent: " + e.getMessage());
            return;
        }
        MetadataFile.save(workers, loop, downloadDir, m, magnetTiers, events);
        if (saveAs != null) {
            MetadataFile.saveAs(workers, loop, saveAs, m, magnetTiers, events);
            events.info("metadata written to " + saveAs);
        }
        try {
            metainfo(m);
        } catch (StorageException e) {
            events.failed(e.getMessage());
        }
    }

    /** What the magnet's trackers report to: the metadata phase, then the download. */
    private final class Phases implements Announcer.Listener, Announcer.Stats {
        private Announcer.Listener current() {
            return download != null ? download.trackerListener() : metadata != null ? metadata.trackerListener() : null;
        }

        @Override
        public void announced(String url, skiff.tracker.AnnounceResponse response) {
            if (current() != null) {
                current().announced(url, response);
            }
        }

        @Override
        public void announceFailed(String url, String reason) {
            if (current() != null) {
                current().announceFailed(url, reason);
            }
        }

        @Override
        public void allFailed(Map<String, String> lastErrors, long retryInMillis) {
            if (current() != null) {
                current().allFailed(lastErrors, retryInMillis);
            }
        }

        @Override
        public long uploaded() {
            return download == null ? 0 : download.uploaded();
        }

        @Override
        public long downloaded() {
            return download == null ? 0 : download.downloaded();
        }

        /** Before the metainfo nothing tells how much is left: a block's worth, as libtorrent reports. */
        @Override
        public long left() {
            return download == null ? skiff.peer.Wire.BLOCK_BYTES : download.left();
        }
    }

    private List<List<Tracker>> tiers(List<List<String>> urls) {
        List<List<Tracker>> tiers = new ArrayList<>();
        for (List<String> tier : urls) {
            List<Tracker> t = new ArrayList<>();
            for (String url : tier) {
                Tracker tracker = trackers.create(url);
                if (tracker == null) {
                    events.debug("skipping tracker " + url + ": unsupported scheme");
                } else {
                    t.add(tracker);
                }
            }
            tiers.add(t);
        }
        return tiers;
    }

    void dht(DhtService d) {
        this.dht = d;
    }

    /** BEP 27: a private torrent's peers come from its trackers alone; a magnet's privacy is known with its metadata. */
    private void startSearch() {
        Metainfo m = metainfo();
        if (dht == null || search != null || stopped || (m != null && m.isPrivate())) {
            return;
        }
        search = dht.track(infoHash, network.port(), found -> {
            dhtPeers += found.size();
            events.debug("DHT: " + found.size() + " peers");
            addPeers(found);
        }, this::wantsPeers);
    }

    private void stopSearch() {
        if (search != null) {
            search.stop();
            search = null;
        }
    }

    /** Short of peers: the DHT asks again in minutes rather than a quarter of an hour. */
    private boolean wantsPeers() {
        Status s = status();
        return s.state() == TorrentState.METADATA || s.connections() < Math.max(1, settings.maxPeers() / 2) && s.fraction() < 1;
    }

    /** Peers the DHT handed over so far (a peer found twice counts twice). */
    public int dhtPeers() {
        return dhtPeers;
    }

    /** Peers to dial besides the trackers' (--peer, a magnet's x.pe). */
    public void addPeers(List<InetSocketAddress> peers) {
        if (download != null) {
            download.addPeers(peers);
        } else if (metadata != null) {
            metadata.addPeers(peers);
        } else {
            givenPeers.addAll(peers);
        }
    }

    /** Starts checking and downloading, now or once the metainfo arrives. */
    public void start() {
        started = true;
        loop.execute(this::startSearch);
        if (download != null) {
            loop.execute(download::start);
        } else if (magnetTiers != null) {
            loop.execute(this::startMetadataPhase);
        }
    }

    /** Stops; {@code done} runs after, on the loop. */
    public void stop(Runnable done) {
        if (stopped) {
            loop.execute(done);
            return;
        }
        stopped = true;
        stopSearch();
        if (metadata != null) {
            metadata.stop(download == null);
        }
        if (download != null) {
            download.stop(done);
        } else if (magnetAnnouncer != null) {
            network.close();
            magnetAnnouncer.stop(done);
        } else {
            network.close();
            loop.execute(done);
        }
    }

    public Status status() {
        if (download != null) {
            return download.status();
        }
        int connections = metadata == null ? 0 : metadata.connections();
        int known = metadata == null ? givenPeers.size() : metadata.knownPeerCount();
        return new Status(name, HexFormat.of().formatHex(infoHash), loop.nowMillis() - createdMillis, -1,
                TorrentState.METADATA, 0, 0, 0, 0, 0, 0, connections, known, 0, 0, 0, 0, null, Map.of(),
                magnetAnnouncer == null ? 0 : magnetAnnouncer.droppedReplies(), -1);
    }
}
