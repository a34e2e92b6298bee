package skiff.storage;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.MappedByteBuffer;

/**
 * Releases a mapping now instead of at some later garbage collection (Java 17 has no public
 * unmap). Safe only because mapped windows never leave the loop thread. When the internal API
 * is missing, windows are simply left to the collector.
 */
final class Unmapper {
    private final Object unsafe;
    private final Method invokeCleaner;

    Unmapper() {
        Object u = null;
        Method m = null;
        try {
            Class<?> c = Class.forName("sun.misc.Unsafe");
            Field f = c.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            u = f.get(null);
            m = c.getMethod("invokeCleaner", java.nio.ByteBuffer.class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            u = null;
            m = null;
        }
        this.unsafe = u;
        this.invokeCleaner = m;
    }

    void unmap(MappedByteBuffer buffer) {
        if (invokeCleaner == null) {
            return;
        }
        try {
            invokeCleaner.invoke(unsafe, buffer);
        } catch (ReflectiveOperationException | RuntimeException e) {
            // left to the collector
        }
    }
}
