package skiff.loop;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Unpredictable bits from the operating system's source (/dev/urandom, which never blocks once
 * the kernel is seeded), read directly: {@code SecureRandom} gives the same bytes through the
 * JCA's provider machinery, which cost 0.4 MiB of private memory for one seed. Falls back to
 * {@code SecureRandom} where there is no /dev/urandom.
 */
public final class Entropy {
    private static final Path URANDOM = Path.of("/dev/urandom");

    private Entropy() {
    }

    /** Fills {@code b} from the system's source. */
    public static void fill(byte[] b) {
        try (InputStream in = Files.newInputStream(URANDOM)) {
            int n = 0;
            while (n < b.length) {
                int r = in.read(b, n, b.length - n);
                if (r < 0) {
                    break;
                }
                n += r;
            }
            if (n == b.length) {
                return;
            }
        } catch (IOException | UnsupportedOperationException e) {
            // no /dev/urandom here (Windows): the JDK's own source below
        }
        new java.security.SecureRandom().nextBytes(b);
    }

    /** A seed for a statistical generator (peer ids, picking, backoff jitter). */
    public static long seed() {
        byte[] b = new byte[8];
        fill(b);
        long v = 0;
        for (byte x : b) {
            v = (v << 8) | (x & 0xff);
        }
        return v;
    }

    /**
     * A {@link java.util.Random} whose every bit comes from the system's source, for secrets (MSE's
     * Diffie-Hellman keys): read 512 bytes at a time. One thread only.
     */
    public static java.util.Random secret() {
        return new java.util.Random() {
            private static final long serialVersionUID = 1L;
            private final byte[] pool = new byte[512];
            private int used = pool.length;

            @Override
            protected int next(int bits) {
                int v = 0;
                for (int k = 0; k < 4; k++) {
                    v = (v << 8) | (take() & 0xff);
                }
                return v >>> (32 - bits);
            }

            @Override
            public void nextBytes(byte[] bytes) {
                for (int k = 0; k < bytes.length; k++) {
                    bytes[k] = take();
                }
            }

            private byte take() {
                if (used == pool.length) {
                    fill(pool);
                    used = 0;
                }
                return pool[used++];
            }
        };
    }
}
