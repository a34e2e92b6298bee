package skiff.metainfo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A corpus of torrents whose names try to leave the download directory: every one is refused. */
class HostileTorrentTest {
    private static final List<List<String>> HOSTILE_PATHS = List.of(
        List.of(".."),
        List.of("..", "etc", "passwd"),
        List.of("a", "..", "..", "b"),
        List.of("."),
        List.of(""),
        List.of("a", ""),
        List.of("/etc/passwd"),
        List.of("a/../../b"),
        List.of("..\\..\\windows"),
        List.of("C:", "Windows"),
        List.of("c:evil"),
        List.of("nul\u0000byte"),
        List.of("esc\u001b[2Jape"),
        List.of("x".repeat(256)),
        List.of(),
        deep(PathSafety.MAX_DEPTH + 1));

    private static List<String> deep(int n) {
        List<String> p = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            p.add("d");
        }
        return p;
    }

    @Test
    void everyHostileFilePathIsRefused() {
        for (List<String> path : HOSTILE_PATHS) {
            byte[] t = Torrents.multi("ok", 16384, List.of(path), List.of(10L));
            MetainfoException e = assertThrows(MetainfoException.class, () -> MetainfoParser.parse(t), path.toString());
            assertTrue(e.getMessage().length() < 400, e.getMessage());
        }
    }

    @Test
    void everyHostileNameIsRefused() {
        for (String name : List.of("..", ".", "", "/abs", "a/b", "a\\b", "D:", "\u0000")) {
            assertThrows(MetainfoException.class, () -> MetainfoParser.parse(Torrents.single(name, 10, 16384)), name);
            assertThrows(MetainfoException.class,
                () -> MetainfoParser.parse(Torrents.multi(name, 16384, List.of(List.of("f")), List.of(1L))), name);
        }
    }

    @Test
    void duplicatePathsAndFileFolderClashesAreRefused() {
        assertThrows(MetainfoException.class, () -> MetainfoParser.parse(
            Torrents.multi("n", 16384, List.of(List.of("a"), List.of("a")), List.of(1L, 1L))));
        assertThrows(MetainfoException.class, () -> MetainfoParser.parse(
            Torrents.multi("n", 16384, List.of(List.of("a"), List.of("a", "b")), List.of(1L, 1L))));
        assertThrows(MetainfoException.class, () -> MetainfoParser.parse(
            Torrents.multi("n", 16384, List.of(List.of("a", "b"), List.of("a")), List.of(1L, 1L))));
    }

    @Test
    void unusualButSafeNamesAreKept() throws Exception {
        List<List<String>> paths = List.of(List.of("..."), List.of("a..b"), List.of(".hidden"), List.of("sp ace", "\u00e9t\u00e9"),
            List.of("x".repeat(255)));
        Metainfo m = MetainfoParser.parse(Torrents.multi("n", 16384, paths, List.of(1L, 1L, 1L, 1L, 1L)));
        assertEquals(5, m.files().size());
    }

    @Test
    void thousandsOfFilesAreAccepted() throws Exception {
        List<List<String>> paths = new ArrayList<>();
        List<Long> lengths = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            paths.add(List.of("d" + (i % 50), "f" + i));
            lengths.add(3L);
        }
        assertEquals(5000, MetainfoParser.parse(Torrents.multi("n", 16384, paths, lengths)).files().size());
    }

    /** Each hostile torrent, run as a download: refused in one line, and the tree under the root is unchanged. */
    @org.junit.jupiter.api.Test
    void noHostileTorrentWritesAnything(@org.junit.jupiter.api.io.TempDir java.nio.file.Path root) throws Exception {
        java.nio.file.Path dl = java.nio.file.Files.createDirectories(root.resolve("a/b/dl"));
        java.nio.file.Path torrents = java.nio.file.Files.createDirectories(root.resolve("torrents"));
        List<java.nio.file.Path> files = new ArrayList<>();
        int i = 0;
        for (List<String> path : HOSTILE_PATHS) {
            files.add(java.nio.file.Files.write(torrents.resolve("evil" + i++ + ".torrent"),
                Torrents.multi("ok", 16384, List.of(path), List.of(10L))));
        }
        for (String name : List.of("..", "/etc/x", "a/../../b", "..\\x")) {
            files.add(java.nio.file.Files.write(torrents.resolve("evil" + i++ + ".torrent"), Torrents.single(name, 10, 16384)));
        }
        files.add(java.nio.file.Files.write(torrents.resolve("mismatch.torrent"), skiff.bencode.Encoder.encode(
            skiff.bencode.Dicts.builder().put("info", skiff.bencode.Dicts.builder().put("name", "x").put("length", 100000)
                .put("piece length", 16384).put("pieces", new byte[20]).build()).build())));
        List<String> before = tree(root);
        for (java.nio.file.Path t : files) {
            java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
            java.lang.reflect.Method run = Class.forName("skiff.cli.Main").getDeclaredMethod("run", String[].class);
            java.lang.reflect.Constructor<?> ctor = Class.forName("skiff.cli.Main")
                .getDeclaredConstructor(java.io.PrintStream.class, java.io.PrintStream.class);
            ctor.setAccessible(true);
            run.setAccessible(true);
            Object main = ctor.newInstance(new java.io.PrintStream(new java.io.ByteArrayOutputStream()), new java.io.PrintStream(err));
            int code = (int) run.invoke(main, (Object) new String[] {"-q", "-d", dl.toString(), t.toString()});
            assertEquals(1, code, t + ": " + err);
            assertEquals(1, err.toString().lines().count(), err.toString());
        }
        assertEquals(before, tree(root), "nothing was created, changed or removed");
    }

    private static List<String> tree(java.nio.file.Path root) throws Exception {
        try (var s = java.nio.file.Files.walk(root)) {
            return s.map(p -> root.relativize(p) + (java.nio.file.Files.isDirectory(p) ? "/" : " " + p.toFile().length()))
                .sorted().toList();
        }
    }
}
