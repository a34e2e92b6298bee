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
        Download d = new Download(loop, workers, m, downloadDir, settings, events, random, network, shared);
        if (trackers != null) {
            d.announcer(new Announcer(loop, tiers(m), m.infoHash(), settings.peerId(), network.port(), random, d,
                    d.trackerListener()));
        }
        d.addPeers(givenPeers);
        download = d;
        if (started && !stopped) {
            loop.execute(d::start);
        }
    }

    private List<List<Tracker>> tiers(Metainfo m) {
        List<List<Tracker>> tiers = new ArrayList<>();
        for (List<String> tier : m.tiers()) {
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

    /** Peers to dial besides the trackers' (--peer, a magnet's x.pe). */
    public void addPeers(List<InetSocketAddress> peers) {
        if (download != null) {
            download.addPeers(peers);
        } else {
            givenPeers.addAll(peers);
        }
    }

    /** Starts checking and downloading, now or once the metainfo arrives. */
    public void start() {
        started = true;
        if (download != null) {
            loop.execute(download::start);
        }
    }

    /** Stops; {@code done} runs after, on the loop. */
    public void stop(Runnable done) {
        if (stopped) {
            loop.execute(done);
            return;
        }
        stopped = true;
        if (download != null) {
            download.stop(done);
        } else {
            network.close();
            loop.execute(done);
        }
    }

    public Status status() {
        if (download != null) {
            return download.status();
        }
        return new Status(name, HexFormat.of().formatHex(infoHash), loop.nowMillis() - createdMillis, -1,
                TorrentState.METADATA, 0, 0, 0, 0, 0, 0, 0, givenPeers.size(), 0, 0, 0, 0, null, Map.of(), 0);
    }
}
