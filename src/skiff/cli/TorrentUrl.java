package skiff.cli;

import java.io.IOException;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import skiff.loop.Clock;
import skiff.loop.Dns;
import skiff.loop.EventLoop;
import skiff.loop.WorkerPool;
import skiff.tracker.Tracker;
import skiff.tracker.Trackers;
import skiff.tracker.UdpTracker;

/**
 * A .torrent given by http(s) URL, as aria2 and transmission-cli take one: fetched before the
 * session starts, by the trackers' HTTP client on a loop of its own (redirects, TLS, size caps
 * and one deadline come with it), then parsed like a file.
 */
final class TorrentUrl {
    static final long TIMEOUT_MILLIS = 30_000;

    private TorrentUrl() {
    }

    static boolean looksLikeOne(String arg) {
        String a = arg.toLowerCase(Locale.ROOT);
        return a.startsWith("http://") || a.startsWith("https://");
    }

    /** The body at {@code url}; IOException saying why there is none. */
    static byte[] fetch(String url) throws IOException {
        EventLoop loop = new EventLoop(Clock.system(), w -> { });
        ExecutorService workers = WorkerPool.create(1); // the name lookup
        byte[][] body = new byte[1][];
        String[] why = new String[1];
        try {
            Trackers http = new Trackers(loop, new Dns(loop, workers), new SplittableRandom(), null, TIMEOUT_MILLIS,
                UdpTracker.DEFAULT_BASE_TIMEOUT_MILLIS, UdpTracker.DEFAULT_MAX_RETRANSMITS, "skiff/" + Main.VERSION);
            loop.execute(() -> http.fetch(url, new Tracker.Callback<>() {
                @Override
                public void succeeded(byte[] value) {
                    body[0] = value;
                    loop.stop(0);
                }

                @Override
                public void failed(String reason) {
                    why[0] = reason;
                    loop.stop(0);
                }
            }));
            loop.run(); // closes its selector when it stops
        } finally {
            WorkerPool.shutdown(workers, 1000);
        }
        if (body[0] == null) {
            throw new IOException("cannot fetch " + url + ": " + (why[0] != null ? why[0] : "no answer"));
        }
        return body[0];
    }
}
