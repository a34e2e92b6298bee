package skiff.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import skiff.metainfo.Metainfo;
import skiff.testutil.Content;
import skiff.testutil.Opentracker;
import skiff.testutil.Ports;
import skiff.testutil.Procs;
import skiff.testutil.ReferencePeers;
import skiff.testutil.SkiffProcess;

/**
 * MSE (encrypted handshakes) against three other implementations on 127.0.0.1: libtorrent, aria2
 * and Transmission set to require encryption leech from skiff, and skiff reaches libtorrent
 * seeders that require it (or refuse it) whatever its own --encryption says.
 */
@Tag("interop")
class EncryptionInteropTest {
    @TempDir
    Path tmp;

    private Path source;
    private Path torrent;
    private Metainfo meta;

    /** A file in seed/, its torrent announcing to {@code tracker} (a dead one when null). */
    private void content(String tracker) throws Exception {
        Path seedDir = Files.createDirectories(tmp.resolve("seed"));
        source = Content.random(seedDir.resolve("file.bin"), Interop.bigBytes() / 4, 23);
        torrent = tmp.resolve("t.torrent");
        meta = Interop.torrent(source, torrent, List.of(tracker == null ? "http://127.0.0.1:1/announce" : tracker), 64 << 10);
    }

    private SkiffProcess skiff(String name, Path dir, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("-l", "DEBUG", "-d", dir.toString(), "--port", String.valueOf(Ports.free()),
            "--bind", "127.0.0.1", "--no-dht"));
        args.addAll(List.of(extra));
        args.add(torrent.toString());
        return SkiffProcess.start(tmp.resolve(name + ".log"), args.toArray(String[]::new));
    }

    private static void awaitLine(SkiffProcess p, String text, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (p.output().contains(text)) {
                return;
            }
            if (p.process.waitFor(100, TimeUnit.MILLISECONDS)) {
                break;
            }
        }
        throw new AssertionError("never saw '" + text + "': " + Interop.tail(p.output()));
    }

    /** Two libtorrent leechers that take encrypted connections only, one wanting RC4, one a plaintext payload. */
    @Test
    void libtorrentLeechersRequiringEncryptionGetEverything() throws Exception {
        content(null);
        int seedPort = Ports.free();
        SkiffProcess seeder = SkiffProcess.start(tmp.resolve("seeder.log"), "--seed", "-l", "DEBUG", "-d",
            tmp.resolve("seed").toString(), "--port", String.valueOf(seedPort), "--bind", "127.0.0.1", "--no-dht", torrent.toString());
        List<Process> leechers = new ArrayList<>();
        try {
            awaitLine(seeder, "seeding", 60);
            for (String level : List.of("rc4", "plaintext")) {
                Path dl = Files.createDirectories(tmp.resolve("lt-" + level));
                leechers.add(ReferencePeers.libtorrent(torrent, dl, Ports.free(), tmp.resolve("lt-" + level + ".log"), "--exit-when-done",
                    "--encryption", level, "--peer", "127.0.0.1:" + seedPort));
            }
            for (int i = 0; i < leechers.size(); i++) {
                Path log = tmp.resolve("lt-" + List.of("rc4", "plaintext").get(i) + ".log");
                assertTrue(leechers.get(i).waitFor(Interop.timeoutSeconds(), TimeUnit.SECONDS), Interop.read(log));
                assertEquals(0, leechers.get(i).exitValue(), Interop.read(log));
            }
            Content.assertSameBytes(source, tmp.resolve("lt-rc4/file.bin"));
            Content.assertSameBytes(source, tmp.resolve("lt-plaintext/file.bin"));
            seeder.process.destroy();
            assertEquals(0, seeder.waitFor(30), Interop.tail(seeder.output()));
            String out = seeder.output();
            assertTrue(out.contains("encrypted=2"), Interop.tail(out));
            assertTrue(out.contains("encrypted (RC4)") && out.contains("encrypted handshake, plaintext payload"), Interop.tail(out));
        } finally {
            for (Process p : leechers) {
                Procs.stop(p);
            }
            Procs.stop(seeder.process);
        }
    }

    /**
     * A libtorrent seeder that requires RC4: skiff by default dials it plain, is hung up on, and
     * dials again encrypted; with --encryption require it dials encrypted at once. A seeder that
     * refuses encryption: skiff with --encryption prefer falls back to plaintext.
     */
    @Test
    void skiffReachesSeedersThatRequireOrRefuseEncryption() throws Exception {
        content(null);
        String[][] cases = {{"rc4", "allow", "tcp, encrypted (RC4) (second try)"}, {"rc4", "require", "tcp, encrypted (RC4)"},
            {"off", "prefer", "tcp (second try)"}};
        for (String[] c : cases) {
            int seedPort = Ports.free();
            Process lt = ReferencePeers.libtorrent(torrent, tmp.resolve("seed"), seedPort, tmp.resolve("lt-" + c[1] + ".log"),
                "--encryption", c[0]);
            Interop.awaitFile(lt, tmp.resolve("lt-" + c[1] + ".log"), "state=seeding", 60); // a torrent still checking turns peers away
            Path dl = Files.createDirectories(tmp.resolve("skiff-" + c[1]));
            SkiffProcess leecher = null;
            try {
                leecher = skiff("skiff-" + c[1], dl, "--seed-ratio", "0", "--encryption", c[1], "--peer", "127.0.0.1:" + seedPort);
                assertEquals(0, leecher.waitFor(Interop.timeoutSeconds()), c[1] + ": " + Interop.tail(leecher.output()));
                Content.assertSameBytes(source, dl.resolve("file.bin"));
                assertTrue(leecher.output().contains("127.0.0.1:" + seedPort + ": handshake (" + c[2] + ")"),
                    c[1] + ": " + Interop.tail(leecher.output()));
            } finally {
                Procs.stop(lt);
                if (leecher != null) {
                    Procs.stop(leecher.process);
                }
            }
        }
    }

    /** aria2 with --bt-require-crypto and RC4 as its least: its own MSE against ours. */
    @Test
    void aria2RequiringEncryptionLeechesFromSkiff() throws Exception {
        content("http://127.0.0.1:1/announce");
        try (Opentracker ot = Opentracker.start(List.of(meta.infoHashHex()))) {
            meta = Interop.torrent(source, torrent, List.of(ot.http()), 64 << 10);
            SkiffProcess seeder = SkiffProcess.start(tmp.resolve("seeder.log"), "--seed", "--seed-ratio", "1", "-l", "DEBUG", "-d",
                tmp.resolve("seed").toString(), "--port", String.valueOf(Ports.free()), "--no-dht", torrent.toString());
            Process aria = null;
            try {
                awaitLine(seeder, "seeding", 60);
                ot.awaitSeeders(meta.infoHashHex(), 1, 30);
                Path dl = Files.createDirectories(tmp.resolve("aria2"));
                aria = ReferencePeers.aria2(torrent, dl, Ports.free(), tmp.resolve("aria2.log"), "--seed-time=0",
                    "--bt-require-crypto=true", "--bt-min-crypto-level=arc4");
                assertTrue(aria.waitFor(Interop.timeoutSeconds(), TimeUnit.SECONDS), Interop.read(tmp.resolve("aria2.log")));
                assertEquals(0, aria.exitValue(), Interop.read(tmp.resolve("aria2.log")));
                Content.assertSameBytes(source, dl.resolve("file.bin"));
                assertEquals(0, seeder.waitFor(30), Interop.tail(seeder.output()));
                assertTrue(seeder.output().contains("encrypted (RC4)"), Interop.tail(seeder.output()));
            } finally {
                Procs.stop(aria);
                Procs.stop(seeder.process);
            }
        }
    }

    /**
     * Transmission requiring encryption, which never dials loopback peers: skiff seeds and dials
     * it, plain first as by default; Transmission hangs up, and skiff's encrypted second try gets through.
     */
    @Test
    void transmissionRequiringEncryptionLeechesFromSkiffWhichDialsIt() throws Exception {
        content("http://127.0.0.1:1/announce");
        try (Opentracker ot = Opentracker.start(List.of(meta.infoHashHex()))) {
            meta = Interop.torrent(source, torrent, List.of(ot.http()), 64 << 10);
            Path dl = Files.createDirectories(tmp.resolve("tr"));
            Process tr = ReferencePeers.transmission(torrent, dl, Ports.free(), tmp, tmp.resolve("tr.log"), "\"encryption\": 2");
            SkiffProcess seeder = null;
            try {
                ot.awaitLeechers(meta.infoHashHex(), 1, 60);
                seeder = SkiffProcess.start(tmp.resolve("seeder.log"), "--seed", "-l", "DEBUG", "-d", tmp.resolve("seed").toString(),
                    "--port", String.valueOf(Ports.free()), "--no-dht", torrent.toString());
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Interop.timeoutSeconds());
                Path copy = dl.resolve("file.bin");
                while (System.nanoTime() < deadline && !(Files.exists(copy) && Files.mismatch(source, copy) == -1)) {
                    if (tr.waitFor(500, TimeUnit.MILLISECONDS) || seeder.process.waitFor(0, TimeUnit.MILLISECONDS)) {
                        break; // either one gone: what is on disk now is all there will be
                    }
                }
                Content.assertSameBytes(source, dl.resolve("file.bin"));
                assertTrue(seeder.output().contains("(second try)"), Interop.tail(seeder.output()));
            } finally {
                Procs.stop(tr);
                if (seeder != null) {
                    Procs.stop(seeder.process);
                }
            }
        }
    }
}
