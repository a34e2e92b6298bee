package skiff.testutil;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real opentracker on 127.0.0.1, HTTP and UDP on one port, answering only the whitelisted
 * info-hashes. Run as root it chroots to its folder and drops to nobody, so the folder and the
 * whitelist must be world-readable.
 */
public final class Opentracker implements AutoCloseable {
    public final int port;
    private final Process process;
    /** The server's own folder (configuration, logs), removed when it stops. */
    private final Path dir;

    private Opentracker(int port, Process process, Path dir) {
        this.dir = dir;
        this.port = port;
        this.process = process;
    }

    public static Opentracker start(List<String> infoHashesHex) throws IOException, InterruptedException {
        return startOnPort(infoHashesHex, 0);
    }

    /** On a given port (0: any free one). */
    public static Opentracker startOnPort(List<String> infoHashesHex, int fixedPort) throws IOException, InterruptedException {
        String binary = Tools.require("opentracker");
        Path dir = Files.createTempDirectory("opentracker");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path whitelist = Files.write(dir.resolve("whitelist.txt"), (String.join("\n", infoHashesHex) + "\n").getBytes());
        Files.setPosixFilePermissions(whitelist, PosixFilePermissions.fromString("rw-r--r--"));
        Path conf = Files.writeString(dir.resolve("opentracker.conf"),
            "access.whitelist whitelist.txt\ntracker.rootdir " + dir + "\n");
        for (int tries = 0; tries < 5; tries++) {
            int port = fixedPort > 0 ? fixedPort : Ports.free();
            Process p = new ProcessBuilder(binary, "-i", "127.0.0.1", "-p", String.valueOf(port), "-P", String.valueOf(port),
                "-f", conf.toString()).redirectErrorStream(true).redirectOutput(dir.resolve("log.txt").toFile()).start();
            if (Procs.waitForPort(port, p, 10)) {
                Opentracker t = new Opentracker(port, p, dir);
                if (!infoHashesHex.isEmpty()) {
                    try {
                        t.awaitWhitelist(infoHashesHex.get(0));
                    } catch (IOException | InterruptedException e) {
                        t.close(); // not left running behind the failure
                        throw e;
                    }
                }
                return t;
            }
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        throw new IOException("opentracker did not start; see " + dir.resolve("log.txt"));
    }

    /**
     * opentracker reads its whitelist in a thread of its own after it listens: an announce in
     * between is "not authorized". Waits (bounded) until an announce is answered without that,
     * then takes the probe's peer back (`stopped`, which opentracker answers whitelist or not).
     */
    private void awaitWhitelist(String infoHashHex) throws IOException, InterruptedException {
        StringBuilder q = new StringBuilder();
        for (byte b : java.util.HexFormat.of().parseHex(infoHashHex)) {
            q.append('%').append(String.format("%02x", b & 0xff));
        }
        String announce = "http://127.0.0.1:" + port + "/announce?info_hash=" + q
            + "&peer_id=-WL0000-whitelistwai&port=9&uploaded=0&downloaded=0&left=0&compact=1";
        java.net.URL url = new java.net.URL(announce);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            java.net.HttpURLConnection c = (java.net.HttpURLConnection) url.openConnection();
            c.setConnectTimeout(2000);
            c.setReadTimeout(2000);
            try (var in = c.getInputStream()) {
                if (!new String(in.readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1).contains("not authorized")) {
                    java.net.HttpURLConnection gone = (java.net.HttpURLConnection) new java.net.URL(announce + "&event=stopped")
                        .openConnection();
                    try (var ignored = gone.getInputStream()) {
                        ignored.readAllBytes();
                    }
                    return;
                }
            } catch (IOException e) {
                // not answering yet
            }
            process.waitFor(20, TimeUnit.MILLISECONDS); // the poll's pause; a dead tracker ends it at once
        }
        throw new IOException("opentracker never accepted its whitelisted torrent " + infoHashHex);
    }

    /** Waits (bounded) until the tracker lists at least {@code seeders} complete peers for the torrent. */
    public void awaitSeeders(String infoHashHex, int seeders, int seconds) throws Exception {
        await(infoHashHex, "complete", seeders, seconds);
    }

    public void awaitLeechers(String infoHashHex, int leechers, int seconds) throws Exception {
        await(infoHashHex, "incomplete", leechers, seconds);
    }

    private void await(String infoHashHex, String field, int seeders, int seconds) throws Exception {
        byte[] hash = java.util.HexFormat.of().parseHex(infoHashHex);
        StringBuilder q = new StringBuilder();
        for (byte b : hash) {
            q.append('%').append(String.format("%02x", b & 0xff));
        }
        java.net.URL url = new java.net.URL("http://127.0.0.1:" + port + "/scrape?info_hash=" + q);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        long seen = -1;
        while (System.nanoTime() < deadline) {
            java.net.HttpURLConnection c = (java.net.HttpURLConnection) url.openConnection();
            c.setConnectTimeout(2000);
            c.setReadTimeout(2000);
            try (var in = c.getInputStream()) {
                var d = (skiff.bencode.BDict) skiff.bencode.Decoder.decode(in.readAllBytes());
                var files = (skiff.bencode.BDict) d.get("files");
                for (var v : files.entries().values()) {
                    seen = ((skiff.bencode.BInt) ((skiff.bencode.BDict) v).get(field)).value();
                }
            } catch (IOException | RuntimeException e) {
                seen = -1;
            }
            if (seen >= seeders) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IOException("the tracker never listed " + seeders + " " + field + " (last saw " + seen + ")");
    }

    public String http() {
        return "http://127.0.0.1:" + port + "/announce";
    }

    public String udp() {
        return "udp://127.0.0.1:" + port + "/announce";
    }

    @Override
    public void close() throws InterruptedException, IOException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        Folders.deleteTree(dir);
    }
}
