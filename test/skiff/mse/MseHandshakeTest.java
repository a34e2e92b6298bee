package skiff.mse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MseHandshakeTest {
    private static final byte[] INFO_HASH = "0123456789abcdefghij".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] REQUEST_KEY = MseHandshake.requestKey(INFO_HASH);

    private static byte[] lookup(byte[] key) {
        return Arrays.equals(key, REQUEST_KEY) ? INFO_HASH : null;
    }

    /** Moves every queued byte from one side to the other, {@code chunk} at a time, until neither has more. */
    private static void exchange(MseHandshake a, MseHandshake b, int chunk) throws MseException {
        for (int round = 0; round < 10_000; round++) {
            boolean moved = move(a, b, chunk) | move(b, a, chunk);
            if (!moved) {
                return;
            }
        }
        throw new AssertionError("the handshake never settled");
    }

    private static boolean move(MseHandshake from, MseHandshake to, int chunk) throws MseException {
        ByteBuffer out = from.output();
        if (!out.hasRemaining() || to.done()) {
            return false;
        }
        ByteBuffer in = to.input();
        int n = Math.min(Math.min(chunk, out.remaining()), in.remaining());
        ByteBuffer part = out.slice(out.position(), n);
        in.put(part);
        out.position(out.position() + n);
        to.advance();
        return true;
    }

    @Test
    void thePrimeIsTheSpecs768BitPrime() {
        assertEquals(768, MseHandshake.P.bitLength());
        assertTrue(MseHandshake.P.isProbablePrime(40));
    }

    @Test
    void bothSidesAgreeOnPlaintextWhenTheResponderDoesNotPreferRc4() throws MseException {
        Random r = new Random(1);
        MseHandshake a = MseHandshake.initiator(INFO_HASH, MseHandshake.PLAINTEXT | MseHandshake.RC4, r);
        MseHandshake b = MseHandshake.responder(MseHandshake.PLAINTEXT | MseHandshake.RC4, false, MseHandshakeTest::lookup, r);
        exchange(a, b, 7);
        assertTrue(a.done() && b.done());
        assertEquals(MseHandshake.PLAINTEXT, a.selected());
        assertEquals(MseHandshake.PLAINTEXT, b.selected());
        assertArrayEquals(INFO_HASH, b.infoHash());
        assertEquals(0, b.payload().length, "we send no initial payload");
        assertEquals(null, a.payloadCiphers());
    }

    @Test
    void rc4KeysMatchAcrossTheTwoSides() throws MseException {
        for (int seed = 0; seed < 20; seed++) {
            Random r = new Random(seed);
            MseHandshake a = MseHandshake.initiator(INFO_HASH, MseHandshake.PLAINTEXT | MseHandshake.RC4, r);
            MseHandshake b = MseHandshake.responder(MseHandshake.PLAINTEXT | MseHandshake.RC4, true, MseHandshakeTest::lookup, r);
            exchange(a, b, 1 + seed * 13);
            assertEquals(MseHandshake.RC4, a.selected());
            assertEquals(MseHandshake.RC4, b.selected());
            byte[] text = "\u0013BitTorrent protocol and then some".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            byte[] wire = text.clone();
            a.payloadCiphers()[1].crypt(wire, 0, wire.length);
            assertFalse(Arrays.equals(text, wire));
            b.payloadCiphers()[0].crypt(wire, 0, wire.length);
            assertArrayEquals(text, wire, "seed " + seed);
            byte[] back = text.clone();
            b.payloadCiphers()[1].crypt(back, 0, back.length);
            a.payloadCiphers()[0].crypt(back, 0, back.length);
            assertArrayEquals(text, back);
        }
    }

    @Test
    void bytesThatFollowTheHandshakeComeOutAsPayload() throws MseException {
        Random r = new Random(3);
        MseHandshake a = MseHandshake.initiator(INFO_HASH, MseHandshake.RC4, r);
        MseHandshake b = MseHandshake.responder(MseHandshake.PLAINTEXT | MseHandshake.RC4, false, MseHandshakeTest::lookup, r);
        move(a, b, 10_000);
        move(b, a, 10_000);
        move(a, b, 10_000); // b is done and has queued its reply
        ByteBuffer reply = b.output();
        byte[] hello = {1, 2, 3, 4, 5};
        b.payloadCiphers()[1].crypt(hello, 0, hello.length);
        ByteBuffer in = a.input();
        in.put(reply).put(hello);
        a.advance();
        assertTrue(a.done());
        assertEquals(MseHandshake.RC4, a.selected());
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5}, a.payload());
    }

    @Test
    void anUnknownTorrentIsSaidApart() throws MseException {
        Random r = new Random(4);
        MseHandshake a = MseHandshake.initiator("another torrent hash".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
            MseHandshake.PLAINTEXT, r);
        MseHandshake b = MseHandshake.responder(MseHandshake.PLAINTEXT, false, MseHandshakeTest::lookup, r);
        MseException e = assertThrows(MseException.class, () -> exchange(a, b, 100));
        assertTrue(e.unknownTorrent());
    }

    @Test
    void noMethodInCommonFails() {
        Random r = new Random(5);
        MseHandshake a = MseHandshake.initiator(INFO_HASH, MseHandshake.PLAINTEXT, r);
        MseHandshake b = MseHandshake.responder(MseHandshake.RC4, true, MseHandshakeTest::lookup, r);
        MseException e = assertThrows(MseException.class, () -> exchange(a, b, 100));
        assertFalse(e.unknownTorrent());
    }

    @Test
    void aKeyOutOfRangeIsRefused() {
        MseHandshake b = MseHandshake.responder(MseHandshake.PLAINTEXT, false, MseHandshakeTest::lookup, new Random(6));
        b.input().put(new byte[MseHandshake.KEY_BYTES - 1]).put((byte) 1); // Ya = 1
        assertThrows(MseException.class, b::advance);
        MseHandshake c = MseHandshake.responder(MseHandshake.PLAINTEXT, false, MseHandshakeTest::lookup, new Random(6));
        byte[] p = MseHandshake.P.subtract(BigInteger.ONE).toByteArray();
        c.input().put(p, p.length - MseHandshake.KEY_BYTES, MseHandshake.KEY_BYTES); // Ya = P - 1
        assertThrows(MseException.class, c::advance);
    }

    @Test
    void aSyncMissingPastTheLongestPadFails() throws MseException {
        Random r = new Random(7);
        MseHandshake a = MseHandshake.initiator(INFO_HASH, MseHandshake.PLAINTEXT, r);
        MseHandshake b = MseHandshake.responder(MseHandshake.PLAINTEXT, false, MseHandshakeTest::lookup, r);
        ByteBuffer ya = a.output();
        b.input().put(ya.slice(ya.position(), MseHandshake.KEY_BYTES)); // the key alone, no pad
        b.advance();
        b.input().put(new byte[MseHandshake.MAX_PAD + MseHandshake.HASH_BYTES - 1]);
        b.advance(); // one byte short of the limit: the sync may still come
        assertFalse(b.done());
        b.input().put((byte) 0);
        assertThrows(MseException.class, b::advance);
    }

    @Test
    void aPadLongerThanTheSpecAllowsFails() throws MseException {
        Random r = new Random(8);
        MseHandshake a = MseHandshake.initiator(INFO_HASH, MseHandshake.PLAINTEXT, r);
        MseHandshake b = MseHandshake.responder(MseHandshake.PLAINTEXT, false, MseHandshakeTest::lookup, r);
        move(a, b, 10_000);
        move(b, a, 10_000);
        // tamper with the encrypted len(PadC): the two bytes after VC and crypto_provide
        ByteBuffer step3 = a.output();
        int at = step3.position() + 2 * MseHandshake.HASH_BYTES + MseHandshake.VC_BYTES + 4;
        step3.put(at, (byte) (step3.get(at) ^ 0x40));
        MseException e = assertThrows(MseException.class, () -> move(a, b, 10_000));
        assertTrue(e.getMessage().contains("pad"), e.getMessage());
    }
}
