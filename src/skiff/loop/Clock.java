package skiff.loop;

/** Monotonic milliseconds, injected so that tests can move time by hand. */
@FunctionalInterface
public interface Clock {
    long nowMillis();

    static Clock system() {
        return () -> System.nanoTime() / 1_000_000L;
    }
}
