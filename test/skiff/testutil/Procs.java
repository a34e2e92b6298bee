package skiff.testutil;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Starting and stopping external programs in tests: output to a file, stopped by PID, always bounded. */
public final class Procs {
    private Procs() {
    }

    /**
     * The tests' config file (tools/run-tests writes the same): skiff off the real network, no DHT
     * routers and no router asked to map a port, unless a test says --dht or --port-map.
     */
    public static final String TEST_CONFIG = "# written by tools/run-tests\nno-dht\nno-port-map\n";

    public static Process start(List<String> command, Path log) throws IOException {
        Path config = Path.of("build", "test-config", "skiff", "config");
        if (!java.nio.file.Files.exists(config)) {
            java.nio.file.Files.createDirectories(config.getParent());
            java.nio.file.Files.writeString(config, TEST_CONFIG);
        }
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        // skiff keeps its DHT nodes under the XDG state directory: the tests' own, not the user's
        pb.environment().put("XDG_STATE_HOME", Path.of("build", "test-state").toAbsolutePath().toString());
        pb.environment().put("XDG_CONFIG_HOME", Path.of("build", "test-config").toAbsolutePath().toString());
        return pb.start();
    }

    /** SIGTERM, then SIGKILL after five seconds; children too. */
    public static void stop(Process p) {
        if (p == null) {
            return;
        }
        p.descendants().forEach(ProcessHandle::destroy);
        p.destroy();
        try {
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits until something listens on 127.0.0.1:port, at most {@code seconds}. */
    public static boolean waitForPort(int port, Process p, int seconds) throws InterruptedException {
        return waitForPort("127.0.0.1", port, p, seconds);
    }

    /** Waits until something listens on host:port (a loopback literal), at most {@code seconds}. */
    public static boolean waitForPort(String host, int port, Process p, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline && p.isAlive()) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(host, port), 200);
                return true;
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        return false;
    }

    /** Runs a short command (20 s at most) and returns its output; an exit other than 0 is an IOException with it. */
    public static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            stop(p);
            throw new IOException(String.join(" ", command) + ": timed out");
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + ": exit " + p.exitValue() + ": " + out.strip());
        }
        return out;
    }
}
