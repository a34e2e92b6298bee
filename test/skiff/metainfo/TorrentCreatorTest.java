package skiff.metainfo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import skiff.loop.WorkerPool;
import skiff.testutil.Tools;

class TorrentCreatorTest {
    private final ExecutorService pool = WorkerPool.create(2);

    @TempDir
    Path tmp;

    @AfterEach
    void stop() {
        WorkerPool.shutdown(pool, 1000);
    }

    private static TorrentCreator.Options options(int pieceLength, boolean isPrivate) {
        return new TorrentCreator.Options(List.of(List.of("http://127.0.0.1:6969/announce")), pieceLength, isPrivate,
            null, "test", null, List.of());
    }

    @Test
    void matchesTheCommittedMktorrentFixtures() throws Exception {
        Metainfo multi = MetainfoParser.parse(TorrentCreator.create(Path.of("test/fixtures/content/data"),
            options(32768, false), pool));
        assertEquals("d80b1b8092a2eccc79e80a91c7140923ff74c7a3", multi.infoHashHex());
        Metainfo single = MetainfoParser.parse(TorrentCreator.create(Path.of("test/fixtures/content/single.bin"),
            options(32768, true), pool));
        assertEquals("8d6f0b832ab0ee45027f17beabe88939dbb9a8a9", single.infoHashHex());
    }

    @Test
    void pieceHashesAreTheSha1OfTheData() throws Exception {
        byte[] data = new byte[100_000];
        new Random(1).nextBytes(data);
        Path f = Files.write(tmp.resolve("f.bin"), data);
        Metainfo m = MetainfoParser.parse(TorrentCreator.create(f, options(16384, false), pool));
        assertEquals(7, m.pieceCount());
        for (int i = 0; i < m.pieceCount(); i++) {
            MessageDigest sha = MessageDigest.getInstance("SHA-1");
            sha.update(data, i * 16384, m.pieceSize(i));
            assertArrayEquals(sha.digest(), m.pieceHash(i));
        }
    }

    @Test
    void autoPieceLengthIsAPowerOfTwoInRange() {
        assertEquals(16384, TorrentCreator.autoPieceLength(1));
        assertEquals(1 << 19, TorrentCreator.autoPieceLength(1L << 30));
        assertEquals(16 << 20, TorrentCreator.autoPieceLength(1L << 45));
    }

    @Test
    void emptySourceIsRefused() throws Exception {
        Files.createDirectory(tmp.resolve("empty"));
        Files.write(tmp.resolve("empty/zero"), new byte[0]);
        assertThrows(MetainfoException.class, () -> TorrentCreator.create(tmp.resolve("empty"), options(0, false), pool));
        assertThrows(MetainfoException.class, () -> TorrentCreator.create(tmp.resolve("missing"), options(0, false), pool));
    }

    /** The same folder through mktorrent and through skiff gives the same info-hash. */
    @Test
    void sameInfoHashAsMktorrent() throws Exception {
        String mktorrent = Tools.require("mktorrent");
        Path root = tmp.resolve("share");
        Random r = new Random(7);
        String[] names = {"b.bin", "a/z.bin", "a/b/c.bin", "A.txt", "a/empty", ".hidden", "a b/\u00e9.bin", "Z/y/x/w.dat"};
        for (String n : names) {
            Path p = root.resolve(n);
            Files.createDirectories(p.getParent());
            byte[] data = new byte[n.contains("empty") ? 0 : r.nextInt(70_000)];
            r.nextBytes(data);
            Files.write(p, data);
        }
        for (int[] variant : new int[][] {{15, 0}, {16, 1}, {18, 0}}) {
            Path out = tmp.resolve("mk" + variant[0] + ".torrent");
            List<String> cmd = new java.util.ArrayList<>(List.of(mktorrent, "-l", String.valueOf(variant[0]),
                "-a", "http://127.0.0.1:1/announce", "-o", out.toString()));
            if (variant[1] == 1) {
                cmd.add("-p");
            }
            cmd.add(root.toString());
            Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue());
            Metainfo theirs = MetainfoParser.parse(Files.readAllBytes(out));
            Metainfo ours = MetainfoParser.parse(TorrentCreator.create(root, options(1 << variant[0], variant[1] == 1), pool));
            assertEquals(theirs.infoHashHex(), ours.infoHashHex(), "piece size 2^" + variant[0]);
        }
    }
}
