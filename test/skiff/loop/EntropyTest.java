package skiff.loop;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class EntropyTest {
    /** Not a test of randomness: that the bytes come, differ between draws, and cover the byte range. */
    @Test
    void drawsDifferAndCoverEveryByteValue() {
        assertNotEquals(Entropy.seed(), Entropy.seed());
        Random r = Entropy.secret();
        boolean[] seen = new boolean[256];
        byte[] b = new byte[4096];
        r.nextBytes(b); // past the 512-byte pool: refilled on the way
        for (byte x : b) {
            seen[x & 0xff] = true;
        }
        int distinct = 0;
        for (boolean s : seen) {
            distinct += s ? 1 : 0;
        }
        assertTrue(distinct > 240, distinct + " distinct byte values in 4096");
        int bound = 1000;
        for (int k = 0; k < 1000; k++) {
            int v = r.nextInt(bound);
            assertTrue(v >= 0 && v < bound);
        }
        assertNotEquals(new java.math.BigInteger(160, r), new java.math.BigInteger(160, r));
    }
}
