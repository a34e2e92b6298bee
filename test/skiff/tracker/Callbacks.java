package skiff.tracker;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Turns tracker callbacks into futures a test can wait on, with a bound. */
final class Callbacks {
    private Callbacks() {
    }

    static <T> Tracker.Callback<T> into(CompletableFuture<T> f) {
        return new Tracker.Callback<>() {
            @Override
            public void succeeded(T value) {
                f.complete(value);
            }

            @Override
            public void failed(String reason) {
                f.completeExceptionally(new TrackerException(reason));
            }
        };
    }

    /** The failure reason, or throws if it succeeded. */
    static String failure(CompletableFuture<?> f, long seconds) throws Exception {
        try {
            Object v = f.get(seconds, TimeUnit.SECONDS);
            throw new AssertionError("expected a failure, got " + v);
        } catch (ExecutionException e) {
            return e.getCause().getMessage();
        }
    }
}
