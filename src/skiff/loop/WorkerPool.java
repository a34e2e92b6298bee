package skiff.loop;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The only threads besides the loop: they hash pieces and run the few calls that cannot be
 * made non-blocking (DNS lookups, forcing mapped files). Workers never touch protocol state;
 * they post results back to the loop.
 */
public final class WorkerPool {
    /** Jobs waiting beyond this are refused: callers bound their own in-flight work first. */
    public static final int MAX_QUEUED_JOBS = 1024;

    private WorkerPool() {
    }

    /**
     * Two, whatever the cores: on a one-core board a single worker stuck in an fsync of the data
     * (seconds on an SD card) or a slow DNS lookup held every hash job behind it. A blocked thread
     * costs no CPU, and hashing rarely needs more than two.
     */
    public static int defaultThreads() {
        return 2;
    }

    public static ExecutorService create(int threads) {
        AtomicInteger n = new AtomicInteger();
        ThreadFactory factory = r -> {
            Thread t = new Thread(r, "skiff-worker-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        return new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(MAX_QUEUED_JOBS), factory);
    }

    /** Stops the pool, waiting at most {@code timeoutMillis} for running jobs. */
    public static void shutdown(ExecutorService pool, long timeoutMillis) {
        pool.shutdownNow();
        try {
            pool.awaitTermination(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
