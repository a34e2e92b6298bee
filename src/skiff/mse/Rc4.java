package skiff.mse;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * One direction's RC4 keystream (the JDK's ARCFOUR), applied in place to byte ranges of heap or
 * direct buffers. MSE discards the first 1024 bytes of each keystream. Loop thread only.
 */
final class Rc4 {
    /** MSE: "the first 1024 bytes of the RC4 output are discarded". */
    static final int DISCARD = 1024;
    private static final int SCRATCH = 4096;

    private final Cipher cipher;
    private byte[] scratch;

    Rc4(byte[] key) {
        try {
            cipher = Cipher.getInstance("ARCFOUR");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "ARCFOUR"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no RC4 (ARCFOUR): " + e.getMessage(), e);
        }
        crypt(new byte[DISCARD], 0, DISCARD);
    }

    /** Encrypts (or decrypts: the same) {@code b[off, off+len)} in place. */
    void crypt(byte[] b, int off, int len) {
        try {
            cipher.update(b, off, len, b, off);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
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
