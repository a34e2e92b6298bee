package skiff.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import skiff.metainfo.Metainfo;
import skiff.testutil.Content;
import skiff.testutil.Json;
import skiff.testutil.Opentracker;
import skiff.testutil.Ports;
import skiff.testutil.ProcStats;
import skiff.testutil.Procs;
import skiff.testutil.ReferencePeers;
import skiff.testutil.SkiffProcess;
import skiff.testutil.Tools;

/** Several torrents in one skiff process (the jlink image): one session, one port, one status block. */
@Tag("interop")
class SessionInteropTest {
    private static final Path IMAGE = Path.of("build/image/bin/skiff");

    @TempDir
    Path tmp;

    /** Torrents of the same opentracker, each with its own data: every third single-file, the rest multi-file. */
    private final class Torrents implements AutoCloseable {
        final List<Path> files = new ArrayList<>();
        final List<Path> sources = new ArrayList<>();
        final List<Metainfo> metas = new ArrayList<>();
        final Opentracker tracker;
        private final List<Process> peers = new ArrayList<>();

        Torrents(int count, long bytes, String trackerUrl) throws Exception {
            Path seed = Files.createDirectories(tmp.resolve("seed"));
            for (int i = 0; i < count; i++) {
                Path source = i % 3 == 2 ? Content.random(seed.resolve("single" + i + ".bin"), bytes, 100 + i)
                    : multi(seed.resolve("multi" + i), bytes, i);
                sources.add(source);
                files.add(tmp.resolve("t" + i + ".torrent"));
                metas.add(Interop.torrent(source, files.get(i), List.of("http://127.0.0.1:1/announce"), 64 << 10));
            }
            tracker = trackerUrl == null ? Opentracker.start(metas.stream().map(Metainfo::infoHashHex).toList()) : null;
            for (int i = 0; i < count; i++) { // the info-hash does not depend on the tracker: now for real
                Interop.torrent(sources.get(i), files.get(i), List.of(tracker == null ? trackerUrl : tracker.http()), 64 << 10);
            }
        }

        private static Path multi(Path root, long bytes, int i) throws java.io.IOException {
            Content.random(root.resolve("a/one.bin"), bytes / 3 + 17 * i, 200 + i);
            Content.random(root.resolve("two.bin"), bytes - bytes / 3, 300 + i);
            Content.random(root.resolve("a/b/small.txt"), 999, 400 + i);
            return root;
        }

        /** A libtorrent seeder of each torrent, each capped at {@code bytesPerSec} (0: none). */
        void seedAll(long bytesPerSec) throws Exception {
            for (int i = 0; i < files.size(); i++) {
                peers.add(ReferencePeers.libtorrent(files.get(i), tmp.resolve("seed"), Ports.free(), tmp.resolve("lt" + i + ".log"),
                    "--upload-limit", String.valueOf(bytesPerSec), "--extensions", "ut_metadata"));
            }
            for (Metainfo m : metas) {
                tracker.awaitSeeders(m.infoHashHex(), 1, 30);
            }
        }

        Process leecher(int i, Path dir, int skiffPort) throws Exception {
            Process p = ReferencePeers.libtorrent(files.get(i), dir, Ports.free(), tmp.resolve("leech" + i + ".log"),
                "--peer", "127.0.0.1:" + skiffPort, "--exit-when-done");
            peers.add(p);
            return p;
        }

        void assertAllArrived(Path dl) throws java.io.IOException {
            for (Path source : sources) {
                Path got = dl.resolve(source.getFileName());
                if (Files.isDirectory(source)) {
                    Content.assertSameTree(source, got);
                } else {
                    Content.assertSameBytes(source, got);
                }
            }
        }

        List<String> args(String... options) {
            List<String> a = new ArrayList<>(List.of(IMAGE.toString()));
            a.addAll(List.of(options));
            files.forEach(f -> a.add(f.toString()));
            return a;
        }

        @Override
        public void close() throws Exception {
            peers.forEach(Procs::stop);
            if (tracker != null) {
                tracker.close();
            }
        }
    }

    private static void assertImage() {
        assertTrue(Files.isExecutable(IMAGE), "make interop builds the image first");
    }

    @Test
    void threeTorrentsAtOnceOneStatusLineEachAndATotal() throws Exception {
        assertImage();
        String script = Tools.require("script");
        long bytes = Interop.shortRun() ? 3 << 20 : 24 << 20;
        try (Torrents t = new Torrents(3, bytes, null)) {
            t.seedAll(bytes / 3); // about three seconds each, so the terminal is redrawn a few times
            Path dl = tmp.resolve("dl");
            String inner = String.join(" ", t.args("-d", dl.toString(), "--port", String.valueOf(Ports.free())));
            SkiffProcess s = SkiffProcess.command(tmp.resolve("pty.log"), List.of(script, "-qefc", "COLUMNS=100 " + inner, "/dev/null"));
            int code = s.waitFor(Interop.timeoutSeconds());
            String out = s.output();
            assertEquals(0, code, out);
            t.assertAllArrived(dl);
            // each redraw (after the escapes that blank the last one): a line per torrent, led by its name, then the total
            String[] frames = out.split("\033\\[2K\r");
            int full = 0;
            for (String frame : frames) {
                boolean all = frame.contains("total ");
                for (Metainfo m : t.metas) {
                    all &= frame.contains(m.name() + " ");
                }
                full += all ? 1 : 0;
            }
            assertTrue(full >= 2, "redraws naming every torrent and a total: " + full + "\n" + out);
            for (Metainfo m : t.metas) {
                assertTrue(out.contains("/" + m.name() + ", ") && out.contains("done: /"), out);
            }
            assertTrue(out.contains(", 3 of 3 complete"), out);
        }
    }

    @Test
    void threeTorrentsAtOnceOneJsonObjectEachPerInterval() throws Exception {
        assertImage();
        long bytes = Interop.shortRun() ? 3 << 20 : 24 << 20;
        try (Torrents t = new Torrents(3, bytes, null)) {
            t.seedAll(bytes / 3);
            Path dl = tmp.resolve("dl");
            SkiffProcess s = SkiffProcess.command(tmp.resolve("json.log"),
                t.args("-d", dl.toString(), "--port", String.valueOf(Ports.free()), "--json", "--status-interval", "1", "-l", "ERROR"));
            int code = s.waitFor(Interop.timeoutSeconds());
            String out = s.output();
            assertEquals(0, code, out);
            t.assertAllArrived(dl);
            Map<String, Integer> statusPerHash = new HashMap<>();
            Map<String, Integer> donePerHash = new HashMap<>();
            for (String line : out.split("\n")) {
                if (line.isBlank()) {
                    continue;
                }
                Map<String, Object> o = Json.object(line);
                String hash = (String) o.get("info_hash");
                (o.get("event").equals("status") ? statusPerHash : donePerHash).merge(hash, 1, Integer::sum);
            }
            for (Metainfo m : t.metas) {
                assertEquals(1, donePerHash.get(m.infoHashHex()), out);
            }
            assertEquals(3, statusPerHash.size(), out);
            assertEquals(1, statusPerHash.values().stream().distinct().count(), "one object per torrent per interval: " + statusPerHash);
        }
    }

    /** Issue 18: two .torrent files and a magnet link (its metadata from the seeders, BEP 9) in one process, with the image. */
    @Test
    void twoTorrentFilesAndAMagnetAtOnce() throws Exception {
        assertImage();
        long bytes = Interop.shortRun() ? 3 << 20 : 24 << 20;
        try (Torrents t = new Torrents(3, bytes, null)) {
            t.seedAll(0);
            Path dl = tmp.resolve("dl");
            List<String> args = t.args("-d", dl.toString(), "--port", String.valueOf(Ports.free()), "--json", "--status-interval", "1",
                "-l", "ERROR");
            String tr = java.net.URLEncoder.encode(t.tracker.http(), java.nio.charset.StandardCharsets.UTF_8);
            args.set(args.size() - 1, "magnet:?xt=urn:btih:" + t.metas.get(2).infoHashHex() + "&tr=" + tr);
            SkiffProcess s = SkiffProcess.command(tmp.resolve("magnet.log"), args);
            int code = s.waitFor(Interop.timeoutSeconds());
            String out = s.output();
            assertEquals(0, code, out);
            t.assertAllArrived(dl);
            for (Metainfo m : t.metas) {
                assertTrue(out.contains("{\"event\":\"done\",\"name\":\"" + m.name() + "\",\"info_hash\":\"" + m.infoHashHex()), out);
            }
            assertTrue(Files.isRegularFile(dl.resolve(".skiff").resolve(t.metas.get(2).infoHashHex() + ".torrent")),
                "the magnet's metadata came from the seeders and was kept");
        }
    }

    @Test
    void eightTorrentsWithTheImageDefaults() throws Exception {
        assertImage();
        long bytes = Interop.shortRun() ? 4 << 20 : 32 << 20;
        try (Torrents t = new Torrents(8, bytes, null)) {
            t.seedAll(0);
            Path dl = tmp.resolve("dl");
            SkiffProcess s = SkiffProcess.command(tmp.resolve("eight.log"),
                t.args("-d", dl.toString(), "--port", String.valueOf(Ports.free()), "-q"));
            int code;
            try (ProcStats stats = new ProcStats(s.process)) {
                long start = System.nanoTime();
                code = s.waitFor(Interop.timeoutSeconds());
                System.out.printf("8 torrents of %d MiB: exit %d in %.1f s, %.2f CPU s, peak RssAnon %.1f MiB%n", bytes >> 20, code,
                    (System.nanoTime() - start) / 1e9, stats.cpuSeconds(), stats.peakRssAnonMib());
                assertEquals(0, code, s.output());
                t.assertAllArrived(dl);
                assertTrue(stats.peakRssAnonMib() <= 24, "the issue's target is 24 MiB; peak RssAnon " + stats.peakRssAnonMib() + " MiB");
            }
        }
    }

    @Test
    void incomingConnectionsReachTheTorrentTheyName() throws Exception {
        assertImage();
        long bytes = Interop.shortRun() ? 2 << 20 : 16 << 20;
        // no tracker answers: skiff cannot dial anyone, so every connection is incoming
        try (Torrents t = new Torrents(2, bytes, "http://127.0.0.1:1/announce")) {
            int port = Ports.free();
            SkiffProcess seeder = SkiffProcess.command(tmp.resolve("seed.log"),
                t.args("-d", tmp.resolve("seed").toString(), "--port", String.valueOf(port), "--seed", "-q", "-l", "DEBUG",
                    "--log-file", tmp.resolve("seed-debug.log").toString()));
            try {
                assertTrue(Procs.waitForPort(port, seeder.process, 20), seeder.output());
                List<Process> leechers = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    leechers.add(t.leecher(i, Files.createDirectories(tmp.resolve("leech" + i)), port));
                }
                for (int i = 0; i < 2; i++) {
                    assertTrue(leechers.get(i).waitFor(Interop.timeoutSeconds(), java.util.concurrent.TimeUnit.SECONDS),
                        "leecher " + i + " did not finish: " + Files.readString(tmp.resolve("leech" + i + ".log")));
                    assertEquals(0, leechers.get(i).exitValue());
                    Path source = t.sources.get(i);
                    Path got = tmp.resolve("leech" + i).resolve(source.getFileName());
                    Content.assertSameTree(source, got);
                }
            } finally {
                seeder.process.destroy(); // SIGTERM: the seeder stops cleanly and logs what came in
                seeder.waitFor(20);
            }
            String log = Files.readString(tmp.resolve("seed-debug.log"));
            Matcher m = Pattern.compile("incoming connections: \\{.*?routed=(\\d+)").matcher(log);
            assertTrue(m.find() && Integer.parseInt(m.group(1)) >= 2, log.lines().filter(l -> l.contains("incoming")).toList().toString());
        }
    }
}
