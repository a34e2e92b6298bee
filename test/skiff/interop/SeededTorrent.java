package skiff.interop;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import skiff.metainfo.Metainfo;
import skiff.testutil.Content;
import skiff.testutil.Opentracker;
import skiff.testutil.Ports;
import skiff.testutil.Procs;
import skiff.testutil.ReferencePeers;

/**
 * The set-up most interop tests share: a file of seeded random bytes, its torrent announcing to a
 * real opentracker over HTTP, and libtorrent seeders started on demand. Closing stops them all.
 */
final class SeededTorrent implements AutoCloseable {
    final Path file;
    final Path seedDir;
    final Path torrent;
    final Metainfo meta;
    final Opentracker tracker;
    private final Path workDir;
    private final List<Process> seeders = new ArrayList<>();

    private SeededTorrent(Path workDir, Path file, Path torrent, Metainfo meta, Opentracker tracker) {
        this.workDir = workDir;
        this.file = file;
        this.seedDir = file.getParent();
        this.torrent = torrent;
        this.meta = meta;
        this.tracker = tracker;
    }

    /** {@code size} bytes of random data (from {@code seed}) in {@code tmp/seed/file.bin}. */
    static SeededTorrent create(Path tmp, long size, long seed, int pieceLength) throws Exception {
        Path file = Content.random(Files.createDirectories(tmp.resolve("seed")).resolve("file.bin"), size, seed);
        Path torrent = tmp.resolve("t.torrent");
        // The info-hash does not depend on the tracker: make it once to whitelist it, then for real.
        Metainfo meta = Interop.torrent(file, torrent, List.of("http://127.0.0.1:1/announce"), pieceLength);
        Opentracker ot = Opentracker.start(List.of(meta.infoHashHex()));
        try {
            Interop.torrent(file, torrent, List.of(ot.http()), pieceLength);
        } catch (Exception e) {
            ot.close();
            throw e;
        }
        return new SeededTorrent(tmp, file, torrent, meta, ot);
    }

    /** A libtorrent seeder on {@code port} (extra: lt_peer.py options); returns once the tracker lists it. */
    Process libtorrent(int port, String... extra) throws Exception {
        int before = seeders.size();
        Process p = ReferencePeers.libtorrent(torrent, seedDir, port, workDir.resolve("lt" + before + ".log"), extra);
        seeders.add(p);
        tracker.awaitSeeders(meta.infoHashHex(), 1, 30);
        return p;
    }

    Process libtorrent(String... extra) throws Exception {
        return libtorrent(Ports.free(), extra);
    }

    @Override
    public void close() throws Exception {
        seeders.forEach(Procs::stop);
        tracker.close();
    }
}
