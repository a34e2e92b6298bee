package skiff.cli;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.function.Consumer;

/**
 * SIGINT and SIGTERM handled by skiff itself rather than by JVM shutdown hooks, so that the exit
 * code and a second Ctrl-C are ours to decide. Uses sun.misc.Signal (jdk.unsupported) through
 * reflection; where it is missing, the JVM's default handling stays. The handler only posts work
 * to the loop.
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
            Object proxy = Proxy.newProxyInstance(Signals.class.getClassLoader(), new Class<?>[] {signalHandler},
                (p, m, a) -> {
                    if (m.getName().equals("handle")) {
                        handler.accept((String) getName.invoke(a[0]));
                    }
                    return null;
                });
            String[] names = {"INT", "TERM", "WINCH"};
            Object[] signals = new Object[names.length];
            Object[] previous = new Object[names.length];
            for (int i = 0; i < names.length; i++) {
                try {
                    signals[i] = signal.getConstructor(String.class).newInstance(names[i]);
                    previous[i] = handle.invoke(null, signals[i], proxy);
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
        } catch (ReflectiveOperationException | RuntimeException e) {
            return () -> { };
        }
    }
}
