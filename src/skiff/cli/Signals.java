package skiff.cli;

import java.lang.invoke.LambdaMetafactory;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.util.function.Consumer;

/**
 * SIGINT and SIGTERM handled by skiff itself rather than by JVM shutdown hooks, so that the exit
 * code and a second Ctrl-C are ours to decide. Uses sun.misc.Signal (jdk.unsupported) through
 * reflection (javac's warning for naming sun.misc under --release cannot be turned off); where it
 * is missing, the JVM's default handling stays. The handler only posts work to the loop.
 */
final class Signals {
    private Signals() {
    }

    /** Installs {@code handler} for INT, TERM and WINCH (the terminal resized); the returned action puts the previous handlers back. */
    static Runnable install(Consumer<String> handler) {
        try {
            Class<?> signal = Class.forName("sun.misc.Signal");
            Class<?> signalHandler = Class.forName("sun.misc.SignalHandler");
            Method handle = signal.getMethod("handle", signal, signalHandler);
            Method getName = signal.getMethod("getName");
            Object ours = handlerFor(signal, signalHandler, getName, handler);
            String[] names = {"INT", "TERM", "WINCH"};
            Object[] signals = new Object[names.length];
            Object[] previous = new Object[names.length];
            for (int i = 0; i < names.length; i++) {
                try {
                    signals[i] = signal.getConstructor(String.class).newInstance(names[i]);
                    previous[i] = handle.invoke(null, signals[i], ours);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    signals[i] = null; // not on this system (WINCH off Unix): without it
                }
            }
            return () -> {
                for (int i = 0; i < names.length; i++) {
                    try {
                        if (signals[i] != null) {
                            handle.invoke(null, signals[i], previous[i]);
                        }
                    } catch (ReflectiveOperationException | RuntimeException e) {
                        // leave ours in place
                    }
                }
            };
        } catch (Throwable e) { // whatever the reflection or the metafactory refused: without ours
            return () -> { };
        }
    }

    /**
     * A sun.misc.SignalHandler made as javac makes a lambda. A java.lang.reflect.Proxy did the same,
     * but it generated its class at every start, which the class-data archive cannot hold, and loaded
     * 40 classes more.
     */
    private static Object handlerFor(Class<?> signal, Class<?> signalHandler, Method getName, Consumer<String> handler)
        throws Throwable {
        MethodHandles.Lookup lookup = MethodHandles.lookup();
        MethodType handle = MethodType.methodType(void.class, signal);
        return LambdaMetafactory.metafactory(lookup, "handle",
                MethodType.methodType(signalHandler, Method.class, Consumer.class), handle,
                lookup.findStatic(Signals.class, "onSignal",
                    MethodType.methodType(void.class, Method.class, Consumer.class, Object.class)),
                handle)
            .getTarget().invoke(getName, handler);
    }

    private static void onSignal(Method getName, Consumer<String> handler, Object signal) {
        try {
            handler.accept((String) getName.invoke(signal));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e); // getName is public and takes nothing
        }
    }
}
