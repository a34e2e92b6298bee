package skiff.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
    @TempDir
    Path tmp;

    private record Result(int code, String out, String err) {
    }

    private static Result run(String... given) {
        String[] argv = given;
        boolean download = given.length > 0 && !given[0].equals("show") && !given[0].equals("create");
        if (download && !List.of(given).contains("--port") && !List.of(given).contains("--help") && !List.of(given).contains("-h")) {
            argv = new String[given.length + 2]; // never the default 6881: another client may hold it
            argv[0] = "--port";
            try {
                argv[1] = String.valueOf(skiff.testutil.Ports.free());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            System.arraycopy(given, 0, argv, 2, given.length);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new Main(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8))
            .run(argv);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void showPrintsWhatTransmissionShowPrints() {
        Result r = run("show", "test/fixtures/torrents/mk-multi.torrent");
        assertEquals(0, r.code);
        assertTrue(r.out.contains("Hash: d80b1b8092a2eccc79e80a91c7140923ff74c7a3"));
        assertTrue(r.out.contains("Pieces: 5 x 32.0 KiB"));
        assertTrue(r.out.contains("data/sub/deeper/c.bin (39.1 KiB)"));
        assertTrue(r.out.contains("Tier #1"));
    }

    @Test
    void badTorrentsGiveOneLineAndExit1() throws Exception {
        Files.write(tmp.resolve("garbage.torrent"), "this is not bencode".getBytes(StandardCharsets.UTF_8));
        Files.write(tmp.resolve("trunc.torrent"), java.util.Arrays.copyOf(
            Files.readAllBytes(Path.of("test/fixtures/torrents/mk-multi.torrent")), 200));
        Files.write(tmp.resolve("evil.torrent"), skiff.bencode.Encoder.encode(skiff.bencode.Dicts.builder()
            .put("info", skiff.bencode.Dicts.builder().put("name", "..").put("length", 1).put("piece length", 16384)
                .put("pieces", new byte[20]).build()).build()));
        for (String name : List.of("garbage.torrent", "trunc.torrent", "evil.torrent", "missing.torrent")) {
            for (String cmd : List.of("show", "download")) {
                String file = tmp.resolve(name).toString();
                Result r = cmd.equals("show") ? run("show", file) : run("-d", tmp.resolve("dl").toString(), file);
                assertEquals(1, r.code, name);
                assertEquals(1, r.err.lines().count(), name + ": " + r.err);
                assertTrue(r.err.startsWith("skiff: "), r.err);
                assertFalse(r.err.contains("Exception"), r.err);
            }
        }
    }

    @Test
    void downloadOfDataAlreadyPresentVerifiesAndExits0() throws Exception {
        Path dir = tmp.resolve("dl");
        Files.createDirectories(dir);
        Files.copy(Path.of("test/fixtures/content/single.bin"), dir.resolve("single.bin"));
        Result r = run("-q", "-d", dir.toString(), "test/fixtures/torrents/mk-single.torrent");
        assertEquals(0, r.code, r.err);
        assertTrue(Files.exists(dir.resolve(".skiff/8d6f0b832ab0ee45027f17beabe88939dbb9a8a9.resume")));
        Result again = run("-d", dir.toString(), "test/fixtures/torrents/mk-single.torrent");
        assertEquals(0, again.code, again.err);
        assertTrue(again.err.contains("3 of 3 pieces verified earlier"), again.err);
    }

    /** -q is about the terminal: the log file still gets what its level says, and the summary. */
    @Test
    void quietLeavesTheLogFileItsLevelAndTheSummary() throws Exception {
        Path dir = tmp.resolve("dl");
        Files.createDirectories(dir);
        Files.copy(Path.of("test/fixtures/content/single.bin"), dir.resolve("single.bin"));
        Path logFile = tmp.resolve("skiff.log");
        Result r = run("-q", "--log-file", logFile.toString(), "-d", dir.toString(), "test/fixtures/torrents/mk-single.torrent");
        assertEquals(0, r.code, r.err);
        assertEquals("", r.out, "nothing on the terminal");
        String logged = Files.readString(logFile);
        assertTrue(logged.contains(" INFO check: 3 of 3 pieces are good") && logged.contains(" INFO done: /") && logged.contains("/single.bin, "), logged);
    }

    @Test
    void unwritableDownloadDirectoryIsOneLineExit1() throws Exception {
        Path file = Files.writeString(tmp.resolve("not-a-dir"), "x");
        Result r = run("-q", "-d", file.resolve("sub").toString(), "test/fixtures/torrents/mk-single.torrent");
        assertEquals(1, r.code, r.err);
        assertEquals(1, r.err.lines().count(), r.err);
        assertTrue(r.err.startsWith("skiff: cannot create download directory"), r.err);
    }

    @Test
    void usageErrorsExit2WithAHint() {
        Result r = run("--port", "99999", "x.torrent");
        assertEquals(2, r.code);
        assertTrue(r.err.contains("--help"));
        assertEquals(2, r.err.lines().count());
    }

    @Test
    void helpAndVersion() {
        String help = run("--help").out;
        assertTrue(help.contains("--download-dir"), help);
        assertTrue(help.contains("skiff show [--scrape] TORRENT") && help.contains("--status text"), "every form documented: " + help);
        assertEquals("skiff " + Main.VERSION, run("--version").out.strip());
    }

    @Test
    void createWritesATorrentThatShowReads() {
        Path out = tmp.resolve("c.torrent");
        Result r = run("create", "--no-date", "--piece-size", "32K", "-t", "http://127.0.0.1:6969/announce",
            "-o", out.toString(), "test/fixtures/content/data");
        assertEquals(0, r.code, r.err);
        assertTrue(r.out.contains("d80b1b8092a2eccc79e80a91c7140923ff74c7a3"), r.out);
        assertEquals(0, run("show", out.toString()).code);
        Result again = run("create", "--no-date", "-o", out.toString(), "test/fixtures/content/data");
        assertEquals(1, again.code, "an existing file is not replaced without --force");
        assertEquals("skiff: " + out + " exists (use --force to replace it)", again.err.strip());
        assertEquals(0, run("create", "--no-date", "--force", "-o", out.toString(), "test/fixtures/content/data").code);
    }

    /** The real jar in a real process: a hostile file never yields a stack trace. */
    @Test
    void jarPrintsNoStackTrace() throws Exception {
        Path bad = Files.write(tmp.resolve("bomb.torrent"), "l".repeat(100_000).getBytes(StandardCharsets.US_ASCII));
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-jar", "build/skiff.jar", "show", bad.toString()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(1, p.exitValue());
        assertEquals(1, output.lines().count(), output);
        assertTrue(output.contains("nesting deeper than 64"), output);
    }

    /**
     * A torrent of 50,000 files (2.3 MiB) opens within the image's heap: decoded into two linked
     * hash maps per dictionary, it needed 34 MB of objects and ran out of memory.
     */
    @Test
    void aTorrentOfFiftyThousandFilesOpensInTheImagesHeap() throws Exception {
        List<List<String>> paths = new java.util.ArrayList<>();
        List<Long> lengths = new java.util.ArrayList<>();
        for (int i = 0; i < 50_000; i++) {
            paths.add(List.of(String.format("d%03d", i % 300), String.format("file-%06d.dat", i)));
            lengths.add(1000L + i % 5000);
        }
        Path big = Files.write(tmp.resolve("big.torrent"), skiff.testutil.Torrents.multi("big", 1 << 20, paths, lengths, java.util.Set.of()));
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-XX:+UseSerialGC", "-Xmn384k", "-Xmx32m", "-jar", "build/skiff.jar", "show", big.toString())
            .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), output.length() > 2000 ? output.substring(0, 2000) : output);
        assertTrue(output.contains("file-049999.dat"), "every file listed");
    }

    @Test
    void runningOutOfMemoryIsOneLineThatSaysWhatToDo() {
        String line = Main.fatal(new OutOfMemoryError("Java heap space"));
        assertTrue(line.startsWith("out of memory") && line.contains("SKIFF_OPTS=-Xmx") && !line.contains("\n"), line);
        assertTrue(Main.fatal(new IllegalStateException("x")).startsWith("internal error: "));
    }

    /** Issue 21: three skiff processes on one folder all downloaded everything; the second must refuse. */
    @Test
    void aSecondSkiffOnTheSameTorrentAndFolderRefusesInOneLine() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("shared"));
        Files.copy(Path.of("test/fixtures/content/single.bin"), dir.resolve("single.bin"));
        int port = skiff.testutil.Ports.free();
        Process first = skiff.testutil.Procs.start(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-jar", "build/skiff.jar", "--seed", "--no-dht", "--port", String.valueOf(port), "-d", dir.toString(),
            "test/fixtures/torrents/mk-single.torrent"), tmp.resolve("first.log"));
        try {
            assertTrue(skiff.testutil.Procs.waitForPort(port, first, 30), Files.readString(tmp.resolve("first.log")));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30); // the port opens before the torrent is added
            while (!Files.readString(tmp.resolve("first.log")).contains("info-hash")) {
                assertTrue(System.nanoTime() < deadline && !first.waitFor(50, TimeUnit.MILLISECONDS), Files.readString(tmp.resolve("first.log")));
            }
            Result second = run("-q", "--no-dht", "--port", String.valueOf(skiff.testutil.Ports.free()), "-d", dir.toString(), "test/fixtures/torrents/mk-single.torrent");
            assertEquals(1, second.code, second.err);
            assertEquals(1, second.err.lines().count(), second.err);
            assertTrue(second.err.startsWith("skiff: single.bin is already being downloaded into " + dir.toAbsolutePath())
                && second.err.contains("by another skiff (pid " + first.pid() + ")"), second.err);
        } finally {
            skiff.testutil.Procs.stop(first);
        }
        Result after = run("-q", "--no-dht", "--port", String.valueOf(skiff.testutil.Ports.free()), "-d", dir.toString(), "test/fixtures/torrents/mk-single.torrent");
        assertEquals(0, after.code, "the lock goes with its process: " + after.err);
    }

    /** --check hashes the data even where the resume file vouches for it, and finds what changed behind its back. */
    @Test
    void checkHashesEvenWhenTheResumeFileSaysAllIsWell() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("checked"));
        Path file = Files.copy(Path.of("test/fixtures/content/single.bin"), dir.resolve("single.bin"));
        assertEquals(0, run("-q", "--no-dht", "-d", dir.toString(), "test/fixtures/torrents/mk-single.torrent").code);
        java.nio.file.attribute.FileTime mtime = Files.getLastModifiedTime(file);
        byte[] bytes = Files.readAllBytes(file);
        bytes[100] ^= 1; // a flipped bit the resume file cannot know of: same size, same time
        Files.write(file, bytes);
        Files.setLastModifiedTime(file, mtime);
        Path log = tmp.resolve("check.log");
        Result trusted = run("-q", "--no-dht", "--log-file", log.toString(), "-d", dir.toString(),
            "test/fixtures/torrents/mk-single.torrent");
        assertTrue(Files.readString(log).contains("resume: 3 of 3 pieces verified earlier"), Files.readString(log));
        assertEquals(0, trusted.code);
        Files.delete(log);
        Result checked = run("-q", "--no-dht", "--check", "--log-file", log.toString(), "-d", dir.toString(),
            "--stop-timeout", "2", "test/fixtures/torrents/mk-single.torrent");
        assertTrue(Files.readString(log).contains("check: 2 of 3 pieces are good"), Files.readString(log));
        assertEquals(1, checked.code, "no seeder: it cannot complete");
        assertTrue(checked.err.strip().startsWith("skiff: nothing arrived for 2 s"), checked.err);
    }

    @Test
    void onCompleteRunsOnceWithThePathNameAndHash() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("hooked"));
        Files.copy(Path.of("test/fixtures/content/single.bin"), dir.resolve("single.bin"));
        Path out = tmp.resolve("hook.out");
        Result r = run("-q", "--no-dht", "-d", dir.toString(), "--on-complete",
            "printf '%s|%s|%s\\n' \"$SKIFF_PATH\" \"$SKIFF_NAME\" \"$SKIFF_INFO_HASH\" >> " + out, "test/fixtures/torrents/mk-single.torrent");
        assertEquals(0, r.code, r.err);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10); // it runs off the loop; skiff need not wait for it
        while (!Files.exists(out) || Files.readString(out).isEmpty()) {
            assertTrue(System.nanoTime() < deadline, "the command ran");
            Thread.onSpinWait();
        }
        assertEquals(dir.resolve("single.bin").toAbsolutePath() + "|single.bin|8d6f0b832ab0ee45027f17beabe88939dbb9a8a9\n",
            Files.readString(out));
    }

    /** The config file (tools/run-tests points XDG_CONFIG_HOME into build/): its options come first, the command line's win. */
    @Test
    void theConfigFileGivesOptionsAndNamesItselfInErrors() throws Exception {
        Path file = ConfigFile.defaultPath();
        org.junit.jupiter.api.Assumptions.assumeTrue(file.startsWith(Path.of("build").toAbsolutePath()) || System.getenv("CI") != null,
            "only with the tests' own config directory (make test sets it)");
        assertTrue(file.startsWith(Path.of("build").toAbsolutePath()), "make test gives the tests their own config directory: " + file);
        Files.createDirectories(file.getParent());
        String before = Files.exists(file) ? Files.readString(file) : null;
        try {
            Files.writeString(file, "# what I always pass\nno-dht\nno-port-map\nstop-timeout = 1\n");
            Path dir = Files.createDirectories(tmp.resolve("configured"));
            Result r = run("-q", "-d", dir.toString(), "--port", String.valueOf(skiff.testutil.Ports.free()),
                "test/fixtures/torrents/mk-single.torrent");
            assertEquals(1, r.code, r.err);
            assertEquals("skiff: nothing arrived for 1 s", r.err.strip().replaceAll(" \\(.*\\)$", ""), "stop-timeout came from the file");
            Result later = run("-q", "-d", dir.toString(), "--stop-timeout", "2", "--port", String.valueOf(skiff.testutil.Ports.free()),
                "test/fixtures/torrents/mk-single.torrent");
            assertTrue(later.err.startsWith("skiff: nothing arrived for 2 s"), "the command line wins: " + later.err);
            Files.writeString(file, "seed\nmax-peerz 3\n");
            Result bad = run("-d", dir.toString(), "t.torrent");
            assertEquals(2, bad.code);
            assertTrue(bad.err.startsWith("skiff: " + file + ": ") && bad.err.contains("max-peerz"), bad.err);
            assertEquals(0, run("show", "test/fixtures/torrents/mk-single.torrent").code, "show is not a download: the file is not read");
        } finally {
            if (before == null) {
                Files.deleteIfExists(file);
            } else {
                Files.writeString(file, before); // the tests' own: no DHT routers, no port mapping
            }
        }
    }

    /** A .torrent given by URL (aria2 and transmission-cli take one), through a redirect; a 404 is one line. */
    @Test
    void aTorrentByUrlIsFetchedThenRunLikeAFile() throws Exception {
        byte[] torrent = Files.readAllBytes(Path.of("test/fixtures/torrents/mk-single.torrent"));
        try (skiff.testutil.ScriptedHttpServer web = skiff.testutil.ScriptedHttpServer.replying(line -> {
            if (line.startsWith("GET /moved ")) {
                return "HTTP/1.1 302 Found\r\nLocation: /files/single.torrent?x=1\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
            }
            if (line.startsWith("GET /files/single.torrent?x=1 ")) {
                byte[] head = ("HTTP/1.1 200 OK\r\nContent-Type: application/x-bittorrent\r\nContent-Length: " + torrent.length
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
                byte[] all = java.util.Arrays.copyOf(head, head.length + torrent.length);
                System.arraycopy(torrent, 0, all, head.length, torrent.length);
                return all;
            }
            return "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        })) {
            Result shown = run("show", web.url("/moved"));
            assertEquals(0, shown.code, shown.err);
            assertTrue(shown.out.contains("Hash: 8d6f0b832ab0ee45027f17beabe88939dbb9a8a9"), shown.out);
            Path dir = Files.createDirectories(tmp.resolve("by-url"));
            Files.copy(Path.of("test/fixtures/content/single.bin"), dir.resolve("single.bin"));
            Result r = run("-q", "--no-dht", "-d", dir.toString(), web.url("/moved"));
            assertEquals(0, r.code, "complete on disk already: " + r.err);
            Result missing = run("-q", "--no-dht", "-d", dir.toString(), web.url("/nothing.torrent"));
            assertEquals(1, missing.code);
            assertEquals(1, missing.err.lines().count(), missing.err);
            assertTrue(missing.err.startsWith("skiff: cannot fetch " + web.url("/nothing.torrent") + ": ") && missing.err.contains("404"),
                missing.err);
        }
    }
}
