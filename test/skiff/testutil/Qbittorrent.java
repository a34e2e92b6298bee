package skiff.testutil;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * qBittorrent-nox (Debian's, on libtorrent 2.0) on 127.0.0.1, driven through its Web API. Its
 * configuration is written before it starts: peers on the loopback interface only; DHT, LSD,
 * PEX, port mapping and the peers' country lookup off; the Web API open to localhost without a login. Extra
 * {@code [BitTorrent]} settings (encryption, transport) come from the test.
 */
public final class Qbittorrent implements AutoCloseable {
    /** qBittorrent's Session\Encryption: 0 allows encryption (its default), 1 requires it, 2 refuses it. */
    public static final String REQUIRE_ENCRYPTION = "Session\\Encryption=1";
    /** qBittorrent's Session\BTProtocol: peers over uTP only. */
    public static final String UTP_ONLY = "Session\\BTProtocol=UTP";

    /** qBittorrent's states of a torrent it has whole and seeds (Web API 2.8). */
    private static final java.util.Set<String> SEEDING = java.util.Set.of("uploading", "stalledUP", "forcedUP");

    /** The peer port, TCP and (for uTP) UDP. */
    public final int port;
    private final int webPort;
    private final Process process;
    private final Path dir;

    private Qbittorrent(int port, int webPort, Process process, Path dir) {
        this.port = port;
        this.webPort = webPort;
        this.process = process;
        this.dir = dir;
    }

    public static Qbittorrent start(Path dir, String... bitTorrentSettings) throws IOException, InterruptedException {
        String binary = Tools.require("qbittorrent-nox");
        Path config = Files.createDirectories(dir.resolve("profile/qBittorrent/config")).resolve("qBittorrent.conf");
        for (int tries = 0; tries < 3; tries++) {
            int port = Ports.free();
            int webPort = Ports.free();
            StringBuilder conf = new StringBuilder("[LegalNotice]\nAccepted=true\n\n[BitTorrent]\n")
                .append("Session\\Port=").append(port).append('\n')
                .append("Session\\Interface=lo\nSession\\InterfaceName=lo\nSession\\InterfaceAddress=127.0.0.1\n")
                .append("Session\\DHTEnabled=false\nSession\\LSDEnabled=false\nSession\\PeXEnabled=false\n")
                .append("Session\\QueueingSystemEnabled=false\nSession\\TempPathEnabled=false\n")
                .append("Session\\DefaultSavePath=").append(dir.resolve("save")).append('\n');
            for (String s : bitTorrentSettings) {
                conf.append(s).append('\n');
            }
            conf.append("\n[Network]\nPortForwardingEnabled=false\n\n[Preferences]\n")
                .append("WebUI\\Address=127.0.0.1\nWebUI\\Port=").append(webPort).append('\n')
                .append("WebUI\\LocalHostAuth=false\nWebUI\\CSRFProtection=false\nWebUI\\HostHeaderValidation=false\n")
                .append("Connection\\ResolvePeerCountries=false\n"); // else it fetches a geolocation database from the internet
            Files.writeString(config, conf);
            Process p = new ProcessBuilder(binary, "--profile=" + dir.resolve("profile"))
                .redirectErrorStream(true).redirectOutput(dir.resolve("qbittorrent.log").toFile()).start();
            Qbittorrent q = new Qbittorrent(port, webPort, p, dir);
            if (q.awaitApi(20)) {
                return q;
            }
            Procs.stop(p);
        }
        throw new IOException("qbittorrent-nox did not answer on its Web API; see " + dir.resolve("qbittorrent.log"));
    }

    private boolean awaitApi(int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline && process.isAlive()) {
            try {
                if (get("/api/v2/app/version").startsWith("v")) {
                    return true;
                }
            } catch (IOException e) {
                // not listening yet
            }
            process.waitFor(100, TimeUnit.MILLISECONDS); // the poll's pause; a qBittorrent that exits ends it at once
        }
        return false;
    }

    /** Adds a .torrent, its data to be found (or put) in {@code savePath}. */
    public void addTorrent(Path torrent, Path savePath) throws IOException {
        add(Map.of("torrents", Files.readAllBytes(torrent), "savepath", savePath.toString().getBytes(StandardCharsets.UTF_8)));
    }

    /** Adds a magnet link: qBittorrent fetches the metadata from its peers. */
    public void addMagnet(String link, Path savePath) throws IOException {
        add(Map.of("urls", link.getBytes(StandardCharsets.UTF_8), "savepath", savePath.toString().getBytes(StandardCharsets.UTF_8)));
    }

    private void add(Map<String, byte[]> fields) throws IOException {
        String boundary = "skiffTestBoundary7f3a";
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (Map.Entry<String, byte[]> f : fields.entrySet()) {
            String head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + f.getKey() + "\""
                + (f.getKey().equals("torrents") ? "; filename=\"t.torrent\"\r\nContent-Type: application/x-bittorrent" : "")
                + "\r\n\r\n";
            body.write(head.getBytes(StandardCharsets.UTF_8));
            body.write(f.getValue());
            body.write("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        body.write(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        String answer = post("/api/v2/torrents/add", "multipart/form-data; boundary=" + boundary, body.toByteArray());
        if (!answer.startsWith("Ok")) {
            throw new IOException("qBittorrent refused the torrent: " + answer);
        }
    }

    /**
     * Tells qBittorrent about a peer of a torrent it has: how a test points it at skiff without a
     * tracker. Waits (bounded) until qBittorrent has taken in a torrent just added and checked its
     * files: a peer given to it before then may be dropped.
     */
    public void addPeer(String infoHashHex, int peerPort) throws IOException, InterruptedException {
        String form = "hashes=" + infoHashHex + "&peers=" + URLEncoder.encode("127.0.0.1:" + peerPort, StandardCharsets.UTF_8);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        Map<String, Object> t = Map.of();
        while (System.nanoTime() < deadline && process.isAlive()) {
            t = torrent(infoHashHex);
            String state = String.valueOf(t.get("state"));
            if (!t.isEmpty() && !state.startsWith("checking") && !state.equals("allocating") && !state.equals("moving")) {
                post("/api/v2/torrents/addPeers", "application/x-www-form-urlencoded", form.getBytes(StandardCharsets.UTF_8));
                // it answers 200 whether or not it took the peer; its log says which
                long seen = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
                while (System.nanoTime() < seen && process.isAlive()) {
                    if (logged("Peer \"127.0.0.1:" + peerPort + "\" is added")) {
                        return;
                    }
                    process.waitFor(100, TimeUnit.MILLISECONDS);
                }
            }
            process.waitFor(100, TimeUnit.MILLISECONDS);
        }
        throw new IOException("qBittorrent never took peer 127.0.0.1:" + peerPort + " for " + infoHashHex + ": " + t);
    }

    /** Whether a message of qBittorrent's log (its Web API's, not the file) has {@code text} in it. */
    @SuppressWarnings("unchecked")
    private boolean logged(String text) throws IOException {
        for (Object m : (List<Object>) Json.parse(get("/api/v2/log/main"))) {
            if (String.valueOf(((Map<String, Object>) m).get("message")).contains(text)) {
                return true;
            }
        }
        return false;
    }

    /** The torrent's fields as qBittorrent's /torrents/info gives them (progress, state, ...); empty until it has it. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> torrent(String infoHashHex) throws IOException {
        List<Object> list = (List<Object>) Json.parse(get("/api/v2/torrents/info?hashes=" + infoHashHex));
        return list.isEmpty() ? Map.of() : (Map<String, Object>) list.get(0);
    }

    /**
     * Waits (bounded) until qBittorrent has every piece of the torrent and seeds it; fails with its
     * last state. Progress alone is not enough: it reads 1 while qBittorrent still checks the files
     * of a torrent just added, and until the check ends libtorrent closes every peer of it.
     */
    public void awaitComplete(String infoHashHex, int seconds) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        Map<String, Object> t = Map.of();
        while (System.nanoTime() < deadline && process.isAlive()) {
            t = torrent(infoHashHex);
            if (t.get("progress") instanceof Double p && p >= 1.0 && SEEDING.contains(String.valueOf(t.get("state")))) {
                return;
            }
            process.waitFor(200, TimeUnit.MILLISECONDS);
        }
        throw new AssertionError("qBittorrent never completed " + infoHashHex + ": " + t);
    }

    public String log() throws IOException {
        Path log = dir.resolve("qbittorrent.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    private String get(String path) throws IOException {
        HttpURLConnection c = open(path);
        return answer(c);
    }

    private String post(String path, String type, byte[] body) throws IOException {
        HttpURLConnection c = open(path);
        c.setRequestMethod("POST");
        c.setDoOutput(true);
        c.setRequestProperty("Content-Type", type);
        try (OutputStream out = c.getOutputStream()) {
            out.write(body);
        }
        return answer(c);
    }

    private HttpURLConnection open(String path) throws IOException {
        HttpURLConnection c = (HttpURLConnection) new URL("http://127.0.0.1:" + webPort + path).openConnection();
        c.setConnectTimeout(2000);
        c.setReadTimeout(5000);
        return c;
    }

    private static String answer(HttpURLConnection c) throws IOException {
        int code = c.getResponseCode();
        if (code != 200) {
            throw new IOException("qBittorrent answered " + code + " to " + c.getURL());
        }
        try (var in = c.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Override
    public void close() {
        Procs.stop(process);
    }
}
