package skiff.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import skiff.testutil.Content;
import skiff.testutil.Ports;
import skiff.testutil.Procs;
import skiff.testutil.ReferencePeers;
import skiff.testutil.SkiffProcess;

/**
 * --select-file against a libtorrent seeder: only the files chosen come (a file between them gets
 * no more than the pieces it shares with them), and a second run without the option takes the
 * rest onto what the first left. A magnet link's so= (BEP 53) chooses them the same way.
 */
@Tag("interop")
class SelectFileInteropTest {
    private static final int PIECE = 64 << 10;

    @TempDir
    Path tmp;

    @Test
    void onlyTheSelectedFilesComeAndALaterRunTakesTheRest() throws Exception {
        long mib = Interop.bigBytes() / 8;
        Path set = tmp.resolve("seed").resolve("set");
        Path torrent = tmp.resolve("t.torrent");
        threeFiles(set, torrent, mib + 999);
        Path seedDir = set.getParent();
        int seedPort = Ports.free();
        Path ltLog = tmp.resolve("lt.log");
        Process lt = ReferencePeers.libtorrent(torrent, seedDir, seedPort, ltLog);
        try {
            Interop.awaitFile(lt, ltLog, "state=seeding", 60);
            Path dl = Files.createDirectories(tmp.resolve("dl"));
            SkiffProcess show = SkiffProcess.start(tmp.resolve("show.log"), "show", torrent.toString());
            assertEquals(0, show.waitFor(30));
            String list = show.output();
            assertTrue(list.contains("1  set/one.bin") && list.contains("2  set/three.bin") && list.contains("3  set/two.bin"), list);
            // files are numbered in the torrent's (sorted) order: one, three, two; take one and two
            run(dl, seedPort, torrent, "--select-file", "1,3");
            Content.assertSameBytes(set.resolve("one.bin"), dl.resolve("set/one.bin"));
            Content.assertSameBytes(set.resolve("two.bin"), dl.resolve("set/two.bin"));
            assertMiddleNeverFetched(dl.resolve("set/three.bin"), mib);
            run(dl, seedPort, torrent);
            Content.assertSameTree(set, dl.resolve("set"));
        } finally {
            Procs.stop(lt);
        }
    }

    /** BEP 53: a magnet link's so= chooses the files by index from 0, once the metadata is in. */
    @Test
    void aMagnetLinksSoChoosesTheFiles() throws Exception {
        long mib = Interop.bigBytes() / 8;
        Path set = tmp.resolve("seed").resolve("set");
        Path torrent = tmp.resolve("t.torrent");
        skiff.metainfo.Metainfo m = threeFiles(set, torrent, 2 * mib + 999);
        Path seedDir = set.getParent();
        int seedPort = Ports.free();
        Path ltLog = tmp.resolve("lt.log");
        Process lt = ReferencePeers.libtorrent(torrent, seedDir, seedPort, ltLog, "--extensions", "ut_metadata");
        try {
            Interop.awaitFile(lt, ltLog, "state=seeding", 60);
            Path dl = Files.createDirectories(tmp.resolve("dl"));
            // in the torrent's order: one (0), three (1), two (2)
            run(dl, seedPort, "magnet:?xt=urn:btih:" + m.infoHashHex() + "&dn=set&so=0,2");
            Content.assertSameBytes(set.resolve("one.bin"), dl.resolve("set/one.bin"));
            Content.assertSameBytes(set.resolve("two.bin"), dl.resolve("set/two.bin"));
            assertMiddleNeverFetched(dl.resolve("set/three.bin"), mib);
        } finally {
            Procs.stop(lt);
        }
    }

    /** one.bin, two.bin and three.bin (of {@code threeBytes}) in {@code set}, and their torrent: in its order one, three, two. */
    private static skiff.metainfo.Metainfo threeFiles(Path set, Path torrent, long threeBytes) throws Exception {
        long mib = Interop.bigBytes() / 8;
        Files.createDirectories(set);
        Content.random(set.resolve("one.bin"), 2 * mib + 1234, 1);
        Content.random(set.resolve("two.bin"), 3 * mib + 77, 2);
        Content.random(set.resolve("three.bin"), threeBytes, 3);
        return Interop.torrent(set, torrent, List.of("http://127.0.0.1:1/announce"), PIECE);
    }

    /** A file not selected holds, if it exists at all, the pieces it shares with selected ones and no more. */
    private static void assertMiddleNeverFetched(Path three, long mib) throws Exception {
        if (Files.exists(three)) {
            byte[] middle = new byte[(int) (mib / 2)];
            try (RandomAccessFile f = new RandomAccessFile(three.toFile(), "r")) {
                f.seek(2L * PIECE);
                f.readFully(middle);
            }
            assertArrayEquals(new byte[middle.length], middle, "three.bin's middle was never fetched");
        }
    }

    private void run(Path dl, int seedPort, Path torrent, String... extra) throws Exception {
        run(dl, seedPort, torrent.toString(), extra);
    }

    private void run(Path dl, int seedPort, String source, String... extra) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("-l", "DEBUG", "-d", dl.toString(), "--port", String.valueOf(Ports.free()),
            "--no-dht", "--no-port-map", "--peer", "127.0.0.1:" + seedPort));
        args.addAll(List.of(extra));
        args.add(source);
        SkiffProcess skiff = SkiffProcess.start(tmp.resolve("skiff" + extra.length + ".log"), args.toArray(String[]::new));
        try {
            assertEquals(0, skiff.waitFor(Interop.timeoutSeconds()), Interop.tail(skiff.output()));
        } finally {
            Procs.stop(skiff.process);
        }
    }
}
