package skiff.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import skiff.testutil.Tools;

/** Every failure a user can meet ends in one line that says what and where, with the documented exit code. */
class FailureMessagesTest {
    @TempDir
    Path tmp;

    private record Result(int code, String err) {
    }

    private static Result run(String... argv) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new Main(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8))
            .run(argv);
        return new Result(code, err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void portInUseSuggestsAnotherPort() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("0.0.0.0"))) {
            Result r = run("-q", "-d", tmp.toString(), "--port", String.valueOf(taken.getLocalPort()),
                "test/fixtures/torrents/mk-single.torrent");
            assertEquals(1, r.code);
            assertEquals("skiff: port " + taken.getLocalPort() + " is in use (choose another with --port)", r.err.strip());
        }
    }

    /** A bind failure says what failed: an address that is not this host's is not a port in use. */
    @Test
    void bindingAnAddressThatIsNotOursSaysSo() throws Exception {
        int port = skiff.testutil.Ports.free();
        Result r = run("-q", "-d", tmp.toString(), "--bind", "192.0.2.1", "--port", String.valueOf(port),
            "test/fixtures/torrents/mk-single.torrent"); // 192.0.2.0/24: documentation addresses, never local
        assertEquals(1, r.code);
        assertEquals("skiff: cannot listen on 192.0.2.1 port " + port + ": cannot assign requested address", r.err.strip());
    }

    /** Mounts a tmpfs (root only; CI runs as root). */
    private Path mount(String name, String options) throws Exception {
        if (!"root".equals(System.getProperty("user.name"))) {
            Tools.missing("root (to mount a small tmpfs)");
        }
        Path dir = Files.createDirectories(tmp.resolve(name));
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", options, "tmpfs", dir.toString())
            .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0, "mount failed: " + out);
        return dir;
    }

    private static void unmount(Path dir) throws Exception {
        new ProcessBuilder("umount", dir.toString()).start().waitFor(10, TimeUnit.SECONDS);
    }

    @Test
    void diskFullNamesTheFolderAndExits1() throws Exception {
        Path small = mount("small", "size=64k");
        try {
            Result r = run("-q", "-d", small.toString(), "test/fixtures/torrents/mk-multi.torrent");
            assertEquals(1, r.code, r.err);
            assertEquals(1, r.err.lines().count(), r.err);
            assertTrue(r.err.startsWith("skiff: disk full: " + small), r.err);
        } finally {
            unmount(small);
        }
    }

    @Test
    void readOnlyFolderSaysSo() throws Exception {
        Path ro = mount("ro", "ro,size=1m");
        try {
            Result r = run("-q", "-d", ro.resolve("sub").toString(), "test/fixtures/torrents/mk-multi.torrent");
            assertEquals(1, r.code, r.err);
            assertEquals(1, r.err.lines().count(), r.err);
            assertTrue(r.err.startsWith("skiff: cannot create download directory " + ro.resolve("sub")), r.err);
            Result r2 = run("-q", "-d", ro.toString(), "test/fixtures/torrents/mk-multi.torrent");
            assertEquals(1, r2.code, r2.err);
            assertTrue(r2.err.startsWith("skiff: download directory is not writable: " + ro)
                || r2.err.startsWith("skiff: cannot create"), r2.err);
        } finally {
            unmount(ro);
        }
    }

    @Test
    void noUsableTrackerIsReported() throws Exception {
        // Trackers on a port just found closed (not a fixed one: an opentracker may be on 6969)
        int port = skiff.testutil.Ports.free();
        String http = "http://127.0.0.1:" + port + "/announce";
        String udp = "udp://127.0.0.1:" + port + "/announce";
        Path torrent = tmp.resolve("dead-trackers.torrent");
        Files.write(torrent, skiff.bencode.Encoder.encode(skiff.bencode.Dicts.builder()
            .put("announce", http).put("announce-list", new skiff.bencode.BList(List.of(skiff.bencode.BList.ofStrings(List.of(http)), skiff.bencode.BList.ofStrings(List.of(udp)))))
            .put("info", skiff.bencode.Dicts.builder().put("name", "x.bin").put("piece length", 16384)
                .put("length", 16384).put("pieces", new byte[20]).build()).build()));
        Path log = tmp.resolve("skiff.log");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
            "build/skiff.jar", "-d", tmp.resolve("dl").toString(), "--port", String.valueOf(skiff.testutil.Ports.free()), torrent.toString())
            .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            String text = "";
            while (System.nanoTime() < deadline && !text.contains("no tracker reachable")) {
                Thread.sleep(100);
                text = Files.readString(log);
            }
            assertTrue(text.lines().anyMatch(l -> l.contains("no tracker reachable (") && l.contains(http + ": ") && l.contains(udp + ": ")), text);
            assertTrue(List.of(text.split("\n")).stream().allMatch(l -> l.length() < 400), text);
        } finally {
            p.destroy();
            assertTrue(p.waitFor(20, TimeUnit.SECONDS));
            assertEquals(130, p.exitValue(), "SIGTERM while downloading: a clean stop, 130");
        }
    }
}
