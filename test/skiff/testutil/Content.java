package skiff.testutil;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/** Test data on disk, and byte-for-byte comparison of two trees. */
public final class Content {
    private Content() {
    }

    /** Writes {@code bytes} of seeded random data to {@code file}, streaming. */
    public static Path random(Path file, long bytes, long seed) throws IOException {
        Files.createDirectories(file.getParent());
        Random r = new Random(seed);
        byte[] buf = new byte[1 << 16];
        try (OutputStream out = Files.newOutputStream(file)) {
            long left = bytes;
            while (left > 0) {
                r.nextBytes(buf);
                int n = (int) Math.min(buf.length, left);
                out.write(buf, 0, n);
                left -= n;
            }
        }
        return file;
    }

    /**
     * A folder with nested folders, a 0-byte file, files smaller than a piece and file edges that
     * do not fall on piece edges.
     */
    public static Path multiFile(Path root, long bigBytes) throws IOException {
        random(root.resolve("a/b/c/deep.bin"), 100_001, 1);
        random(root.resolve("a/mid.bin"), 300_007, 2);
        random(root.resolve("big.bin"), bigBytes + 12_345, 3);
        random(root.resolve("small1.txt"), 7, 4);
        random(root.resolve("small2.txt"), 1000, 5);
        Files.createDirectories(root);
        Files.write(root.resolve("zero.bin"), new byte[0]);
        return root;
    }

    /**
     * Whether every regular file under {@code expected} is under {@code actual} with the same bytes
     * yet; empty files need not be there when {@code skipEmpty} (Transmission does not make them).
     */
    public static boolean sameTree(Path expected, Path actual, boolean skipEmpty) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(expected)) {
            files = s.filter(Files::isRegularFile).filter(f -> !skipEmpty || f.toFile().length() > 0).toList();
        }
        for (Path f : files) {
            Path other = actual.resolve(expected.relativize(f).toString());
            if (!Files.exists(other) || Files.size(other) != Files.size(f) || Files.mismatch(f, other) != -1) {
                return false;
            }
        }
        return !files.isEmpty();
    }

    /** Every regular file under {@code expected} exists under {@code actual} with the same bytes. */
    public static void assertSameTree(Path expected, Path actual) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(expected)) {
            files = s.filter(Files::isRegularFile).toList();
        }
        assertTrue(!files.isEmpty());
        for (Path f : files) {
            Path other = actual.resolve(expected.relativize(f).toString());
            assertTrue(Files.exists(other), "missing " + other);
            assertEquals(Files.size(f), Files.size(other), "size of " + other);
            assertSameBytes(f, other);
        }
    }

    public static void assertSameBytes(Path a, Path b) throws IOException {
        try (InputStream x = Files.newInputStream(a); InputStream y = Files.newInputStream(b)) {
            byte[] bx = new byte[1 << 16];
            byte[] by = new byte[1 << 16];
            long offset = 0;
            while (true) {
                int nx = x.readNBytes(bx, 0, bx.length);
                int ny = y.readNBytes(by, 0, by.length);
                assertEquals(nx, ny, b + " length differs near " + offset);
                if (nx == 0) {
                    return;
                }
                if (!java.util.Arrays.equals(bx, 0, nx, by, 0, ny)) {
                    assertArrayEquals(bx, by, b + " differs near offset " + offset);
                }
                offset += nx;
            }
        }
    }
}
