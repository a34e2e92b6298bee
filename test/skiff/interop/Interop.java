package skiff.interop;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import skiff.loop.WorkerPool;
import skiff.metainfo.Metainfo;
import skiff.metainfo.MetainfoParser;
import skiff.metainfo.TorrentCreator;

/** Shared set-up for the interop tests: sizes, torrents made with skiff's own creator. */
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
        ExecutorService pool = WorkerPool.create(2);
        try {
            byte[] t = TorrentCreator.create(source, new TorrentCreator.Options(
                trackers.stream().map(List::of).toList(), pieceLength, false, null, "skiff-interop", null, List.of()), pool);
            Files.write(out, t);
            return MetainfoParser.parse(t);
        } finally {
            WorkerPool.shutdown(pool, 1000);
        }
    }
}
