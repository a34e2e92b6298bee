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
import skiff.testutil.Content;
import skiff.testutil.Opentracker;
import skiff.testutil.Ports;
import skiff.testutil.Procs;
import skiff.testutil.ReferencePeers;
import skiff.testutil.SkiffProcess;

/**
 * uTP (BEP 29) against libtorrent's own on 127.0.0.1, with libtorrent's TCP off so that every
 * byte goes over uTP: skiff downloads from libtorrent seeders (plain, and one that requires RC4)
 * and seeds to libtorrent leechers (plain, and encrypted); and against Transmission's (libutp), both ways.
 */
@Tag("interop")
class UtpInteropTest {
    @TempDir
    Path tmp;

    private Path source;
    private Path torrent;

    private skiff.metainfo.Metainfo content() throws Exception {
        Path seedDir = Files.createDirectories(tmp.resolve("seed"));
        source = Content.random(seedDir.resolve("file.bin"), Interop.bigBytes() / 4, 29);
        torrent = tmp.resolve("t.torrent");
        return Interop.torrent(source, torrent, List.of("http://127.0.0.1:1/announce"), 64 << 10);
    }

    /**
     * Transmission with uTP on, which never dials loopback peers: a skiff seeder with --utp prefer
     * learns it from the tracker and dials it over uTP; Transmission's own uTP (libutp) takes the file.
     */
    @Test
    void transmissionLeechesOverUtpFromSkiff() throws Exception {
        skiff.metainfo.Metainfo meta = content();
        try (Opentracker ot = Opentracker.start(List.of(meta.infoHashHex()))) {
            Interop.torrent(source, torrent, List.of(ot.http()), 64 << 10);
            Path dl = Files.createDirectories(tmp.resolve("tr"));
            Process tr = ReferencePeers.transmission(torrent, dl, Ports.free(), tmp, tmp.resolve("tr.log"), "\"utp-enabled\": true");
            SkiffProcess seeder = null;
            try {
                ot.awaitLeechers(meta.infoHashHex(), 1, 60);
                seeder = SkiffProcess.start(tmp.resolve("seeder.log"), "--seed", "-l", "DEBUG", "-d", tmp.resolve("seed").toString(),
                    "--port", String.valueOf(Ports.free()), "--no-dht", "--utp", "prefer", torrent.toString());
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Interop.timeoutSeconds());
                Path copy = dl.resolve("file.bin");
                while (System.nanoTime() < deadline && !(Files.exists(copy) && Files.mismatch(source, copy) == -1)) {
                    if (tr.waitFor(500, TimeUnit.MILLISECONDS) || seeder.process.waitFor(0, TimeUnit.MILLISECONDS)) {
                        break; // either one gone: what is on disk now is all there will be
                    }
                }
                Content.assertSameBytes(source, copy);
                assertTrue(seeder.output().contains(": handshake (utp"), Interop.tail(seeder.output()));
            } finally {
                Procs.stop(tr);
                if (seeder != null) {
                    Procs.stop(seeder.process);
                }
            }
        }
    }

    /**
     * The other way with libutp: skiff with --utp prefer dials a Transmission seeder (uTP on) over uTP
     * and takes the file; Transmission answers a uTP SYN from loopback, though it never dials one.
     */
    @Test
    void skiffDownloadsOverUtpFromTransmission() throws Exception {
        content();
        int seedPort = Ports.free();
        Path trDir = Files.createDirectories(tmp.resolve("tr-seed"));
        Process tr = ReferencePeers.transmission(torrent, tmp.resolve("seed"), seedPort, trDir, tmp.resolve("tr.log"), "\"utp-enabled\": true");
        SkiffProcess leecher = null;
        try {
            Path dl = Files.createDirectories(tmp.resolve("skiff"));
            leecher = SkiffProcess.start(tmp.resolve("skiff.log"), "-l", "DEBUG", "-d", dl.toString(), "--port", String.valueOf(Ports.free()),
                "--bind", "127.0.0.1", "--no-dht", "--utp", "prefer", "--seed-ratio", "0", "--peer", "127.0.0.1:" + seedPort, torrent.toString());
            assertEquals(0, leecher.waitFor(Interop.timeoutSeconds()), Interop.tail(leecher.output()) + Interop.read(tmp.resolve("tr.log")));
            Content.assertSameBytes(source, dl.resolve("file.bin"));
            assertTrue(leecher.output().contains("127.0.0.1:" + seedPort + ": handshake (utp)"), Interop.tail(leecher.output()));
        } finally {
            Procs.stop(tr);
            if (leecher != null) {
                Procs.stop(leecher.process);
            }
        }
    }

    /**
     * skiff with --utp prefer downloads from a uTP-only libtorrent seeder; from one that also
     * requires RC4, by its encrypted second try, over uTP again.
     */
    @Test
    void skiffDownloadsOverUtpFromLibtorrent() throws Exception {
        content();
        String[][] cases = {{"default", "utp)"}, {"rc4", "utp, encrypted (RC4) (second try))"}};
        for (String[] c : cases) {
            int seedPort = Ports.free();
            Path ltLog = tmp.resolve("lt-" + c[0] + ".log");
            Process lt = ReferencePeers.libtorrent(torrent, tmp.resolve("seed"), seedPort, ltLog, "--transport", "utp",
                "--encryption", c[0]);
            SkiffProcess leecher = null;
            try {
                Interop.awaitFile(lt, ltLog, "state=seeding", 60);
                Path dl = Files.createDirectories(tmp.resolve("skiff-" + c[0]));
                leecher = SkiffProcess.start(tmp.resolve("skiff-" + c[0] + ".log"), "-l", "DEBUG", "-d", dl.toString(), "--port",
                    String.valueOf(Ports.free()), "--bind", "127.0.0.1", "--no-dht", "--utp", "prefer", "--seed-ratio", "0",
                    "--peer", "127.0.0.1:" + seedPort, torrent.toString());
                assertEquals(0, leecher.waitFor(Interop.timeoutSeconds()), c[0] + ": " + Interop.tail(leecher.output()));
                Content.assertSameBytes(source, dl.resolve("file.bin"));
                assertTrue(leecher.output().contains("127.0.0.1:" + seedPort + ": handshake (" + c[1]), c[0] + ": " + Interop.tail(leecher.output()));
            } finally {
                Procs.stop(lt);
                if (leecher != null) {
                    Procs.stop(leecher.process);
                }
            }
        }
    }

    /** Two uTP-only libtorrent leechers, one requiring RC4, get the whole file from a skiff seeder on its defaults. */
    @Test
    void libtorrentLeechesOverUtpFromSkiff() throws Exception {
        content();
        int seedPort = Ports.free();
        SkiffProcess seeder = SkiffProcess.start(tmp.resolve("seeder.log"), "--seed", "-l", "DEBUG", "-d",
            tmp.resolve("seed").toString(), "--port", String.valueOf(seedPort), "--bind", "127.0.0.1", "--no-dht", torrent.toString());
        List<Process> leechers = new ArrayList<>();
        List<String> kinds = List.of("default", "rc4");
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!seeder.output().contains("seeding") && System.nanoTime() < deadline && !seeder.process.waitFor(100, TimeUnit.MILLISECONDS)) {
                // waiting for the seeder to check its data
            }
            for (String kind : kinds) {
                Path dl = Files.createDirectories(tmp.resolve("lt-" + kind));
                leechers.add(ReferencePeers.libtorrent(torrent, dl, Ports.free(), tmp.resolve("lt-" + kind + ".log"), "--exit-when-done",
                    "--transport", "utp", "--encryption", kind, "--peer", "127.0.0.1:" + seedPort));
            }
            for (int i = 0; i < leechers.size(); i++) {
                Path log = tmp.resolve("lt-" + kinds.get(i) + ".log");
                assertTrue(leechers.get(i).waitFor(Interop.timeoutSeconds(), TimeUnit.SECONDS), Interop.read(log));
                assertEquals(0, leechers.get(i).exitValue(), Interop.read(log));
                Content.assertSameBytes(source, tmp.resolve("lt-" + kinds.get(i) + "/file.bin"));
            }
            seeder.process.destroy();
            assertEquals(0, seeder.waitFor(30), Interop.tail(seeder.output()));
            String out = seeder.output();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("uTP: accepted=(\\d+) ").matcher(out);
            assertTrue(m.find() && Integer.parseInt(m.group(1)) >= 2, Interop.tail(out)); // a leecher may come back after a hiccup
            assertTrue(out.contains("handshake (utp, encrypted (RC4))"), Interop.tail(out));
        } finally {
            for (Process p : leechers) {
                Procs.stop(p);
            }
            Procs.stop(seeder.process);
        }
    }
}
