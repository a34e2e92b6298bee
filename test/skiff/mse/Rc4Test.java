package skiff.mse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class Rc4Test {
    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] crypt(String key, String text) {
        byte[] b = ascii(text);
        new Rc4(ascii(key), 0).crypt(b, 0, b.length);
        return b;
    }

    /** The cipher's published test vectors (key, plaintext, ciphertext). */
    @Test
    void knownVectors() {
        assertArrayEquals(HexFormat.of().parseHex("bbf316e8d940af0ad3"), crypt("Key", "Plaintext"));
        assertArrayEquals(HexFormat.of().parseHex("1021bf0420"), crypt("Wiki", "pedia"));
        assertArrayEquals(HexFormat.of().parseHex("45a01f645fc35b383552544b9bf5"), crypt("Secret", "Attack at dawn"));
    }

    /** Against the JDK's ARCFOUR, with MSE's discard, in uneven pieces, through heap and direct buffers. */
    @Test
    void matchesTheJdksArcfourAfterTheDiscard() throws Exception {
        Random r = new Random(9);
        byte[] key = new byte[20];
        r.nextBytes(key);
        byte[] data = new byte[100_000];
        r.nextBytes(data);
        Cipher jdk = Cipher.getInstance("ARCFOUR");
        jdk.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "ARCFOUR"));
        jdk.update(new byte[Rc4.DISCARD]);
        byte[] want = jdk.update(data);
        Rc4 ours = new Rc4(key);
        ByteBuffer direct = ByteBuffer.allocateDirect(data.length).put(data);
        ByteBuffer heap = ByteBuffer.wrap(data.clone());
        Rc4 ours2 = new Rc4(key);
        for (int at = 0; at < data.length; ) {
            int n = Math.min(data.length - at, 1 + r.nextInt(9000));
            ours.crypt(direct, at, at + n);
            ours2.crypt(heap, at, at + n);
            at += n;
        }
        byte[] got = new byte[data.length];
        direct.get(0, got);
        assertArrayEquals(want, got);
        assertArrayEquals(want, heap.array());
    }
}
