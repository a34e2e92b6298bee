package skiff.loop;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

/**
 * Name lookup, which blocks in the JDK: it runs on the worker pool and the answer is posted back
 * to the loop. Literal addresses are answered at once without a lookup.
 */
public final class Dns {
    private final EventLoop loop;
    private final Executor workers;

    public Dns(EventLoop loop, Executor workers) {
        this.loop = loop;
        this.workers = workers;
    }

    /**
     * Runs CPU-heavy or blocking {@code work} (a TLS engine's certificate checks, say) on a worker,
     * then {@code after} on the loop; in place if the pool refuses it, which only happens as it stops.
     */
    public void offLoop(Runnable work, Runnable after) {
        try {
            workers.execute(() -> {
                work.run();
                loop.execute(after);
            });
        } catch (RejectedExecutionException e) {
            work.run();
            loop.execute(after);
        }
    }

    /** Calls {@code found} or {@code failed} on the loop thread, later. */
    public void resolve(String host, Consumer<InetAddress> found, Consumer<String> failed) {
        try {
            workers.execute(() -> {
                try {
                    InetAddress a = InetAddress.getByName(host);
                    loop.execute(() -> found.accept(a));
                } catch (UnknownHostException | SecurityException e) {
                    loop.execute(() -> failed.accept("cannot resolve " + host));
                }
            });
        } catch (RejectedExecutionException e) {
            loop.execute(() -> failed.accept("cannot resolve " + host + " now (workers busy)"));
        }
    }
}
