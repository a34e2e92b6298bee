package skiff.testutil;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import skiff.loop.Clock;
import skiff.loop.Dns;
import skiff.loop.EventLoop;
import skiff.loop.WorkerPool;

/** A real event loop on its own thread, for tests that talk to real sockets. */
public final class LoopThread implements AutoCloseable {
    public final EventLoop loop;
    public final ExecutorService workers = WorkerPool.create(2);
    public final Dns dns;
    public final List<String> warnings = new CopyOnWriteArrayList<>();
    private final Thread thread;

    public LoopThread() throws IOException {
        loop = new EventLoop(Clock.system(), warnings::add);
        dns = new Dns(loop, workers);
        thread = new Thread(loop::run, "test-loop");
        thread.setDaemon(true);
        thread.start();
    }

    /** Runs {@code action} on the loop thread and waits (bounded) for its result. */
    public <T> T call(Supplier<T> action) throws Exception {
        CompletableFuture<T> f = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                f.complete(action.get());
            } catch (RuntimeException e) {
                f.completeExceptionally(e);
            }
        });
        return f.get(10, TimeUnit.SECONDS);
    }

    public void run(Runnable action) {
        loop.execute(action);
    }

    @Override
    public void close() throws InterruptedException {
        loop.stop(2000);
        thread.join(10_000);
        WorkerPool.shutdown(workers, 1000);
    }
}
