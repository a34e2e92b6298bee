package skiff.testutil;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A home router in network namespaces, for port mapping tests: a LAN namespace (10.77.0.2) whose
 * default gateway is a router namespace (10.77.0.1) running miniupnpd over nftables, and a WAN
 * namespace (11.77.0.2) on the router's outside interface (11.77.0.1). miniupnpd refuses
 * private outside addresses, hence an address of public form; the namespaces have no link to
 * the host's network, so nothing sent here can leave. Needs root, ip, nft, miniupnpd and upnpc.
 */
public final class NatRouter implements AutoCloseable {
    public static final String LAN_ADDRESS = "10.77.0.2";
    public static final String ROUTER_LAN = "10.77.0.1";
    public static final String OUTSIDE = "11.77.0.1";
    public static final String WAN_ADDRESS = "11.77.0.2";

    private final String lan;
    private final String router;
    private final String wan;
    private final Path dir;
    private Process miniupnpd;

    private NatRouter(String suffix, Path dir) {
        this.lan = "sklan" + suffix;
        this.router = "skrtr" + suffix;
        this.wan = "skwan" + suffix;
        this.dir = dir;
    }

    /** Skips (outside CI) or fails (in CI) without root or the tools. */
    public static void requireTools() {
        for (String tool : List.of("ip", "nft", "miniupnpd", "upnpc")) {
            Tools.require(tool);
        }
        if (!"root".equals(System.getProperty("user.name"))) {
            Tools.missing("root (network namespaces)");
        }
    }

    /**
     * Builds the namespaces and starts miniupnpd in the router with NAT-PMP and UPnP as asked;
     * its log is {@code dir}/miniupnpd.log.
     */
    public static NatRouter start(Path dir, boolean natPmp, boolean upnp) throws IOException, InterruptedException {
        NatRouter r = new NatRouter(String.valueOf(ProcessHandle.current().pid() % 100000), dir);
        try {
            r.build(natPmp, upnp);
            return r;
        } catch (IOException | InterruptedException | RuntimeException e) {
            r.close();
            throw e;
        }
    }

    private void build(boolean natPmp, boolean upnp) throws IOException, InterruptedException {
        close(); // namespaces a killed run left behind
        for (String ns : List.of(lan, router, wan)) {
            Procs.run("ip", "netns", "add", ns);
            Procs.run("ip", "-n", ns, "link", "set", "lo", "up");
        }
        Procs.run("ip", "-n", router, "link", "add", "r-lan", "type", "veth", "peer", "name", "l-lan", "netns", lan);
        Procs.run("ip", "-n", router, "link", "add", "r-wan", "type", "veth", "peer", "name", "w-wan", "netns", wan);
        address(router, "r-lan", ROUTER_LAN + "/24");
        address(lan, "l-lan", LAN_ADDRESS + "/24");
        address(router, "r-wan", OUTSIDE + "/24");
        address(wan, "w-wan", WAN_ADDRESS + "/24");
        Procs.run("ip", "-n", lan, "route", "add", "default", "via", ROUTER_LAN);
        Procs.run("ip", "netns", "exec", router, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
        // the chains miniupnpd fills (its nft_init.sh's layout): DNAT in, and forwarding only of what it opens
        Path tables = Files.writeString(dir.resolve("tables.nft"), String.join("\n",
            "table inet filter {",
            "  chain forward {", "    type filter hook forward priority 0; policy drop;",
            "    ct state established,related accept", "    jump miniupnpd", "  }",
            "  chain miniupnpd {", "  }",
            "  chain prerouting {", "    type nat hook prerouting priority -100; policy accept;", "    jump prerouting_miniupnpd", "  }",
            "  chain postrouting {", "    type nat hook postrouting priority 100; policy accept;", "    jump postrouting_miniupnpd", "  }",
            "  chain prerouting_miniupnpd {", "  }",
            "  chain postrouting_miniupnpd {", "  }",
            "}", ""));
        Procs.run("ip", "netns", "exec", router, "nft", "-f", tables.toString());
        Path conf = Files.writeString(dir.resolve("miniupnpd.conf"), String.join("\n",
            "ext_ifname=r-wan", "listening_ip=r-lan", "http_port=0",
            "enable_natpmp=" + (natPmp ? "yes" : "no"), "enable_upnp=" + (upnp ? "yes" : "no"),
            "secure_mode=yes", "lease_file=" + dir.resolve("leases"),
            "uuid=3d3cec3a-8cf0-11e0-98ee-001a6bd2d07b",
            "allow 1024-65535 10.77.0.0/24 1024-65535", "deny 0-65535 0.0.0.0/0 0-65535", ""));
        miniupnpd = Procs.start(List.of("ip", "netns", "exec", router, "miniupnpd", "-f", conf.toString(), "-d", "-4",
            "-P", dir.resolve("miniupnpd.pid").toString()), dir.resolve("miniupnpd.log"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Files.readString(dir.resolve("miniupnpd.log")).contains(natPmp ? "Listening for NAT-PMP" : "HTTP listening")) {
            if (System.nanoTime() > deadline || !miniupnpd.isAlive()) {
                throw new IOException("miniupnpd did not start: " + Files.readString(dir.resolve("miniupnpd.log")));
            }
            miniupnpd.waitFor(50, TimeUnit.MILLISECONDS);
        }
    }

    private void address(String ns, String dev, String cidr) throws IOException, InterruptedException {
        Procs.run("ip", "-n", ns, "addr", "add", cidr, "dev", dev);
        Procs.run("ip", "-n", ns, "link", "set", dev, "up");
    }

    /** {@code command} run inside the LAN namespace, as a prefix for a process's command line. */
    public List<String> inLan(List<String> command) {
        return in(lan, command);
    }

    /** {@code command} run inside the WAN namespace (a peer outside the router). */
    public List<String> inWan(List<String> command) {
        return in(wan, command);
    }

    private static List<String> in(String ns, List<String> command) {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        c.addAll(command);
        return c;
    }

    /** The router's DNAT rules, one per mapped port and protocol, as nft prints them. */
    public List<String> forwards() throws IOException, InterruptedException {
        return Procs.run("ip", "netns", "exec", router, "nft", "list", "chain", "inet", "filter", "prerouting_miniupnpd")
            .lines().filter(l -> l.contains("dnat")).map(String::strip).toList();
    }

    /** The mappings as a UPnP client on the LAN lists them (miniupnpc's upnpc -l). */
    public String upnpList() throws IOException, InterruptedException {
        return Procs.run(inLan(List.of("upnpc", "-l")).toArray(new String[0]));
    }

    public String miniupnpdLog() throws IOException {
        return Files.readString(dir.resolve("miniupnpd.log"));
    }

    /** Stops miniupnpd by its PID and removes the namespaces (with them their interfaces). */
    @Override
    public void close() throws IOException, InterruptedException {
        Procs.stop(miniupnpd);
        for (String ns : List.of(lan, router, wan)) {
            new ProcessBuilder("ip", "netns", "del", ns).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start().waitFor(20, TimeUnit.SECONDS);
        }
    }
}
