package skiff.utp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** The ring under a uTP stream: order kept across wrapping and growth, and when its array goes. */
class ByteRingTest {
    private static byte[] counting(int from, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (from + i);
        }
        return b;
    }

    @Test
    void bytesComeOutInOrderAcrossWrapsAndGrowth() {
        ByteRing ring = new ByteRing(1 << 20);
        int in = 0;
        int out = 0;
        ByteBuffer dst = ByteBuffer.allocate(1 << 20);
        // uneven puts and takes wrap the 4 KiB first array many times, then make it grow
        for (int round = 0; round < 200; round++) {
            int n = 700 + round * 37 % 1500;
            if (round % 2 == 0) {
                ring.put(ByteBuffer.wrap(counting(in, n)));
            } else {
                ring.put(counting(in - 5, n + 5), 5, n);
            }
            in += n;
            dst.clear().limit(round < 150 ? n - 300 : 0);
            out += ring.take(dst);
            byte[] got = new byte[dst.flip().remaining()];
            dst.get(got);
            assertArrayEquals(counting(out - got.length, got.length), got, "round " + round);
        }
        assertEquals(in - out, ring.size());
        assertEquals(in, ring.end());
        dst.clear();
        ring.take(dst);
        assertArrayEquals(counting(out, in - out), java.util.Arrays.copyOf(dst.array(), in - out));
    }

    @Test
    void theArrayGoesOnlyAfterATickWithNothingPutAndNothingHeld() {
        ByteRing ring = new ByteRing(1 << 16);
        ring.put(ByteBuffer.wrap(new byte[100]));
        ring.take(ByteBuffer.allocate(100));
        assertEquals(ByteRing.FIRST_BYTES, ring.capacity(), "emptied by a read: kept for the next packet");
        ring.trim();
        assertEquals(ByteRing.FIRST_BYTES, ring.capacity(), "put since the last tick: kept");
        ring.put(ByteBuffer.wrap(new byte[10]));
        ring.trim();
        ring.trim();
        assertEquals(ByteRing.FIRST_BYTES, ring.capacity(), "holding bytes: kept");
        ring.discardTo(ring.end());
        ring.trim();
        assertEquals(0, ring.capacity(), "empty and idle for a tick: given back");
    }

    @Test
    void aPutPastTheCapIsRefused() {
        ByteRing ring = new ByteRing(4096);
        ring.put(new byte[4000], 0, 4000);
        assertThrows(IllegalArgumentException.class, () -> ring.put(new byte[100], 0, 100));
        assertEquals(96, ring.put(ByteBuffer.wrap(new byte[100])), "a buffer gives what fits");
    }
}
