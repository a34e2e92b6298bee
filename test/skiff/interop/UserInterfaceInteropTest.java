package skiff.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import skiff.testutil.Content;
import skiff.testutil.Ports;
import skiff.testutil.Procs;
import skiff.testutil.Tools;

/** What a person sees: a redrawn line in a terminal, plain lines in a pipe, JSON for scripts, the image. */
@Tag("interop")
class UserInterfaceInteropTest {
    @TempDir
    Path tmp;

    /** A slowed libtorrent seeder, so that the download lasts a few seconds. */
    private interface Body {
        void run(Path torrent) throws Exception;
    }

    private void withSeeder(long size, Body body) throws Exception {
        try (SeededTorrent t = SeededTorrent.create(tmp, size, 31, 64 << 10)) {
            t.libtorrent("--upload-limit", String.valueOf(size / 4));
            body.run(t.torrent);
        }
    }

    private static String run(List<String> cmd, Path log, int seconds) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("COLUMNS", "80");
        Process p = pb.start();
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            Procs.stop(p);
            throw new AssertionError("timed out: " + Files.readString(log));
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    private static List<String> skiff(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-jar", "build/skiff.jar"));
        cmd.addAll(List.of(args));
        return cmd;
    }

    @Test
    void terminalLineIsRedrawnInPlaceWithin80Columns() throws Exception {
        String script = Tools.require("script");
        withSeeder(8L << 20, torrent -> {
            String inner = String.join(" ", skiff("-d", tmp.resolve("dl").toString(), "--port",
                String.valueOf(Ports.free()), torrent.toString()));
            String out = run(List.of(script, "-qefc", inner, "/dev/null"), tmp.resolve("pty.log"), 120);
            long redraws = out.chars().filter(c -> c == '\r').count();
            assertTrue(redraws >= 4, "the status line is redrawn in place: " + redraws);
            int statusLines = 0;
            for (String segment : out.split("[\r\n]")) {
                String visible = segment.replaceAll("\u001b\\[[0-9;]*[A-Za-z]", "");
                if (visible.contains("ETA ") || visible.contains("%] ") || visible.startsWith("[")) {
                    statusLines++;
                    assertTrue(visible.length() <= 80, "status wider than 80 columns: [" + visible + "]");
                }
            }
            assertTrue(statusLines >= 4, out);
            assertTrue(out.contains("done: /") && out.contains("/file.bin, "), out);
        });
    }

    @Test
    void pipeGetsPlainLinesAndJsonWhenAsked() throws Exception {
        withSeeder(8L << 20, torrent -> {
            String plain = run(skiff("-d", tmp.resolve("dl1").toString(), "--port", String.valueOf(Ports.free()),
                "--status-interval", "1", torrent.toString()), tmp.resolve("plain.log"), 120);
            assertFalse(plain.contains("\u001b"), "no escape codes in a pipe");
            assertFalse(plain.contains("\r"), "no carriage returns in a pipe");
            assertTrue(plain.lines().anyMatch(l -> l.contains("% ") && l.contains("peers ")), plain);

            String json = run(skiff("-q", "--json", "-d", tmp.resolve("dl2").toString(), "--port", String.valueOf(Ports.free()),
                "--status-interval", "1", torrent.toString()), tmp.resolve("json.log"), 120);
            assertTrue(json.isEmpty(), "-q: nothing on stdout, JSON or not: " + json);
            Process p = new ProcessBuilder(skiff("--json", "-d", tmp.resolve("dl3").toString(), "--port", String.valueOf(Ports.free()),
                "--status-interval", "1", torrent.toString())).redirectOutput(tmp.resolve("json2.out").toFile())
                .redirectError(tmp.resolve("json2.err").toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                Procs.stop(p);
            }
            assertEquals(0, p.exitValue(), Files.readString(tmp.resolve("json2.err")));
            String json2 = Files.readString(tmp.resolve("json2.out"), StandardCharsets.UTF_8);
            // every stdout line is a JSON object (what jq needs), the summary too
            List<java.util.Map<String, Object>> objects = json2.lines().map(skiff.testutil.Json::object).toList();
            assertFalse(objects.isEmpty(), json2);
            assertTrue(objects.subList(0, objects.size() - 1).stream().allMatch(o -> o.get("event").equals("status")
                && o.get("name").equals("file.bin") && o.containsKey("percent") && o.containsKey("down_rate_bytes_per_s")), json2);
            assertEquals("done", objects.get(objects.size() - 1).get("event"), json2);
            // and jq itself, as the issue asks: `skiff --json ... | jq -c .` parses every line
            Process jq = new ProcessBuilder(Tools.require("jq"), "-c", ".").redirectInput(tmp.resolve("json2.out").toFile())
                .redirectErrorStream(true).start();
            String parsed = new String(jq.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(jq.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, jq.exitValue(), parsed);
            assertEquals(objects.size(), parsed.lines().count(), "jq read as many objects as there are lines: " + parsed);
        });
    }

    /** CI's check of the jlink image: it starts, and it downloads on loopback with its small heap. */
    @Test
    void jlinkImageDownloads() throws Exception {
        Path image = Path.of("build/image/bin/skiff");
        assertTrue(Files.isExecutable(image), "make interop builds the image first");
        // The JVM options the launcher adds must not print anything of their own.
        String version = run(List.of(image.toString(), "--version"), tmp.resolve("version.log"), 30);
        assertTrue(version.matches("skiff \\S+\n"), version);
        Path hookSaw = tmp.resolve("hook.txt");
        withSeeder(8L << 20, torrent -> {
            String out = run(List.of(image.toString(), "-d", tmp.resolve("dl").toString(), "--port",
                String.valueOf(Ports.free()), "--on-complete", "printf %s \"${MALLOC_ARENA_MAX-unset}\" > " + hookSaw,
                torrent.toString()), tmp.resolve("image.log"), 120);
            assertTrue(out.contains("done: /") && out.contains("/file.bin, "), out);
            Content.assertSameBytes(tmp.resolve("seed/file.bin"), tmp.resolve("dl/file.bin"));
        });
        // the launcher's malloc setting is the JVM's alone: the command sees the caller's environment
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10); // it runs off the loop; skiff need not wait for it
        while (!Files.exists(hookSaw) || Files.size(hookSaw) == 0) {
            assertTrue(System.nanoTime() < deadline, "the --on-complete command ran");
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        assertEquals(System.getenv().getOrDefault("MALLOC_ARENA_MAX", "unset"), Files.readString(hookSaw));
    }

    /** The launcher linked into a folder on PATH (twice, the second link relative) finds its runtime. */
    @Test
    void jlinkImageRunsThroughASymlink() throws Exception {
        Path image = Path.of("build/image/bin/skiff").toAbsolutePath();
        assertTrue(Files.isExecutable(image), "make interop builds the image first");
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path first = Files.createSymbolicLink(bin.resolve("skiff-real"), image);
        Path link = Files.createSymbolicLink(bin.resolve("skiff"), first.getFileName());
        String version = run(List.of(link.toString(), "--version"), tmp.resolve("link.log"), 30);
        assertTrue(version.matches("skiff \\S+\n"), version);
    }

    /**
     * A torrent's UTF-8 file names in the C locale (a service's bare environment): the image's
     * launcher runs Java in C.UTF-8 and the file is written under its own name; a JVM left in ASCII
     * says so in one line instead of crashing.
     */
    @Test
    void jlinkImageWritesUtf8FileNamesInTheCLocale() throws Exception {
        Path image = Path.of("build/image/bin/skiff").toAbsolutePath();
        assertTrue(Files.isExecutable(image), "make interop builds the image first");
        String name = "caf\u00e9 \u00fcn\u00ef.txt";
        Path seed = Files.createDirectories(tmp.resolve("seed"));
        Files.write(seed.resolve(name), new byte[100_000]);
        Path torrent = tmp.resolve("u.torrent");
        cLocale(List.of(image.toString(), "create", "-o", torrent.toString(), seed.resolve(name).toString()), tmp.resolve("create.log"), 0);
        int port = Ports.free();
        ProcessBuilder pb = new ProcessBuilder(image.toString(), "-q", "--seed", "--bind", "127.0.0.1", "-d", seed.toString(),
            "--port", String.valueOf(port), torrent.toString()).redirectErrorStream(true).redirectOutput(tmp.resolve("seed.log").toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("LC_") || k.equals("LANG"));
        pb.environment().put("LC_ALL", "C");
        Process seeder = pb.start();
        try {
            String out = cLocale(List.of(image.toString(), "--bind", "127.0.0.1", "-d", tmp.resolve("dl").toString(), "--port",
                String.valueOf(Ports.free()), "--peer", "127.0.0.1:" + port, torrent.toString()), tmp.resolve("dl.log"), 0);
            Content.assertSameBytes(seed.resolve(name), tmp.resolve("dl").resolve(name));
            assertTrue(out.contains("done: "), out);
        } finally {
            Procs.stop(seeder);
        }
        List<String> bare = skiff("-d", tmp.resolve("dl2").toString(), "--port", String.valueOf(Ports.free()), torrent.toString());
        String out = cLocale(bare, tmp.resolve("bare.log"), 1);
        assertTrue(out.startsWith("skiff: cannot name a file ") && out.contains("LC_ALL=C.UTF-8") && !out.contains("\tat "), out);
    }

    /** Runs {@code cmd} with LC_ALL=C and no other locale variable; expects {@code exit}. */
    private static String cLocale(List<String> cmd, Path log, int exit) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("LC_") || k.equals("LANG"));
        pb.environment().put("LC_ALL", "C");
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            Procs.stop(p);
            throw new AssertionError("timed out: " + Files.readString(log, StandardCharsets.UTF_8));
        }
        String out = new String(Files.readAllBytes(log), StandardCharsets.ISO_8859_1);
        assertEquals(exit, p.exitValue(), out);
        return out;
    }

    /** The image's 32 MiB heap holds a torrent near the 16 MiB size limit: it is not copied whole. */
    @Test
    void jlinkImageReadsATorrentNearTheSizeLimit() throws Exception {
        Path image = Path.of("build/image/bin/skiff");
        assertTrue(Files.isExecutable(image), "make interop builds the image first");
        int pieces = 790_000; // 15.8 MB of piece hashes
        byte[] hashes = new byte[pieces * 20];
        new java.util.SplittableRandom(7).nextBytes(hashes);
        Path torrent = tmp.resolve("big.torrent");
        Files.write(torrent, skiff.bencode.Encoder.encode(skiff.bencode.Dicts.builder()
            .put("announce", "http://127.0.0.1:1/announce").put("info", skiff.bencode.Dicts.builder()
                .put("name", "big.bin").put("piece length", 16384).put("length", pieces * 16384L)
                .put("pieces", hashes).build()).build()));
        assertTrue(Files.size(torrent) > 15_000_000 && Files.size(torrent) < 16 << 20);
        String out = run(List.of(image.toString(), "show", torrent.toString()), tmp.resolve("big.log"), 60);
        assertTrue(out.contains("Pieces: 790000"), out);
    }
}
