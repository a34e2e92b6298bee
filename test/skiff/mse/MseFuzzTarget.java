package skiff.mse;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

/**
 * MSE: the first byte picks the side (even: we answer, odd: we dialled), the rest is what the peer
 * sends, fed in uneven chunks. Keys come from fixed seeds, so the corpus (written by {@link #main})
 * holds real handshakes that mutations bend past the sync, into the encrypted fields. Fails on
 * anything but an {@link MseException}, and on a handshake that yields more than it was given.
 */
public final class MseFuzzTarget {
    static final byte[] INFO_HASH = "fuzzing info hash 01".getBytes(StandardCharsets.US_ASCII);
    private static final int BOTH = MseHandshake.PLAINTEXT | MseHandshake.RC4;

    private static byte[] lookup(byte[] key) {
        return Arrays.equals(key, MseHandshake.requestKey(INFO_HASH)) ? INFO_HASH : null;
    }

    private static MseHandshake side(boolean initiator) {
        return initiator ? MseHandshake.initiator(INFO_HASH, BOTH, new Random(12))
            : MseHandshake.responder(BOTH, true, MseFuzzTarget::lookup, new Random(11));
    }

    public static void run(byte[] in) {
        if (in.length == 0) {
            return;
        }
        MseHandshake h = side((in[0] & 1) != 0);
        int at = 1;
        try {
            for (int turn = 0; at < in.length && !h.done(); turn++) {
                ByteBuffer room = h.input();
                int n = Math.min(Math.min(1 + (turn * 37 + in.length) % 211, in.length - at), room.remaining());
                room.put(in, at, n);
                at += n;
                h.advance();
                if (n == 0) {
                    break;
                }
            }
        } catch (MseException expected) {
            return;
        }
        if (h.done() && h.payload().length > in.length) {
            throw new AssertionError("a payload of " + h.payload().length + " bytes from " + in.length);
        }
        if (h.output().remaining() > 2 * MseHandshake.KEY_BYTES + 2 * MseHandshake.OUR_MAX_PAD + 64) {
            throw new AssertionError("an answer of " + h.output().remaining() + " bytes");
        }
    }

    /** Writes the seed corpus: both sides of a handshake that completes, with payload after it. */
    public static void main(String[] args) throws Exception {
        Path dir = Files.createDirectories(Path.of(args.length > 0 ? args[0] : "test/fuzz-corpus/mse"));
        MseHandshake a = side(true);
        MseHandshake b = side(false);
        java.io.ByteArrayOutputStream toB = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream toA = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < 10 && !(a.done() && b.done()); i++) {
            move(a, b, toB);
            move(b, a, toA);
        }
        byte[] tail = "\u0013BitTorrent protocol".getBytes(StandardCharsets.US_ASCII);
        write(dir.resolve("answer"), 0, toB.toByteArray(), tail);
        write(dir.resolve("dial"), 1, toA.toByteArray(), tail);
        write(dir.resolve("answer-key-only"), 0, Arrays.copyOf(toB.toByteArray(), MseHandshake.KEY_BYTES), new byte[0]);
    }

    private static void move(MseHandshake from, MseHandshake to, java.io.ByteArrayOutputStream log) throws MseException {
        ByteBuffer out = from.output();
        byte[] b = new byte[out.remaining()];
        out.get(b);
        log.write(b, 0, b.length);
        if (!to.done()) {
            to.input().put(b);
            to.advance();
        }
    }

    private static void write(Path file, int role, byte[] body, byte[] tail) throws Exception {
        byte[] all = new byte[1 + body.length + tail.length];
        all[0] = (byte) role;
        System.arraycopy(body, 0, all, 1, body.length);
        System.arraycopy(tail, 0, all, 1 + body.length, tail.length);
        Files.write(file, all);
    }
}
