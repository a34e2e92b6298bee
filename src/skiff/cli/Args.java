package skiff.cli;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import skiff.storage.DiskIo;

/** Hand-written GNU-style parser: {@code -d DIR}, {@code -dDIR}, {@code --dir DIR}, {@code --dir=DIR}, {@code --}. */
final class Args {
    enum Command { DOWNLOAD, SHOW, CREATE, HELP, VERSION }

    Command command = Command.DOWNLOAD;
    /** The .torrent (show), the file or folder to share (create), the first torrent (download). */
    String torrent;
    /** Every torrent to download, in the order given. */
    final List<String> torrents = new ArrayList<>();
    /** Where to write a magnet link's .torrent once its metadata is in. */
    String saveTorrent;
    /** Connections at most over all torrents (libtorrent's connections_limit). */
    int maxConnections = skiff.swarm.GlobalLimits.DEFAULT_MAX_CONNECTIONS;
    String downloadDir = "downloads";
    int maxPeers = 50;
    int port = 6881;
    Log.Level logLevel = Log.Level.INFO;
    String logFile;
    boolean quiet;
    String bind;
    boolean seed;
    double seedRatio;
    /** --seed-ratio 0: do not seed at all, whatever else says so. */
    boolean noSeeding;
    long seedTimeMillis;
    long uploadLimitKib;
    long downloadLimitKib;
    int unchokeSlots = skiff.swarm.Settings.AUTO_UNCHOKE_SLOTS;
    /** Seconds between choking rounds (BEP 3's ten; libtorrent's unchoke_interval is 15). */
    int unchokeIntervalSeconds = 10;
    /** Positional writes by default: less CPU and faster in make bench (DESIGN.md, "Memory"). */
    DiskIo diskIo = DiskIo.POSITIONAL;
    /** MSE: encrypted handshakes accepted, plain ones dialled, as libtorrent and Transmission default to. */
    skiff.mse.Encryption encryption = skiff.mse.Encryption.ALLOW;
    skiff.utp.UtpMode utp = skiff.utp.UtpMode.ALLOW;
    final List<InetSocketAddress> peers = new ArrayList<>(); // unresolved: Client resolves them
    boolean noDht;
    /** --no-port-map: do not ask the router (NAT-PMP, UPnP) to forward the peer port. */
    boolean noPortMap;
    /** --check: hash the data on disk even where the resume file vouches for it. */
    boolean check;
    /** --stop-timeout: seconds without a verified byte before a download gives up; 0: never. */
    int stopTimeoutSeconds;
    /** --on-complete: a shell command run once a torrent's data is all verified. */
    String onComplete;
    /** --dht-bootstrap HOST:PORT, checked; empty: the well-known routers. */
    final List<String> dhtBootstrap = new ArrayList<>();
    int statusIntervalSeconds = 5;
    boolean json;
    boolean files;
    boolean scrape;
    // skiff create
    String output;
    final List<List<String>> trackers = new ArrayList<>();
    final List<String> webSeeds = new ArrayList<>();
    int pieceSize;
    boolean isPrivate;
    String comment;
    boolean noDate;
    boolean force;
    boolean sequential;
    skiff.swarm.FileSelection selection;

    private final List<String> rest = new ArrayList<>();
    /** Every option given, to check at the end that it belongs to the command. */
    private final List<String> given = new ArrayList<>();

    /** Options each command takes; -h, --help and --version go with any. */
    private static final java.util.Set<String> DOWNLOAD_OPTIONS = java.util.Set.of("-d", "--download-dir", "-p", "--max-peers",
        "--max-connections", "--save-torrent", "--port", "-l", "--log-level", "--log-file", "-q", "--quiet", "--bind", "--seed", "--seed-ratio", "--seed-time", "-u", "-D", "--download-limit",
        "--upload-limit", "--unchoke-slots", "--unchoke-interval", "--status-interval", "--peer", "--disk-io", "--encryption", "--utp", "--status", "--json", "--files",
        "--no-dht", "--dht", "--dht-bootstrap", "--check", "--stop-timeout", "--on-complete", "--port-map", "--no-port-map",
        "--sequential", "--select-file");
    private static final java.util.Set<String> SHOW_OPTIONS = java.util.Set.of("--scrape");
    private static final java.util.Set<String> CREATE_OPTIONS = java.util.Set.of("-o", "--output", "-t", "--tracker", "-w",
        "--web-seed", "-c", "--comment", "--piece-size", "--private", "--no-date", "--force");

    static Args parse(String[] argv) throws UsageException {
        Args a = new Args();
        int start = 0;
        if (argv.length > 0 && (argv[0].equals("show") || argv[0].equals("create"))) {
            a.command = argv[0].equals("show") ? Command.SHOW : Command.CREATE;
            start = 1;
        }
        a.parseFrom(argv, start);
        return a;
    }

    private void parseFrom(String[] argv, int start) throws UsageException {
        Argv.scan(argv, start, new Argv.Options() {
            @Override
            public boolean isFlag(String name) {
                return Args.isFlag(name);
            }

            @Override
            public boolean takesValue(String name) {
                return Args.takesValue(name);
            }

            @Override
            public void flag(String name) {
                given.add(name);
                Args.this.flag(name);
            }

            @Override
            public void option(String name, String value) throws UsageException {
                given.add(name);
                Args.this.option(name, value);
            }

            @Override
            public void operand(String arg) {
                rest.add(arg);
            }
        });
        finish();
    }

    private static boolean takesValue(String name) {
        return !isFlag(name) && (DOWNLOAD_OPTIONS.contains(name) || SHOW_OPTIONS.contains(name) || CREATE_OPTIONS.contains(name));
    }

    private static boolean isFlag(String name) {
        return switch (name) {
            case "-q", "--quiet", "-h", "--help", "--version", "--private", "--no-date", "--seed", "--json", "--files", "--scrape",
                 "--force", "--no-dht", "--dht", "--check", "--port-map", "--no-port-map", "--sequential" -> true;
            default -> false;
        };
    }

    private void flag(String name) {
        switch (name) {
            case "-q", "--quiet" -> quiet = true;
            case "-h", "--help" -> command = Command.HELP;
            case "--version" -> command = Command.VERSION;
            case "--private" -> isPrivate = true;
            case "--no-date" -> noDate = true;
            case "--seed" -> seed = true;
            case "--json" -> json = true;
            case "--files" -> files = true;
            case "--scrape" -> scrape = true;
            case "--force" -> force = true;
            case "--no-dht" -> noDht = true;
            case "--dht" -> noDht = false; // the command line's answer to a config file's no-dht
            case "--no-port-map" -> noPortMap = true;
            case "--port-map" -> noPortMap = false;
            case "--check" -> check = true;
            case "--sequential" -> sequential = true;
            default -> throw new IllegalStateException(name);
        }
    }

    private static long rate(String name, String value) throws UsageException {
        long kib = Units.parseRateKib(value);
        if (kib < 0) {
            throw new UsageException(name + " needs KiB/s (500) or a rate such as 500K, 1.5M, 0 for none, not '" + value + "'");
        }
        return kib;
    }

    private void option(String name, String value) throws UsageException {
        switch (name) {
            case "-d", "--download-dir" -> downloadDir = nonEmpty(name, value);
            case "--select-file" -> {
                try {
                    selection = skiff.swarm.FileSelection.parse(value);
                } catch (IllegalArgumentException e) {
                    throw new UsageException("--select-file takes file numbers such as 1,3-5: " + e.getMessage());
                }
            }
            case "-p", "--max-peers" -> maxPeers = intIn(name, value, 1, 10_000);
            case "--port" -> port = intIn(name, value, 1, 65_535);
            case "--max-connections" -> maxConnections = intIn(name, value, 1, 100_000);
            case "--save-torrent" -> saveTorrent = nonEmpty(name, value);
            case "-l", "--log-level" -> logLevel = level(value);
            case "--log-file" -> logFile = nonEmpty(name, value);
            case "-o", "--output" -> output = nonEmpty(name, value);
            case "-t", "--tracker" -> trackers.add(trackerUrls(value));
            case "-w", "--web-seed" -> webSeeds.add(nonEmpty(name, value));
            case "-c", "--comment" -> comment = value;
            case "--piece-size" -> pieceSize = pieceSize(value);
            case "--bind" -> bind = nonEmpty(name, value);
            case "--seed-ratio" -> {
                seedRatio = ratio(name, value);
                noSeeding = seedRatio == 0;
            }
            case "--seed-time" -> {
                seedTimeMillis = Units.parseDurationMillis(value);
                if (seedTimeMillis < 0) {
                    throw new UsageException("--seed-time needs minutes (1.5) or a time such as 90s, 30m, 2h, not '" + value + "'");
                }
            }
            case "-u", "--upload-limit" -> uploadLimitKib = rate(name, value);
            case "-D", "--download-limit" -> downloadLimitKib = rate(name, value);
            case "--unchoke-slots" -> unchokeSlots = intIn(name, value, 1, 100);
            case "--on-complete" -> onComplete = nonEmpty(name, value);
            case "--stop-timeout" -> stopTimeoutSeconds = intIn(name, value, 1, 10_000_000);
            case "--unchoke-interval" -> unchokeIntervalSeconds = intIn(name, value, 1, 600);
            case "--status-interval" -> statusIntervalSeconds = intIn(name, value, 1, 86_400);
            case "--peer" -> peers.add(peer(value));
            case "--dht-bootstrap" -> {
                InetSocketAddress a = hostPort(name, value);
                dhtBootstrap.add(a.getHostString().contains(":") ? "[" + a.getHostString() + "]:" + a.getPort() : value);
                noDht = false; // a node to start from says the DHT is wanted, over a config file's no-dht
            }
            case "--disk-io" -> diskIo = switch (value) {
                case "positional" -> DiskIo.POSITIONAL;
                case "mmap" -> DiskIo.MAPPED;
                default -> throw new UsageException("--disk-io takes positional or mmap, not '" + value + "'");
            };
            case "--encryption" -> {
                encryption = skiff.mse.Encryption.named(value);
                if (encryption == null) {
                    throw new UsageException("--encryption takes off, allow, prefer or require, not '" + value + "'");
                }
            }
            case "--utp" -> {
                utp = skiff.utp.UtpMode.named(value);
                if (utp == null) {
                    throw new UsageException("--utp takes off, allow or prefer, not '" + value + "'");
                }
            }
            case "--status" -> {
                if (!value.equals("json") && !value.equals("text")) {
                    throw new UsageException("--status takes json or text, not '" + value + "'");
                }
                json = value.equals("json");
            }
            default -> throw new UsageException("unknown option '" + name + "'");
        }
    }

    private void finish() throws UsageException {
        if (command == Command.HELP || command == Command.VERSION) {
            return;
        }
        java.util.Set<String> allowed = switch (command) {
            case SHOW -> SHOW_OPTIONS;
            case CREATE -> CREATE_OPTIONS;
            default -> DOWNLOAD_OPTIONS;
        };
        for (String name : given) {
            if (!allowed.contains(name)) {
                String where = DOWNLOAD_OPTIONS.contains(name) ? "a download" : SHOW_OPTIONS.contains(name) ? "'skiff show'"
                    : "'skiff create'";
                String here = command == Command.SHOW ? "'skiff show'" : command == Command.CREATE ? "'skiff create'" : "a download";
                throw new UsageException("option '" + name + "' is for " + where + ", not " + here);
            }
        }
        if ((seedRatio > 0 || seedTimeMillis > 0) && !seed) {
            seed = true; // asking for a ratio or a time means asking to seed
        }
        if (noSeeding) {
            seed = false; // --seed-ratio 0: reached the moment the download is
            seedTimeMillis = 0;
        }
        String what = command == Command.CREATE ? "a file or folder to share" : "a .torrent file or magnet link";
        if (rest.isEmpty()) {
            throw new UsageException("missing " + what);
        }
        if (rest.size() > 1 && command != Command.DOWNLOAD) {
            throw new UsageException("unexpected argument '" + rest.get(1) + "' (give one " + what.substring(2) + ")");
        }
        torrent = rest.get(0);
        torrents.addAll(rest);
        int magnets = 0;
        for (String t : rest) {
            magnets += skiff.metainfo.MagnetLink.looksLikeOne(t) ? 1 : 0;
        }
        if (saveTorrent != null && magnets != 1) {
            throw new UsageException("--save-torrent needs exactly one magnet link among the torrents");
        }
    }

    private static String nonEmpty(String name, String value) throws UsageException {
        if (value.isEmpty()) {
            throw new UsageException("option '" + name + "' needs a non-empty value");
        }
        return value;
    }

    /** A tier of tracker URLs, comma-separated: each http(s), udp or ws(s) with a host, so that the torrent is usable. */
    static List<String> trackerUrls(String value) throws UsageException {
        List<String> tier = new ArrayList<>();
        for (String url : value.split(",")) {
            java.net.URI u;
            try {
                u = new java.net.URI(url);
            } catch (java.net.URISyntaxException e) {
                u = null;
            }
            String scheme = u == null || u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            if (u == null || u.getHost() == null || !List.of("http", "https", "udp", "ws", "wss").contains(scheme)) {
                throw new UsageException("a tracker is a URL such as http://tracker.example:6969/announce or "
                    + "udp://tracker.example:1337, not '" + url + "'");
            }
            tier.add(url);
        }
        return List.copyOf(tier);
    }

    /** HOST:PORT or [IPv6]:PORT, unresolved. */
    static InetSocketAddress peer(String value) throws UsageException {
        return hostPort("--peer", value);
    }

    private static InetSocketAddress hostPort(String name, String value) throws UsageException {
        int colon = value.lastIndexOf(':');
        String host = skiff.metainfo.MagnetLink.hostOf(value);
        if (host.isEmpty()) {
            throw new UsageException(name + " needs HOST:PORT or [IPv6]:PORT, not '" + value + "'");
        }
        return InetSocketAddress.createUnresolved(host, intIn(name, value.substring(colon + 1), 1, 65_535));
    }

    private static int intIn(String name, String value, int min, int max) throws UsageException {
        try {
            int v = Integer.parseInt(value);
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // fall through to the message below
        }
        throw new UsageException("option '" + name + "' needs a number from " + min + " to " + max + ", not '" + value + "'");
    }

    private static double ratio(String name, String value) throws UsageException {
        try {
            double r = Double.parseDouble(value);
            if (r >= 0 && r < 1e6) {
                return r;
            }
        } catch (NumberFormatException e) {
            // fall through to the message below
        }
        throw new UsageException("option '" + name + "' needs a number such as 1.5 (0: do not seed), not '" + value + "'");
    }

    private static Log.Level level(String value) throws UsageException {
        String v = value.toUpperCase(Locale.ROOT);
        if (v.equals("WARN")) {
            v = "WARNING";
        }
        try {
            return Log.Level.valueOf(v);
        } catch (IllegalArgumentException e) {
            throw new UsageException("log level must be DEBUG, INFO, WARNING or ERROR, not '" + value + "'");
        }
    }

    /** Accepts bytes or a K/M suffix; a power of two from 16 KiB (the block size) to 512 MiB. */
    static int pieceSize(String value) throws UsageException {
        String v = value.trim().toUpperCase(Locale.ROOT);
        long mult = 1;
        if (v.endsWith("K") || v.endsWith("KIB")) {
            mult = 1 << 10;
            v = v.substring(0, v.indexOf('K'));
        } else if (v.endsWith("M") || v.endsWith("MIB")) {
            mult = 1 << 20;
            v = v.substring(0, v.indexOf('M'));
        }
        long n;
        try {
            n = Long.parseLong(v) * mult;
        } catch (NumberFormatException e) {
            throw new UsageException("piece size must be a number such as 262144, 256K or 1M, not '" + value + "'");
        }
        if (n < (16 << 10) || n > (512 << 20) || Long.bitCount(n) != 1) {
            throw new UsageException("piece size must be a power of two from 16K to 512M, not '" + value + "'");
        }
        return (int) n;
    }
}
