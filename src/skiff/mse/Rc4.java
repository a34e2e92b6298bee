package skiff.mse;

import java.nio.ByteBuffer;

/**
 * One direction's RC4 keystream, applied in place to byte ranges of heap or direct buffers; MSE
 * discards its first 1024 bytes. Written here rather than taken from the JDK's ARCFOUR: loading
 * the JCE (javax.crypto and the SunJCE provider, with its policy checks) for it cost 2.1 MiB of
 * private memory in the image, a seventh of a whole download's. Loop thread only.
 */
final class Rc4 {
    /** MSE: "the first 1024 bytes of the RC4 output are discarded". */
    static final int DISCARD = 1024;
    private static final int SCRATCH = 4096;

    private final byte[] s = new byte[256];
    private int i;
    private int j;
    private byte[] scratch;

    Rc4(byte[] key) {
        this(key, DISCARD);
    }

    /** {@code discard}: keystream bytes dropped first (tests check the plain cipher's vectors with 0). */
    Rc4(byte[] key, int discard) {
        for (int k = 0; k < 256; k++) {
            s[k] = (byte) k;
        }
        for (int k = 0, m = 0; k < 256; k++) { // the key schedule
            m = (m + (s[k] & 0xff) + (key[k % key.length] & 0xff)) & 0xff;
            byte t = s[k];
            s[k] = s[m];
            s[m] = t;
        }
        crypt(new byte[discard], 0, discard);
    }

    /** Encrypts (or decrypts: the same) {@code b[off, off+len)} in place. */
    void crypt(byte[] b, int off, int len) {
        byte[] st = s;
        int x = i;
        int y = j;
        for (int k = off, end = off + len; k < end; k++) {
            x = (x + 1) & 0xff;
            int sx = st[x] & 0xff;
            y = (y + sx) & 0xff;
            int sy = st[y] & 0xff;
            st[x] = (byte) sy;
            st[y] = (byte) sx;
            b[k] ^= st[(sx + sy) & 0xff];
        }
        i = x;
        j = y;
    }

    /** Encrypts {@code buf}'s bytes [from, to) in place, leaving its position and limit alone. */
    void crypt(ByteBuffer buf, int from, int to) {
        if (buf.hasArray()) {
            crypt(buf.array(), buf.arrayOffset() + from, to - from);
            return;
        }
        if (scratch == null) {
            scratch = new byte[SCRATCH];
        }
        for (int at = from; at < to; ) {
            int n = Math.min(SCRATCH, to - at);
            buf.get(at, scratch, 0, n);
            crypt(scratch, 0, n);
            buf.put(at, scratch, 0, n);
            at += n;
        }
    }
}
