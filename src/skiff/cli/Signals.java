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

    static void install(Consumer<String> handler) {
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
            for (String name : new String[] {"INT", "TERM"}) {
                handle.invoke(null, signal.getConstructor(String.class).newInstance(name), proxy);
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            // default JVM signal handling: still a clean stop through the loop is not guaranteed
        }
    }
}
