package skiff.testutil;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import skiff.bencode.BBytes;
import skiff.bencode.BDict;
import skiff.bencode.Encoder;

/**
 * The reference clients, each on 127.0.0.1 with DHT, local peer discovery, UPnP/NAT-PMP and PEX
 * off. Each returns its process; stop it with {@link Procs#stop}.
 */
public final class ReferencePeers {
    private ReferencePeers() {
    }

    /** libtorrent through tools/lt_peer.py (Debian's python3-libtorrent); {@code torrent} null when {@code extra} has a --magnet. */
    public static Process libtorrent(Path torrent, Path savePath, int port, Path log, String... extra)
            throws IOException, InterruptedException {
        if (!hasLibtorrent()) {
            Tools.missing("python3-libtorrent (Debian's libtorrent for /usr/bin/python3)");
        }
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/python3", "tools/lt_peer.py", "--save-path", savePath.toString(),
            "--port", String.valueOf(port)));
        if (torrent != null) { // null: the extra arguments give a --magnet instead
            cmd.addAll(List.of("--torrent", torrent.toString()));
        }
        cmd.addAll(List.of(extra));
        int bind = cmd.lastIndexOf("--bind");
        Process p = Procs.start(cmd, log);
        if (!Procs.waitForPort(bind < 0 ? "127.0.0.1" : cmd.get(bind + 1), port, p, 20)) {
            Procs.stop(p);
            throw new IOException("libtorrent did not start; see " + log);
        }
        return p;
    }

    /**
     * libtorrent through tools/lt_peer.py in {@code net} at {@code bind} (DHT, PEX and the rest off
     * unless {@code extra} turns them on; {@code --dht} with no torrent: a DHT node alone). Returns
     * at once; it prints a status line once a second from the moment it listens.
     */
    public static Process libtorrentIn(Netns net, String bind, int port, Path savePath, Path log, String... extra)
            throws IOException, InterruptedException {
        if (!hasLibtorrent()) {
            Tools.missing("python3-libtorrent (Debian's libtorrent for /usr/bin/python3)");
        }
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/python3", "tools/lt_peer.py", "--save-path", savePath.toString(), "--port",
            String.valueOf(port), "--bind", bind));
        cmd.addAll(List.of(extra));
        return Procs.start(net.in(cmd), log);
    }

    private static boolean hasLibtorrent() throws IOException, InterruptedException {
        if (!Files.isExecutable(Path.of("/usr/bin/python3"))) {
            return false;
        }
        Process p = new ProcessBuilder("/usr/bin/python3", "-c", "import libtorrent").redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor() == 0;
    }

    /** transmission-cli 3.00, configured through settings.json in its own config folder. */
    public static Process transmission(Path torrent, Path downloadDir, int port, Path workDir, Path log)
            throws IOException, InterruptedException {
        return transmission(torrent, downloadDir, port, workDir, log, "");
    }

    /** {@code moreSettings}: settings.json entries added, such as {@code "encryption": 2}. */
    public static Process transmission(Path torrent, Path downloadDir, int port, Path workDir, Path log, String moreSettings)
            throws IOException, InterruptedException {
        String bin = Tools.require("transmission-cli");
        Path config = Files.createDirectories(workDir.resolve("transmission-config"));
        Files.writeString(config.resolve("settings.json"), transmissionSettings("127.0.0.1", port, false, moreSettings));
        Process p = Procs.start(List.of(bin, "-g", config.toString(), "-w", downloadDir.toString(), "-p", String.valueOf(port),
            torrent.toString()), log);
        if (!Procs.waitForPort(port, p, 20)) {
            Procs.stop(p);
            throw new IOException("transmission did not start; see " + log);
        }
        return p;
    }

    /**
     * Its settings.json: {@code dht} on as asked, the rest off, then {@code moreSettings}, whose keys
     * win over the same ones before them (Transmission keeps the last); in a namespace it logs at debug level.
     */
    private static String transmissionSettings(String bind, int port, boolean dht, String moreSettings) {
        return "{\"dht-enabled\": " + dht + ", \"lpd-enabled\": false, \"pex-enabled\": false, "
            + "\"utp-enabled\": false, \"port-forwarding-enabled\": false, "
            + "\"bind-address-ipv4\": \"" + bind + "\", \"bind-address-ipv6\": \"::1\", \"peer-port\": " + port + ", "
            + "\"peer-port-random-on-start\": false, \"ratio-limit-enabled\": false, \"speed-limit-up-enabled\": false, "
            + "\"speed-limit-down-enabled\": false, \"message-level\": " + (bind.startsWith("127.") ? 1 : 3)
            + (moreSettings.isEmpty() ? "" : ", " + moreSettings) + "}";
    }

    /**
     * transmission-cli in {@code net} at {@code bind}, everything off as above but what is asked,
     * on a .torrent's path or a magnet link, logging at debug level. With {@code dhtNodes} not
     * empty its DHT is on (on the UDP twin of its peer port) and starts from them, written to its
     * dht.dat as if kept from an earlier run: Transmission 3.00 pings them one every 2 s, and
     * announces once it knows 9 nodes, 4 of them answering ("Learned N IPv4 peers from DHT").
     * {@code moreSettings}: settings.json entries, such as {@code "pex-enabled": true}. Returns at
     * once; the test waits on its log.
     */
    public static Process transmissionIn(Netns net, String source, Path downloadDir, String bind, int port, Path workDir, Path log,
            List<InetSocketAddress> dhtNodes, String moreSettings) throws IOException {
        String bin = Tools.require("transmission-cli");
        Path config = Files.createDirectories(workDir.resolve("transmission-config"));
        Files.writeString(config.resolve("settings.json"), transmissionSettings(bind, port, !dhtNodes.isEmpty(), moreSettings));
        if (!dhtNodes.isEmpty()) {
            ByteArrayOutputStream compact = new ByteArrayOutputStream();
            for (InetSocketAddress n : dhtNodes) { // BEP 5's compact node info without the ids
                compact.writeBytes(n.getAddress().getAddress());
                compact.write(n.getPort() >> 8);
                compact.write(n.getPort() & 0xff);
            }
            byte[] id = new byte[20];
            new Random(port).nextBytes(id);
            Files.write(config.resolve("dht.dat"), Encoder.encode(new BDict(Map.of(
                BBytes.of("id"), new BBytes(id),
                BBytes.of("nodes"), new BBytes(compact.toByteArray())))));
        }
        return Procs.start(net.in(List.of(bin, "-g", config.toString(), "-w", downloadDir.toString(), "-p", String.valueOf(port),
            source)), log);
    }

    /** aria2c; it announces over HTTP only while its DHT is off. */
    public static Process aria2(Path torrent, Path dir, int port, Path log, String... extra) throws IOException, InterruptedException {
        return aria2(torrent.toString(), dir, port, log, extra);
    }

    /** aria2c on a .torrent file's path or a magnet link; {@code extra} options override the ones here. */
    public static Process aria2(String source, Path dir, int port, Path log, String... extra) throws IOException, InterruptedException {
        String bin = Tools.require("aria2c");
        List<String> cmd = new ArrayList<>(List.of(bin, "--enable-dht=false", "--enable-dht6=false", "--bt-enable-lpd=false",
            "--enable-peer-exchange=false", "--listen-port=" + port, "--interface=127.0.0.1", "--disable-ipv6=true",
            "--seed-ratio=0.0", "--check-integrity=true", "--summary-interval=0", "--console-log-level=warn",
            "--bt-stop-timeout=0", "--auto-save-interval=0", "--file-allocation=none", "-d", dir.toString()));
        cmd.addAll(List.of(extra));
        cmd.add(source);
        Process p = Procs.start(cmd, log);
        if (!Procs.waitForPort(port, p, 30)) {
            Procs.stop(p);
            throw new IOException("aria2c did not start; see " + log);
        }
        return p;
    }
}
