package skiff.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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

/** Real leechers download from skiff seeding on 127.0.0.1, and skiff instances trade among themselves. */
@Tag("interop")
class SeedInteropTest {
    @TempDir
    Path tmp;

    private record Setup(Path source, Path seedDir, Path torrent, Metainfo meta, Opentracker tracker) {
    }

    private Setup setup(boolean multi, boolean udp) throws Exception {
        Path seedDir = Files.createDirectories(tmp.resolve("seed"));
        Path source = multi ? Content.multiFile(seedDir.resolve("multi"), Interop.bigBytes() / 4)
            : Content.random(seedDir.resolve("file.bin"), Interop.bigBytes() / 2, 11);
        Path torrent = tmp.resolve("t.torrent");
        Metainfo m = Interop.torrent(source, torrent, List.of("http://127.0.0.1:1/announce"), 64 << 10);
        Opentracker ot = Opentracker.start(List.of(m.infoHashHex()));
        Interop.torrent(source, torrent, List.of(udp ? ot.udp() : ot.http()), 64 << 10);
        return new Setup(source, seedDir, torrent, m, ot);
    }

    private SkiffProcess seeder(Setup s, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("--seed", "-l", "DEBUG", "-d", s.seedDir().toString(),
            "--port", String.valueOf(Ports.free())));
        args.addAll(List.of(extra));
        args.add(s.torrent().toString());
        return SkiffProcess.start(tmp.resolve("seeder.log"), args.toArray(String[]::new));
    }

    private static void awaitLine(SkiffProcess p, String text, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (p.output().contains(text)) {
                return;
            }
            if (p.process.waitFor(100, TimeUnit.MILLISECONDS)) { // the poll's pause; a skiff that ended will not say it
                break;
            }
        }
        throw new AssertionError("never saw '" + text + "': " + tail(p.output()));
    }

    private static String tail(String s) {
        return s.length() > 3000 ? s.substring(s.length() - 3000) : s;
    }

    /** SIGTERM once seeding: a clean stop with exit 0. */
    private static void finishSeeding(SkiffProcess p) throws Exception {
        p.process.destroy();
        assertEquals(0, p.waitFor(30), tail(p.output()));
    }

    @Test
    void libtorrentLeechesFromSkiff() throws Exception {
        Setup s = setup(true, true);
        try (Opentracker ot = s.tracker()) {
            SkiffProcess seeder = seeder(s);
            Process lt = null;
            try {
                awaitLine(seeder, "seeding", 60);
                ot.awaitSeeders(s.meta().infoHashHex(), 1, 30);
                Path dl = Files.createDirectories(tmp.resolve("lt"));
                lt = ReferencePeers.libtorrent(s.torrent(), dl, Ports.free(), tmp.resolve("lt.log"), "--exit-when-done");
                assertTrue(lt.waitFor(Interop.timeoutSeconds(), TimeUnit.SECONDS), Files.readString(tmp.resolve("lt.log")));
                Content.assertSameTree(s.source(), dl.resolve("multi"));
                finishSeeding(seeder);
            } finally {
                Procs.stop(lt);
                Procs.stop(seeder.process);
            }
        }
    }

    @Test
    void aria2LeechesFromSkiff() throws Exception {
        Setup s = setup(false, false);
        try (Opentracker ot = s.tracker()) {
            // --seed-ratio 1: once it has given the whole file away, the seeder ends by itself with 0
            SkiffProcess seeder = seeder(s, "--seed-ratio", "1");
            Process aria = null;
            try {
                awaitLine(seeder, "seeding", 60);
                ot.awaitSeeders(s.meta().infoHashHex(), 1, 30);
                Path dl = Files.createDirectories(tmp.resolve("aria2"));
                aria = ReferencePeers.aria2(s.torrent(), dl, Ports.free(), tmp.resolve("aria2.log"), "--seed-time=0");
                assertTrue(aria.waitFor(Interop.timeoutSeconds(), TimeUnit.SECONDS), Files.readString(tmp.resolve("aria2.log")));
                assertEquals(0, aria.exitValue(), Files.readString(tmp.resolve("aria2.log")));
                Content.assertSameBytes(s.source(), dl.resolve("file.bin"));
                assertEquals(0, seeder.waitFor(30), tail(seeder.output()));
                assertTrue(seeder.output().contains("seed ratio reached"), tail(seeder.output()));
            } finally {
                Procs.stop(aria);
                Procs.stop(seeder.process);
            }
        }
    }

    /** Transmission never dials loopback peers: skiff, seeding, dials the leecher the tracker lists. */
    @Test
    void transmissionLeechesFromSkiffWhichDialsIt() throws Exception {
        Setup s = setup(true, false);
        try (Opentracker ot = s.tracker()) {
            Path dl = Files.createDirectories(tmp.resolve("tr"));
            Process tr = ReferencePeers.transmission(s.torrent(), dl, Ports.free(), tmp, tmp.resolve("tr.log"));
            SkiffProcess seeder = null;
            try {
                ot.awaitLeechers(s.meta().infoHashHex(), 1, 60);
                seeder = seeder(s);
                awaitTree(s.source(), dl.resolve("multi"));
                // Transmission does not create 0-byte files; compare the rest (now: skiff seeds from there).
                Files.deleteIfExists(s.source().resolve("zero.bin"));
                Content.assertSameTree(s.source(), dl.resolve("multi"));
            } finally {
                Procs.stop(tr);
                if (seeder != null) {
                    Procs.stop(seeder.process);
                }
            }
        }
    }

    private static void awaitTree(Path source, Path copy) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Interop.timeoutSeconds());
        while (System.nanoTime() < deadline) {
            if (Content.sameTree(source, copy, true)) {
                return;
            }
            Thread.sleep(500);
        }
        StringBuilder listing = new StringBuilder();
        try (var files = Files.walk(copy.getParent())) {
            files.filter(Files::isRegularFile).forEach(f -> listing.append(' ').append(f.getFileName()).append('=').append(f.toFile().length()));
        }
        throw new AssertionError("transmission never completed " + copy + ":" + listing);
    }

    /** One skiff seeder (slowed) and three skiff leechers joining at different moments trade pieces. */
    @Test
    void skiffSwarmLeechersServeEachOther() throws Exception {
        Setup s = setup(false, true);
        try (Opentracker ot = s.tracker()) {
            long size = Files.size(s.source());
            // The seeder gives the whole file in about eight seconds: leechers must help each other.
            SkiffProcess seeder = seeder(s, "--upload-limit", String.valueOf(Math.max(64, size / 8 / 1024)));
            List<SkiffProcess> leechers = new ArrayList<>();
            try {
                awaitLine(seeder, "seeding", 60);
                for (int i = 0; i < 3; i++) {
                    ot.awaitSeeders(s.meta().infoHashHex(), 1, 30);
                    leechers.add(SkiffProcess.start(tmp.resolve("leecher" + i + ".log"), "--seed", "-l", "DEBUG", "-d",
                        tmp.resolve("l" + i).toString(), "--port", String.valueOf(Ports.free()), s.torrent().toString()));
                    Thread.sleep(1500); // the point of the test: leechers join at different moments
                }
                for (SkiffProcess l : leechers) {
                    awaitLine(l, "download complete", Interop.timeoutSeconds());
                }
                int served = 0;
                for (int i = 0; i < 3; i++) {
                    SkiffProcess l = leechers.get(i);
                    finishSeeding(l);
                    Content.assertSameBytes(s.source(), tmp.resolve("l" + i + "/file.bin"));
                    Matcher up = Pattern.compile("uploaded ([0-9.]+) ").matcher(l.output());
                    assertTrue(up.find(), tail(l.output()));
                    if (Double.parseDouble(up.group(1)) > 0) {
                        served++;
                    }
                }
                assertTrue(served >= 2, "leechers that uploaded to others: " + served);
                finishSeeding(seeder);
            } finally {
                leechers.forEach(l -> Procs.stop(l.process));
                Procs.stop(seeder.process);
            }
        }
    }
}
