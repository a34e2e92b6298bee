package skiff.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import skiff.metainfo.Metainfo;
import skiff.testutil.Content;
import skiff.testutil.Opentracker;
import skiff.testutil.Ports;
import skiff.testutil.Procs;
import skiff.testutil.ReferencePeers;
import skiff.testutil.SkiffProcess;

/** skiff downloads from real seeders (libtorrent, Transmission, aria2) announced through opentracker. */
@Tag("interop")
class DownloadInteropTest {
    @TempDir
    Path tmp;

    private void download(Path torrent, Path dir, String what, String... more) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("-l", "DEBUG", "-d", dir.toString(),
            "--port", String.valueOf(Ports.free())));
        args.addAll(List.of(more));
        args.add(torrent.toString());
        SkiffProcess skiff = SkiffProcess.start(tmp.resolve("skiff-" + what + ".log"), args.toArray(String[]::new));
        int code = skiff.waitFor(Interop.timeoutSeconds());
        assertEquals(0, code, what + ": " + skiff.output());
    }

    @Test
    void singleFileFromLibtorrentOverHttp() throws Exception {
        Path seed = Files.createDirectories(tmp.resolve("seed"));
        Content.random(seed.resolve("single.bin"), Interop.bigBytes(), 42);
        Path torrent = tmp.resolve("single.torrent");
        Metainfo m;
        try (Opentracker ot = Opentracker.start(List.of(hex(m = Interop.torrent(seed.resolve("single.bin"), torrent,
                List.of("http://127.0.0.1:1/announce"), 256 << 10))))) {
            m = Interop.torrent(seed.resolve("single.bin"), torrent, List.of(ot.http()), 256 << 10);
            Process lt = ReferencePeers.libtorrent(torrent, seed, Ports.free(), tmp.resolve("lt.log"));
            try {
                ot.awaitSeeders(m.infoHashHex(), 1, 30);
                download(torrent, tmp.resolve("dl"), "libtorrent-http");
            } finally {
                Procs.stop(lt);
            }
            Content.assertSameBytes(seed.resolve("single.bin"), tmp.resolve("dl/single.bin"));
        }
    }

    /**
     * A torrent whose only tracker skiff cannot use (WebTorrent's wss://), its seeder given with
     * --peer: it completes and exits 0 (it used to finish the data, hit an error on the loop and run on).
     */
    @Test
    void noUsableTrackerAndAPeerGivenByHandCompletesAndExits() throws Exception {
        Path seed = Files.createDirectories(tmp.resolve("seed"));
        Content.random(seed.resolve("wss.bin"), 4L << 20, 43);
        Path torrent = tmp.resolve("wss.torrent");
        Interop.torrent(seed.resolve("wss.bin"), torrent, List.of("wss://tracker.example.invalid/announce"), 64 << 10);
        int port = Ports.free();
        Process lt = ReferencePeers.libtorrent(torrent, seed, port, tmp.resolve("lt.log"));
        try {
            assertTrue(Procs.waitForPort(port, lt, 30), "libtorrent listens");
            SkiffProcess skiff = SkiffProcess.start(tmp.resolve("skiff-wss.log"), "-d", tmp.resolve("dl").toString(),
                "--port", String.valueOf(Ports.free()), "--peer", "127.0.0.1:" + port, torrent.toString());
            int code = skiff.waitFor(60);
            String out = skiff.output();
            assertEquals(0, code, out);
            assertTrue(out.contains("done: /") && out.contains("/wss.bin, ") && !out.contains("error on the loop"), out);
        } finally {
            Procs.stop(lt);
        }
        Content.assertSameBytes(seed.resolve("wss.bin"), tmp.resolve("dl/wss.bin"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"mmap", "positional"})
    void multiFileFromLibtorrentOverUdp(String diskIo) throws Exception {
        Path src = Content.multiFile(tmp.resolve("seed/multi"), Interop.bigBytes() / 4);
        Path torrent = tmp.resolve("multi.torrent");
        String hash = hex(Interop.torrent(src, torrent, List.of("udp://127.0.0.1:1"), 64 << 10));
        try (Opentracker ot = Opentracker.start(List.of(hash))) {
            Interop.torrent(src, torrent, List.of(ot.udp()), 64 << 10);
            Process lt = ReferencePeers.libtorrent(torrent, tmp.resolve("seed"), Ports.free(), tmp.resolve("lt.log"));
            try {
                ot.awaitSeeders(hash, 1, 30);
                download(torrent, tmp.resolve("dl"), "libtorrent-udp", "--disk-io", diskIo);
            } finally {
                Procs.stop(lt);
            }
            Content.assertSameTree(src, tmp.resolve("dl/multi"));
        }
    }

    @Test
    void multiFileFromTransmission() throws Exception {
        Path src = Content.multiFile(tmp.resolve("seed/multi"), Interop.bigBytes() / 4);
        Path torrent = tmp.resolve("multi.torrent");
        String hash = hex(Interop.torrent(src, torrent, List.of("http://127.0.0.1:1/announce"), 64 << 10));
        try (Opentracker ot = Opentracker.start(List.of(hash))) {
            Interop.torrent(src, torrent, List.of(ot.http()), 64 << 10);
            Process tr = ReferencePeers.transmission(torrent, tmp.resolve("seed"), Ports.free(), tmp, tmp.resolve("tr.log"));
            try {
                ot.awaitSeeders(hash, 1, 60);
                download(torrent, tmp.resolve("dl"), "transmission");
            } finally {
                Procs.stop(tr);
            }
            Content.assertSameTree(src, tmp.resolve("dl/multi"));
        }
    }

    /** No tracker answers: the seeder given with --peer is enough. */
    @Test
    void peerGivenOnTheCommandLine() throws Exception {
        Path seed = Files.createDirectories(tmp.resolve("seed"));
        Content.random(seed.resolve("given.bin"), 6 << 20, 43);
        Path torrent = tmp.resolve("given.torrent");
        Interop.torrent(seed.resolve("given.bin"), torrent, List.of("http://127.0.0.1:1/announce"), 64 << 10);
        int port = Ports.free();
        Process lt = ReferencePeers.libtorrent(torrent, seed, port, tmp.resolve("lt.log"));
        try {
            assertTrue(Procs.waitForPort(port, lt, 30), "libtorrent listens");
            download(torrent, tmp.resolve("dl"), "given-peer", "--peer", "127.0.0.1:" + port);
        } finally {
            Procs.stop(lt);
        }
        Content.assertSameBytes(seed.resolve("given.bin"), tmp.resolve("dl/given.bin"));
    }

    @Test
    void multiFileFromAria2() throws Exception {
        Path src = Content.multiFile(tmp.resolve("seed/multi"), Interop.bigBytes() / 4);
        Path torrent = tmp.resolve("multi.torrent");
        String hash = hex(Interop.torrent(src, torrent, List.of("http://127.0.0.1:1/announce"), 64 << 10));
        try (Opentracker ot = Opentracker.start(List.of(hash))) {
            Interop.torrent(src, torrent, List.of(ot.http()), 64 << 10);
            Process ar = ReferencePeers.aria2(torrent, tmp.resolve("seed"), Ports.free(), tmp.resolve("aria2.log"));
            try {
                ot.awaitSeeders(hash, 1, 60);
                download(torrent, tmp.resolve("dl"), "aria2");
            } finally {
                Procs.stop(ar);
            }
            Content.assertSameTree(src, tmp.resolve("dl/multi"));
        }
    }

    /** Two seeders at once, each slowed down; the first is stopped halfway and the second finishes. */
    @Test
    void secondSeederFinishesWhenTheFirstStopsHalfway() throws Exception {
        Path seed = Files.createDirectories(tmp.resolve("seed"));
        long size = Math.min(Interop.bigBytes(), 32L << 20);
        Content.random(seed.resolve("file.bin"), size, 7);
        Path torrent = tmp.resolve("file.torrent");
        String hash = hex(Interop.torrent(seed.resolve("file.bin"), torrent, List.of("http://127.0.0.1:1/announce"), 256 << 10));
        try (Opentracker ot = Opentracker.start(List.of(hash))) {
            Interop.torrent(seed.resolve("file.bin"), torrent, List.of(ot.http()), 256 << 10);
            // Each seeder gives a quarter of the file per second: together about two seconds.
            String limit = String.valueOf(size / 4);
            Process first = ReferencePeers.libtorrent(torrent, seed, Ports.free(), tmp.resolve("lt1.log"), "--upload-limit", limit);
            Process second = ReferencePeers.aria2(torrent, seed, Ports.free(), tmp.resolve("aria2.log"),
                "--max-overall-upload-limit=" + limit);
            try {
                ot.awaitSeeders(hash, 2, 60);
                SkiffProcess skiff = SkiffProcess.start(tmp.resolve("skiff.log"), "--status-interval", "1", "-d",
                    tmp.resolve("dl").toString(), "--port", String.valueOf(Ports.free()), torrent.toString());
                skiff.awaitProgress(10, 60); // stopped once the download is under way
                Procs.stop(first);
                int code = skiff.waitFor(Interop.timeoutSeconds());
                assertEquals(0, code, skiff.output());
            } finally {
                Procs.stop(first);
                Procs.stop(second);
            }
            Content.assertSameBytes(seed.resolve("file.bin"), tmp.resolve("dl/file.bin"));
        }
    }

    private static String hex(Metainfo m) {
        return m.infoHashHex();
    }
}
