package skiff.interop;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import skiff.loop.WorkerPool;
import skiff.metainfo.Metainfo;
import skiff.metainfo.MetainfoParser;
import skiff.metainfo.TorrentCreator;

/** Shared set-up for the interop tests: sizes, torrents made with skiff's own creator, waiting on logs. */
final class Interop {
    private Interop() {
    }

    /** `make interop SHORT=1` (CI) moves a few MiB; the full run a few hundred. */
    static boolean shortRun() {
        String s = System.getenv("SKIFF_INTEROP_SHORT");
        return s != null && !s.isEmpty() && !s.equals("0");
    }

    static long bigBytes() {
        return shortRun() ? 24L << 20 : 300L << 20;
    }

    /** Seconds a download of the big file may take before the test fails. */
    static int timeoutSeconds() {
        return shortRun() ? 120 : 600;
    }

    static Metainfo torrent(Path source, Path out, List<String> trackers, int pieceLength) throws Exception {
        return torrent(source, out, trackers, pieceLength, List.of());
    }

    /** With web seeds (BEP 19's url-list). */
    static Metainfo torrent(Path source, Path out, List<String> trackers, int pieceLength, List<String> webSeeds) throws Exception {
        ExecutorService pool = WorkerPool.create(2);
        try {
            byte[] t = TorrentCreator.create(source, new TorrentCreator.Options(
                trackers.stream().map(List::of).toList(), pieceLength, false, null, "skiff-interop", null, webSeeds), pool);
            Files.write(out, t);
            return MetainfoParser.parse(t);
        } finally {
            WorkerPool.shutdown(pool, 1000);
        }
    }

    /** The last 3000 characters: enough of a log to see why. */
    static String tail(String s) {
        return s.length() > 3000 ? s.substring(s.length() - 3000) : s;
    }

    static String read(Path log) throws Exception {
        return Files.exists(log) ? tail(Files.readString(log)) : "(no log)";
    }

    /** Waits for {@code text} in {@code p}'s log; the poll's pause is a wait on {@code p}, so one that ends fails at once. */
    static void awaitFile(Process p, Path log, String text, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && Files.readString(log).contains(text)) {
                return;
            }
            if (p.waitFor(100, TimeUnit.MILLISECONDS)) {
                break;
            }
        }
        throw new AssertionError("never saw '" + text + "' in " + log + ": " + read(log));
    }
}
