package skiff.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import skiff.loop.Clock;
import skiff.loop.Dns;
import skiff.loop.EventLoop;
import skiff.loop.WorkerPool;
import skiff.metainfo.Metainfo;
import skiff.tracker.ScrapeResponse;
import skiff.tracker.Tracker;
import skiff.tracker.Trackers;

/** {@code skiff show --scrape}: asks every tracker of a torrent for its counts, all at once, bounded in time. */
final class Scrape {
    static final long TIMEOUT_MILLIS = 15_000;

    private Scrape() {
    }

    /** Scrapes every tracker and prints a line each; returns whether at least one answered (or there are none). */
    static boolean print(Metainfo m, PrintStream out) throws IOException {
        EventLoop loop = new EventLoop(Clock.system(), w -> { });
        ExecutorService workers = WorkerPool.create(WorkerPool.defaultThreads());
        Map<String, String> results = new LinkedHashMap<>();
        int[] answered = {0};
        try {
            Trackers trackers = new Trackers(loop, new Dns(loop, workers), new SplittableRandom(), null, TIMEOUT_MILLIS,
                    3000, 2, "skiff/" + Main.VERSION);
            int[] pending = {0};
            for (var tier : m.tiers()) {
                for (String url : tier) {
                    results.put(url, "no answer");
                    Tracker t = trackers.create(url);
                    if (t == null) {
                        results.put(url, "unsupported tracker");
                        continue;
                    }
                    pending[0]++;
                    loop.execute(() -> t.scrape(m.infoHash(), new Tracker.Callback<>() {
                        @Override
                        public void succeeded(ScrapeResponse r) {
                            results.put(url, "seeders " + r.seeders() + ", leechers " + r.leechers() + ", downloaded " + r.completed());
                            answered[0]++;
                            done();
                        }

                        @Override
                        public void failed(String reason) {
                            results.put(url, reason);
                            done();
                        }

                        private void done() {
                            if (--pending[0] == 0) {
                                loop.stop(0);
                            }
                        }
                    }));
                }
            }
            if (pending[0] > 0) {
                loop.schedule(TIMEOUT_MILLIS + 1000, () -> loop.stop(0));
                loop.run();
            } else {
                loop.closeAll();
            }
        } finally {
            WorkerPool.shutdown(workers, 1000);
        }
        if (results.isEmpty()) {
            out.println("  (no trackers)");
        }
        results.forEach((url, r) -> out.println("  " + skiff.metainfo.PathSafety.printable(url) + ": " + r));
        return results.isEmpty() || answered[0] > 0;
    }
}
