package skiff.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import skiff.metainfo.Metainfo;
import skiff.testutil.Content;
import skiff.testutil.Ports;
import skiff.testutil.Procs;
import skiff.testutil.Qbittorrent;
import skiff.testutil.SkiffProcess;

/**
 * qBittorrent-nox, the client many users run, as seeder and leecher on 127.0.0.1: with its
 * default settings (encryption allowed; torrents of a folder of files), requiring encryption,
 * and over uTP only; and magnet links both ways. Each case has skiff download one file from qBittorrent and qBittorrent
 * download another from skiff; qBittorrent learns skiff's address through its Web API.
 */
@Tag("interop")
class QbittorrentInteropTest {
    @TempDir
    Path tmp;

    private static long size() {
        return Interop.shortRun() ? 4 << 20 : 64 << 20;
    }

    /** A torrent's data (a file, or a folder of files), in a folder of its own: {@code file.getParent()}. */
    private record Shared(Path file, Path torrent, Metainfo meta) {
        /** {@code dir} holds a copy, named as the torrent names it, with the same bytes. */
        void assertCopyIn(Path dir, String who) throws Exception {
            Path copy = dir.resolve(file.getFileName());
            if (Files.isDirectory(file)) {
                Content.assertSameTree(file, copy);
            } else {
                assertEquals(-1, Files.mismatch(file, copy), who + "'s copy differs");
            }
        }
    }

    /**
     * A file of its own, or with {@code folder} a folder of files (nested folders, an empty file,
     * files shorter than a piece), and its torrent (a dead tracker: peers come from --peer and the
     * Web API).
     */
    private Shared content(String name, long seed, boolean folder) throws Exception {
        Path file = folder ? Content.multiFile(tmp.resolve(name).resolve(name), size())
            : Content.random(tmp.resolve(name).resolve(name + ".bin"), size(), seed);
        Path torrent = tmp.resolve(name + ".torrent");
        Metainfo meta = Interop.torrent(file, torrent, List.of("http://127.0.0.1:1/announce"), 64 << 10);
        return new Shared(file, torrent, meta);
    }

    private SkiffProcess skiff(String name, Path dir, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("-l", "DEBUG", "-d", dir.toString(), "--bind", "127.0.0.1", "--no-dht"));
        all.addAll(List.of(args));
        return SkiffProcess.start(tmp.resolve(name + ".log"), all.toArray(String[]::new));
    }

    /**
     * qBittorrent seeds one file to skiff, and downloads another from skiff, under the given
     * settings; both of skiff's logs must show a handshake with {@code handshake} in it.
     */
    private void bothWays(String tag, boolean folders, String handshake, List<String> skiffOptions, String... qbSettings)
            throws Exception {
        Shared fromQb = content(tag + "-qb", 41, folders);
        Shared fromSkiff = content(tag + "-skiff", 42, folders);
        int skiffPort = Ports.free();
        List<String> seedArgs = new ArrayList<>(List.of("--seed", "--port", String.valueOf(skiffPort)));
        seedArgs.addAll(skiffOptions);
        seedArgs.add(fromSkiff.torrent().toString());
        SkiffProcess seeder = skiff(tag + "-seeder", fromSkiff.file().getParent(), seedArgs.toArray(String[]::new));
        try (Qbittorrent qb = Qbittorrent.start(Files.createDirectories(tmp.resolve(tag + "-qbittorrent")), qbSettings)) {
            // qBittorrent's own copy is checked, then seeded
            qb.addTorrent(fromQb.torrent(), fromQb.file().getParent());
            qb.awaitComplete(fromQb.meta().infoHashHex(), 60);
            // and it leeches the other from skiff
            Path qbGot = Files.createDirectories(tmp.resolve(tag + "-qb-got"));
            qb.addTorrent(fromSkiff.torrent(), qbGot);
            qb.addPeer(fromSkiff.meta().infoHashHex(), skiffPort);

            Path dl = Files.createDirectories(tmp.resolve(tag + "-dl"));
            List<String> args = new ArrayList<>(List.of("--port", String.valueOf(Ports.free()), "--peer", "127.0.0.1:" + qb.port));
            args.addAll(skiffOptions);
            args.add(fromQb.torrent().toString());
            SkiffProcess leecher = skiff(tag + "-leecher", dl, args.toArray(String[]::new));
            try {
                assertEquals(0, leecher.waitFor(Interop.timeoutSeconds()), () -> Interop.tail(output(leecher)) + qbLog(qb));
            } finally {
                Procs.stop(leecher.process);
            }
            fromQb.assertCopyIn(dl, "skiff");
            assertTrue(handshake(leecher.output(), "127.0.0.1:" + qb.port + ": handshake (", handshake),
                () -> Interop.tail(output(leecher)));

            qb.awaitComplete(fromSkiff.meta().infoHashHex(), Interop.timeoutSeconds());
            fromSkiff.assertCopyIn(qbGot, "qBittorrent");
            assertTrue(handshake(seeder.output(), ": handshake (", handshake), () -> Interop.tail(output(seeder)));
        } finally {
            Procs.stop(seeder.process);
        }
    }

    /** Whether a line of {@code log} has {@code head} and then {@code what}: "handshake (utp, encrypted (RC4))". */
    private static boolean handshake(String log, String head, String what) {
        return log.lines().anyMatch(l -> l.contains(head) && l.indexOf(what, l.indexOf(head)) >= 0);
    }

    private static String output(SkiffProcess p) {
        try {
            return p.output();
        } catch (java.io.IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static String qbLog(Qbittorrent qb) {
        try {
            return "\nqBittorrent: " + Interop.tail(qb.log());
        } catch (java.io.IOException e) {
            return "";
        }
    }

    /** Torrents of a folder of files: nested folders, an empty file, files shorter than a piece. */
    @Test
    void withQbittorrentsDefaults() throws Exception {
        bothWays("default", true, "", List.of());
    }

    /** qBittorrent refuses plaintext: skiff dials encrypted (--encryption prefer) and takes qBittorrent's encrypted dials. */
    @Test
    void withQbittorrentRequiringEncryption() throws Exception {
        bothWays("rc4", false, "encrypted (RC4))", List.of("--encryption", "prefer"), Qbittorrent.REQUIRE_ENCRYPTION);
    }

    /** qBittorrent neither listens on nor dials TCP: every byte goes over uTP (BEP 29). */
    @Test
    void withQbittorrentOverUtpOnly() throws Exception {
        bothWays("utp", false, "utp", List.of("--utp", "prefer"), Qbittorrent.UTP_ONLY);
    }

    /** Metadata (BEP 9) from qBittorrent to skiff, and from skiff to qBittorrent. */
    @Test
    void magnetLinksBothWays() throws Exception {
        Shared fromQb = content("magnet-qb", 43, false);
        Shared fromSkiff = content("magnet-skiff", 44, false);
        int skiffPort = Ports.free();
        SkiffProcess seeder = skiff("magnet-seeder", fromSkiff.file().getParent(), "--seed", "--port", String.valueOf(skiffPort),
            fromSkiff.torrent().toString());
        try (Qbittorrent qb = Qbittorrent.start(Files.createDirectories(tmp.resolve("magnet-qbittorrent")))) {
            qb.addTorrent(fromQb.torrent(), fromQb.file().getParent());
            qb.awaitComplete(fromQb.meta().infoHashHex(), 60);
            Path qbGot = Files.createDirectories(tmp.resolve("magnet-qb-got"));
            qb.addMagnet("magnet:?xt=urn:btih:" + fromSkiff.meta().infoHashHex() + "&dn=from-skiff", qbGot);
            qb.addPeer(fromSkiff.meta().infoHashHex(), skiffPort);

            Path dl = Files.createDirectories(tmp.resolve("magnet-dl"));
            SkiffProcess leecher = skiff("magnet-leecher", dl, "--port", String.valueOf(Ports.free()),
                "magnet:?xt=urn:btih:" + fromQb.meta().infoHashHex() + "&x.pe=127.0.0.1:" + qb.port);
            try {
                assertEquals(0, leecher.waitFor(Interop.timeoutSeconds()), () -> Interop.tail(output(leecher)) + qbLog(qb));
            } finally {
                Procs.stop(leecher.process);
            }
            fromQb.assertCopyIn(dl, "skiff");

            qb.awaitComplete(fromSkiff.meta().infoHashHex(), Interop.timeoutSeconds());
            fromSkiff.assertCopyIn(qbGot, "qBittorrent");
        } finally {
            Procs.stop(seeder.process);
        }
    }
}
