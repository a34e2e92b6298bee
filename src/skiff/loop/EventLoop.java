package skiff.loop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * The one thread that owns every socket and all protocol state. Each turn: run posted tasks,
 * select until the nearest timer, dispatch ready keys, fire due timers, then close what was
 * marked for closing. It knows nothing about BitTorrent.
 */
public final class EventLoop implements Executor {
    /** Posted tasks run per turn at most, so that a flood of posts cannot starve the sockets. */
    static final int MAX_TASKS_PER_TURN = 1024;
    /** The longest a turn sleeps without a timer; bounds how late a stop request is seen. */
    static final long MAX_SELECT_MILLIS = 1000;

    /** Work to finish before the loop stops (announcing `stopped`, flushing); it calls done when finished. */
    @FunctionalInterface
    public interface ShutdownWork {
        void start(Runnable done);
    }

    private final Selector selector;
    private final Clock clock;
    private final Consumer<String> warnings;
    private final PriorityQueue<Timer> timers = new PriorityQueue<>();
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final Consumer<SelectionKey> dispatch = this::dispatch;
    private final Map<SelectionKey, Throwable> closing = new LinkedHashMap<>();
    private final List<ShutdownWork> shutdownWork = new ArrayList<>();
    private Consumer<RuntimeException> taskErrors = e -> { };
    private Consumer<InternalError> mappedFaults = e -> { };
    private long timerSequence;
    private volatile boolean stopRequested;
    private volatile long stopGraceMillis;
    private volatile Thread thread;

    public EventLoop(Clock clock, Consumer<String> warnings) throws IOException {
        this.selector = Selector.open();
        this.clock = clock;
        this.warnings = warnings;
    }

    public long nowMillis() {
        return clock.nowMillis();
    }

    /** Registers a channel (made non-blocking here) with its handler. Loop thread only. */
    public SelectionKey register(SelectableChannel channel, int ops, Handler handler) throws IOException {
        channel.configureBlocking(false);
        try {
            return channel.register(selector, ops, handler);
        } catch (ClosedChannelException e) {
            throw new IOException("channel closed before registration", e);
        }
    }

    /** Marks a channel for closing after this turn's dispatch; its handler hears why. */
    public void close(SelectionKey key, Throwable cause) {
        if (key != null) {
            closing.putIfAbsent(key, cause);
        }
    }

    /**
     * Closes a channel whether or not it was registered yet: through its key after this turn's
     * dispatch (the handler hears a clean close), else at once. Either may be null.
     */
    public void closeChannel(SelectionKey key, SelectableChannel channel) {
        if (key != null) {
            close(key, null);
        } else if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing to do about a failed close
            }
        }
    }

    /** Runs {@code task} on the loop after {@code delayMillis}. Loop thread only. */
    public Timer schedule(long delayMillis, Runnable task) {
        Timer t = new Timer(clock.nowMillis() + Math.max(0, delayMillis), timerSequence++, task);
        timers.add(t);
        return t;
    }

    /** Thread-safe: runs {@code task} on the loop thread soon. The worker pool posts results here. */
    @Override
    public void execute(Runnable task) {
        tasks.add(task);
        if (Thread.currentThread() != thread) {
            selector.wakeup();
        }
    }

    public boolean inLoopThread() {
        return Thread.currentThread() == thread;
    }

    /**
     * Who hears that a task or timer threw: that is a bug, and the state it left may be half-made,
     * so the client ends rather than run on with nothing moving (a finished download that never exits).
     */
    public void onTaskError(Consumer<RuntimeException> handler) {
        this.taskErrors = handler;
    }

    /**
     * Who hears a fault on a memory-mapped page the disk could not back (disk full, file truncated).
     * The JVM may raise it after the write that caused it, past that write's own catch, in
     * whatever handler or task runs next; left alone it would kill the loop thread.
     */
    public void onMappedFault(Consumer<InternalError> handler) {
        this.mappedFaults = handler;
    }

    /** Work that must run before the loop stops; each gets at most the stop's grace period. */
    public void onShutdown(ShutdownWork work) {
        shutdownWork.add(work);
    }

    /** Thread-safe: asks the loop to run its shutdown work for up to {@code graceMillis}, then stop. */
    public void stop(long graceMillis) {
        stopGraceMillis = graceMillis;
        stopRequested = true;
        selector.wakeup();
    }

    /** Runs turns until stopped, then finishes shutdown work within the grace period and closes everything. */
    public void run() {
        thread = Thread.currentThread();
        while (!stopRequested) {
            runOnce(MAX_SELECT_MILLIS);
        }
        finishShutdown();
    }

    private void finishShutdown() {
        int[] pending = {shutdownWork.size()};
        for (ShutdownWork work : List.copyOf(shutdownWork)) {
            boolean[] once = {false};
            guarded(() -> work.start(() -> {
                if (!once[0]) {
                    once[0] = true;
                    pending[0]--;
                }
            }));
        }
        long deadline = clock.nowMillis() + stopGraceMillis;
        while (pending[0] > 0 && clock.nowMillis() < deadline) {
            runOnce(Math.max(1, Math.min(100, deadline - clock.nowMillis())));
        }
        closeAll();
    }

    /** Closes every channel and the selector. Handlers hear a null cause. */
    public void closeAll() {
        for (SelectionKey key : selector.keys()) {
            closing.putIfAbsent(key, null);
        }
        closeMarked();
        try {
            selector.close();
        } catch (IOException e) {
            warnings.accept("closing selector: " + e.getMessage());
        }
    }

    /**
     * One turn. Waits at most {@code maxWaitMillis} (0 = do not wait) or until the nearest timer.
     * Returns how many things it did, so tests can drive it until idle.
     */
    public int runOnce(long maxWaitMillis) {
        if (thread == null) {
            thread = Thread.currentThread();
        }
        int work = runTasks();
        long wait = maxWaitMillis;
        Timer next = peekLiveTimer();
        if (next != null) {
            wait = Math.min(wait, Math.max(0, next.deadlineMillis - clock.nowMillis()));
        }
        if (work > 0 || !tasks.isEmpty()) {
            wait = 0;
        }
        work += select(wait);
        work += fireTimers();
        work += closeMarked();
        return work;
    }

    private int runTasks() {
        int n = 0;
        Runnable r;
        while (n < MAX_TASKS_PER_TURN && (r = tasks.poll()) != null) {
            guarded(r);
            n++;
        }
        return n;
    }

    /**
     * Ready keys go straight to {@link #dispatch}: the selected-key set is never used, so a turn
     * allocates no set entries and no iterator (over uTP, a select every few datagrams).
     */
    private int select(long waitMillis) {
        try {
            return waitMillis <= 0 ? selector.selectNow(dispatch) : selector.select(dispatch, waitMillis);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void dispatch(SelectionKey key) {
        if (!key.isValid() || closing.containsKey(key)) {
            return;
        }
        Handler h = (Handler) key.attachment();
        try {
            h.ready(key);
        } catch (IOException e) {
            close(key, e);
        } catch (RuntimeException e) {
            warnings.accept("handler failed, closing its channel: " + e); // a bug, not bad input
            close(key, e);
        } catch (InternalError e) {
            close(key, null);
            mappedFaults.accept(e);
        }
    }

    private Timer peekLiveTimer() {
        Timer t;
        while ((t = timers.peek()) != null && t.cancelled) {
            timers.poll();
        }
        return t;
    }

    private int fireTimers() {
        int n = 0;
        long now = clock.nowMillis();
        Timer t;
        while ((t = peekLiveTimer()) != null && t.deadlineMillis <= now) {
            timers.poll();
            t.cancelled = true; // a fired timer is spent
            guarded(t.task);
            n++;
        }
        return n;
    }

    private int closeMarked() {
        int n = 0;
        while (!closing.isEmpty()) {
            Iterator<Map.Entry<SelectionKey, Throwable>> it = closing.entrySet().iterator();
            Map.Entry<SelectionKey, Throwable> e = it.next();
            it.remove();
            SelectionKey key = e.getKey();
            key.cancel();
            try {
                key.channel().close();
            } catch (IOException ignored) {
                // closing a socket has nothing useful to report
            }
            if (key.attachment() instanceof Handler h) {
                guarded(() -> h.closed(e.getValue()));
            }
            n++;
        }
        return n;
    }

    /** Errors in one task never kill the loop; they are reported and the loop goes on. */
    private void guarded(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            warnings.accept("error on the loop: " + e);
            taskErrors.accept(e);
        } catch (InternalError e) {
            mappedFaults.accept(e);
        }
    }

    /** When the nearest live timer is due, or Long.MAX_VALUE: a simulation moves its clock there when idle. */
    public long nextTimerMillis() {
        Timer t = peekLiveTimer();
        return t == null ? Long.MAX_VALUE : t.deadlineMillis;
    }

    /** Timers still pending (not cancelled); for tests. */
    int pendingTimers() {
        int n = 0;
        for (Timer t : timers) {
            n += t.cancelled ? 0 : 1;
        }
        return n;
    }
}
