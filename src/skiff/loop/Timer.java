package skiff.loop;

/** A scheduled task on the loop; cancel it to keep it from running. */
public final class Timer implements Comparable<Timer> {
    final long deadlineMillis;
    final long sequence;
    final Runnable task;
    boolean cancelled;

    Timer(long deadlineMillis, long sequence, Runnable task) {
        this.deadlineMillis = deadlineMillis;
        this.sequence = sequence;
        this.task = task;
    }

    public void cancel() {
        cancelled = true;
    }

    public boolean cancelled() {
        return cancelled;
    }

    public long deadlineMillis() {
        return deadlineMillis;
    }

    @Override
    public int compareTo(Timer o) {
        int c = Long.compare(deadlineMillis, o.deadlineMillis);
        return c != 0 ? c : Long.compare(sequence, o.sequence);
    }
}
