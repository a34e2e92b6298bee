package skiff.testutil;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A network namespace of its own whose loopback carries the addresses 10.99.0.1 to 10.99.0.N, one
 * per host, for clients that refuse 127/8 (Transmission's DHT takes 127/8 nodes for martians).
 * Nothing sent in it can leave it: no client that falls back to a public bootstrap router reaches
 * the internet, and no address is left on the machine's own loopback. Needs root and ip.
 */
public final class Netns implements AutoCloseable {
    private final String name;
    private final int hosts;

    private Netns(String name, int hosts) {
        this.name = name;
        this.hosts = hosts;
    }

    /** Skips (outside CI) or fails (in CI) without root or ip. */
    public static void requireTools() {
        Tools.require("ip");
        if (!"root".equals(System.getProperty("user.name"))) {
            Tools.missing("root (network namespaces)");
        }
    }

    /** The namespace with its loopback up and {@code hosts} addresses on it. */
    public static Netns create(int hosts) throws IOException, InterruptedException {
        requireTools();
        Netns n = new Netns("skns" + ProcessHandle.current().pid() % 100000 + "-" + System.nanoTime() % 100000, hosts);
        Procs.run("ip", "netns", "add", n.name);
        try {
            Procs.run("ip", "-n", n.name, "link", "set", "lo", "up");
            for (int i = 1; i <= hosts; i++) {
                Procs.run("ip", "-n", n.name, "addr", "add", n.address(i) + "/32", "dev", "lo");
            }
            return n;
        } catch (IOException | InterruptedException | RuntimeException e) {
            n.close();
            throw e;
        }
    }

    /** The {@code i}th host's address, 1-based. */
    public String address(int i) {
        if (i < 1 || i > hosts) {
            throw new IllegalArgumentException("host " + i + " of " + hosts);
        }
        return "10.99.0." + i;
    }

    /** {@code command} run inside the namespace: {@code ip netns exec} execs it, so its PID is the command's. */
    public List<String> in(List<String> command) {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", name));
        c.addAll(command);
        return c;
    }

    /** Runs a short command inside the namespace (20 s at most) and returns its output. */
    public String run(String... command) throws IOException, InterruptedException {
        return Procs.run(in(List.of(command)).toArray(new String[0]));
    }

    /** Removes the namespace; stop the processes in it first. */
    @Override
    public void close() throws IOException, InterruptedException {
        new ProcessBuilder("ip", "netns", "del", name).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start().waitFor(20, TimeUnit.SECONDS);
    }
}
