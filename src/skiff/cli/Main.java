package skiff.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import skiff.loop.WorkerPool;
import skiff.metainfo.MagnetLink;
import skiff.metainfo.Metainfo;
import skiff.metainfo.MetainfoException;
import skiff.metainfo.MetainfoParser;
import skiff.metainfo.TorrentCreator;

/** Entry point: parses arguments, wires the parts by hand, maps every failure to one line and an exit code. */
public final class Main {
    public static final String VERSION = "0.1.0";

    private final PrintStream out;
    private final PrintStream err;

    Main(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] argv) {
        // A throwable no code caught, on any thread (a worker out of memory, say): one line, then
        // out, rather than a stack trace and a download waiting forever for a job that died.
        Thread.setDefaultUncaughtExceptionHandler((thread, e) -> {
            System.err.println("skiff: " + fatal(e));
            System.exit(ExitCode.FAILED);
        });
        System.exit(new Main(System.out, System.err).run(argv));
    }

    /** The config file's options, then the command line's (later options win). */
    private static Args withConfig(String[] argv) throws UsageException {
        Path file = ConfigFile.defaultPath();
        List<String> config = ConfigFile.arguments(file);
        if (config.isEmpty()) {
            return Args.parse(argv);
        }
        List<String> alone = new ArrayList<>(config);
        alone.add("placeholder.torrent");
        try {
            Args.parse(alone.toArray(new String[0]));
        } catch (UsageException e) {
            throw new UsageException(file + ": " + e.getMessage());
        }
        List<String> all = new ArrayList<>(config);
        all.addAll(List.of(argv));
        return Args.parse(all.toArray(new String[0]));
    }

    static String fatal(Throwable e) {
        if (e instanceof OutOfMemoryError) {
            return "out of memory: the JVM's " + Runtime.getRuntime().maxMemory() / (1 << 20)
                    + " MiB heap is too small for this torrent; give it more, e.g. SKIFF_OPTS=-Xmx256m";
        }
        if (e instanceof java.nio.file.InvalidPathException p) { // where Storage's own check is not on the way
            return skiff.storage.StorageException.unnamable(p);
        }
        return "internal error: " + e;
    }

    int run(String[] argv) {
        Args args;
        try {
            args = Args.parse(argv);
            if (args.command == Args.Command.DOWNLOAD) {
                args = withConfig(argv);
            }
        } catch (UsageException e) {
            err.println("skiff: " + e.getMessage());
            err.println("Try 'skiff --help' for more information.");
            return ExitCode.USAGE;
        }
        try {
            return switch (args.command) {
                case HELP -> help();
                case VERSION -> version();
                case SHOW -> show(args);
                case CREATE -> create(args);
                case DOWNLOAD -> download(args);
            };
        } catch (TorrentFileException e) {
            err.println("skiff: " + e.file + ": " + e.getCause().getMessage());
        } catch (MetainfoException e) {
            err.println("skiff: " + args.torrent + ": " + e.getMessage());
        } catch (NoSuchFileException e) {
            err.println("skiff: no such file: " + e.getFile());
        } catch (IOException e) {
            err.println("skiff: " + e.getMessage());
        } catch (InterruptedException e) {
            err.println("skiff: interrupted");
            return ExitCode.INTERRUPTED;
        } catch (RuntimeException | OutOfMemoryError e) {
            // A bug or too small a heap, not bad input; still one line for the user, the trace only at DEBUG.
            err.println("skiff: " + fatal(e));
            if (args.logLevel == Log.Level.DEBUG) {
                e.printStackTrace(err);
            }
        }
        return ExitCode.FAILED;
    }

    private int help() {
        try (InputStream in = Main.class.getResourceAsStream("help.txt")) {
            out.print(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException | NullPointerException e) {
            out.println("usage: skiff [options] TORRENT...");
        }
        return ExitCode.OK;
    }

    private int version() {
        out.println("skiff " + VERSION);
        return ExitCode.OK;
    }

    private int show(Args args) throws IOException, MetainfoException {
        if (MagnetLink.looksLikeOne(args.torrent)) {
            MagnetLink link;
            try {
                link = MagnetLink.parse(args.torrent);
            } catch (MetainfoException e) {
                err.println("skiff: bad magnet link: " + e.getMessage());
                return ExitCode.USAGE;
            }
            if (args.scrape) {
                err.println("skiff: --scrape needs a .torrent file (a magnet link has no size to show beside the counts)");
                return ExitCode.USAGE;
            }
            Show.print(link, out);
            return ExitCode.OK;
        }
        Metainfo m = load(args.torrent);
        Show.print(m, args.torrent, out);
        if (args.scrape) {
            out.println();
            out.println("SCRAPE");
            if (!Scrape.print(m, out)) {
                err.println("skiff: no tracker answered the scrape");
                return ExitCode.FAILED;
            }
        }
        return ExitCode.OK;
    }

    /** A torrent among several that cannot be read: the message names which. */
    private static final class TorrentFileException extends Exception {
        final String file;

        TorrentFileException(String file, MetainfoException cause) {
            super(cause);
            this.file = file;
        }
    }

    private int download(Args args) throws IOException, TorrentFileException {
        List<Source> metainfos = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        for (String file : args.torrents) {
            Source source;
            if (MagnetLink.looksLikeOne(file)) {
                try {
                    source = new Source(null, MagnetLink.parse(file));
                } catch (MetainfoException e) {
                    err.println("skiff: bad magnet link: " + e.getMessage());
                    return ExitCode.USAGE;
                }
            } else {
                try {
                    source = new Source(load(file), null);
                } catch (MetainfoException e) {
                    throw new TorrentFileException(file, e);
                }
            }
            int same = seen.indexOf(source.infoHashHex());
            if (same >= 0) {
                err.println("skiff: " + args.torrents.get(same) + " and " + file + " are the same torrent (info-hash "
                        + source.infoHashHex() + ")");
                return ExitCode.USAGE;
            }
            seen.add(source.infoHashHex());
            metainfos.add(source);
        }
        Log log;
        PrintStream logStream = err;
        if (args.logFile != null) {
            logStream = new PrintStream(new java.io.FileOutputStream(args.logFile, true), true, java.nio.charset.StandardCharsets.UTF_8);
        }
        // -q quiets the terminal; a log file gets what its level says
        boolean quietLog = args.quiet && args.logFile == null;
        Log.Level level = quietLog && args.logLevel.compareTo(Log.Level.ERROR) < 0 ? Log.Level.ERROR : args.logLevel;
        log = new Log(level, logStream, args.logFile != null);
        try {
            return new Client(args, log, out, err).run(metainfos);
        } finally {
            if (logStream != err) {
                logStream.close();
            }
        }
    }

    private int create(Args args) throws IOException, MetainfoException, InterruptedException {
        Path source = Paths.get(args.torrent);
        Path output = Paths.get(args.output != null ? args.output
                : source.toAbsolutePath().normalize().getFileName() + ".torrent");
        if (Files.exists(output) && !args.force) {
            err.println("skiff: " + output + " exists (use --force to replace it)");
            return ExitCode.FAILED;
        }
        TorrentCreator.Options options = new TorrentCreator.Options(args.trackers, args.pieceSize, args.isPrivate,
                args.comment, "skiff " + VERSION, args.noDate ? null : System.currentTimeMillis() / 1000,
                args.webSeeds);
        ExecutorService pool = WorkerPool.create(WorkerPool.defaultThreads());
        byte[] torrent;
        try {
            torrent = TorrentCreator.create(source, options, pool);
        } finally {
            WorkerPool.shutdown(pool, 1000);
        }
        Path tmp = output.resolveSibling(output.getFileName() + ".part");
        Files.write(tmp, torrent);
        Files.move(tmp, output, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Metainfo m = MetainfoParser.parse(torrent);
        out.println("created " + output + " (" + m.pieceCount() + " pieces of " + Units.bytes(m.pieceLength())
                + ", info-hash " + m.infoHashHex() + ")");
        return ExitCode.OK;
    }

    /** Reads a .torrent with its size checked first, so a huge file is refused without reading it. */
    static Metainfo load(String file) throws IOException, MetainfoException {
        if (TorrentUrl.looksLikeOne(file)) {
            return MetainfoParser.parse(TorrentUrl.fetch(file));
        }
        Path p = Paths.get(file);
        if (Files.isDirectory(p)) {
            throw new MetainfoException("is a folder, not a .torrent file");
        }
        long size = Files.size(p);
        if (size > MetainfoParser.MAX_TORRENT_BYTES) {
            throw new MetainfoException("torrent file is larger than " + (MetainfoParser.MAX_TORRENT_BYTES >> 20) + " MiB");
        }
        return MetainfoParser.parse(Files.readAllBytes(p));
    }

    /** Azureus-style peer id (BEP 20): client code and version, then random printable bytes. */
    static byte[] peerId(java.util.SplittableRandom random) {
        String prefix = "-SK" + Main.VERSION.replace(".", "").substring(0, 3) + "0-";
        String alphabet = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
        StringBuilder b = new StringBuilder(prefix);
        while (b.length() < 20) {
            b.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return b.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    /** Resolves peer addresses before the loop runs, like --bind (a name lookup may block); null after saying which failed. */
    static java.util.List<java.net.InetSocketAddress> resolved(java.util.List<java.net.InetSocketAddress> peers, java.io.PrintStream err) {
        java.util.List<java.net.InetSocketAddress> out = new java.util.ArrayList<>();
        for (java.net.InetSocketAddress p : peers) {
            try {
                out.add(new java.net.InetSocketAddress(java.net.InetAddress.getByName(p.getHostString()), p.getPort()));
            } catch (java.net.UnknownHostException e) {
                err.println("skiff: cannot use peer " + p.getHostString() + ":" + p.getPort() + ": unknown host");
                return null;
            }
        }
        return out;
    }
}
