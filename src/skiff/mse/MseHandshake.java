package skiff.mse;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Random;
import java.util.function.Function;

/**
 * The Message Stream Encryption handshake (MSE/PE, the spec Azureus and libtorrent share), as a
 * pure state machine: bytes from the peer go into {@link #input()}, {@link #advance()} moves on,
 * bytes for the peer come out of {@link #output()}. No sockets, no clock, so it is unit-tested
 * and fuzzed alone; {@link MseStream} runs it over a peer stream.
 *
 * <pre>
 * 1 A-&gt;B: Ya, PadA
 * 2 B-&gt;A: Yb, PadB
 * 3 A-&gt;B: HASH('req1', S), HASH('req2', SKEY) xor HASH('req3', S),
 *         ENCRYPT(VC, crypto_provide, len(PadC), PadC, len(IA)), ENCRYPT(IA)
 * 4 B-&gt;A: ENCRYPT(VC, crypto_select, len(PadD), PadD), ENCRYPT2(payload)
 * 5 A-&gt;B: ENCRYPT2(payload)
 * </pre>
 * We send an empty IA as initiator: the BitTorrent handshake follows as payload, once the peer
 * has chosen plaintext or RC4 for it.
 */
public final class MseHandshake {
    /** crypto_provide and crypto_select bits. */
    public static final int PLAINTEXT = 0x01;
    public static final int RC4 = 0x02;
    /** The spec's 768-bit prime; the generator is 2. */
    static final BigInteger P = new BigInteger("FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B"
        + "139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A63A3621"
        + "0000000000090563", 16);
    public static final int KEY_BYTES = 96;
    /** Every pad is 0 to 512 bytes; the receiver gives up on a sync not found within it. */
    static final int MAX_PAD = 512;
    static final int VC_BYTES = 8;
    static final int HASH_BYTES = 20;
    /** An initial payload longer than a handshake and an extension handshake is refused. */
    static final int MAX_IA = 2048;
    /** Our own pads: short, as libtorrent's are; the spec allows up to 512. */
    static final int OUR_MAX_PAD = 64;
    private static final int CAPACITY = KEY_BYTES + MAX_PAD + 2 * HASH_BYTES + VC_BYTES + 8 + MAX_PAD + MAX_IA + 16;

    private enum Step { PUBLIC_KEY, SYNC, REQUEST, PAD_C, INITIAL_PAYLOAD, SELECT, PAD_D, DONE }

    private final boolean initiator;
    private final int methods;
    private final boolean preferRc4;
    private final Function<byte[], byte[]> torrents;
    private final Random random;
    private final BigInteger privateKey;
    private final MessageDigest sha1;
    private final ByteBuffer in = ByteBuffer.allocate(CAPACITY); // write mode: [0, position) received
    private ByteBuffer out = ByteBuffer.allocate(0);
    private int consumed;
    private Step step = Step.PUBLIC_KEY;
    private byte[] secret;
    private byte[] skey;
    private byte[] sync;
    private int syncFrom;
    private int need;
    private int selected;
    private Rc4 decrypt;
    private Rc4 encrypt;
    private byte[] payload;

    private MseHandshake(boolean initiator, int methods, boolean preferRc4, byte[] skey, Function<byte[], byte[]> torrents,
                         Random random) {
        if ((methods & (PLAINTEXT | RC4)) == 0) {
            throw new IllegalArgumentException("no method: " + methods);
        }
        this.initiator = initiator;
        this.methods = methods & (PLAINTEXT | RC4);
        this.preferRc4 = preferRc4;
        this.skey = skey;
        this.torrents = torrents;
        this.random = random;
        this.sha1 = sha1();
        // the spec asks for at least 128 bits of private key; 160 as libtorrent and Transmission use
        this.privateKey = new BigInteger(160, random).setBit(159);
        queue(publicKey(), pad());
        need = KEY_BYTES;
    }

    /** We dial: {@code infoHash} is the SKEY; {@code methods} what we offer for the payload. */
    public static MseHandshake initiator(byte[] infoHash, int methods, Random random) {
        return new MseHandshake(true, methods, false, infoHash.clone(), null, random);
    }

    /**
     * The peer dialled: {@code torrents} maps HASH('req2', SKEY) to the info-hash of a torrent we
     * run, or null; of the methods the peer offers and {@code methods} allows, RC4 wins only when
     * {@code preferRc4}, as libtorrent's prefer_rc4.
     */
    public static MseHandshake responder(int methods, boolean preferRc4, Function<byte[], byte[]> torrents, Random random) {
        return new MseHandshake(false, methods, preferRc4, null, torrents, random);
    }

    /** HASH('req2', infoHash): what a responder looks an incoming SKEY up by. */
    public static byte[] requestKey(byte[] infoHash) {
        MessageDigest d = sha1();
        d.update(ascii("req2"));
        return d.digest(infoHash);
    }

    /** Where the peer's bytes go: read into it, then call {@link #advance()}. Empty once done. */
    public ByteBuffer input() {
        return step == Step.DONE ? ByteBuffer.allocate(0) : in;
    }

    /** Bytes to send the peer, in order; the caller drains it. */
    public ByteBuffer output() {
        return out;
    }

    public boolean done() {
        return step == Step.DONE;
    }

    /** PLAINTEXT or RC4, once done. */
    public int selected() {
        return selected;
    }

    /** The torrent agreed on (the responder learns it from the peer). */
    public byte[] infoHash() {
        return skey == null ? null : skey.clone();
    }

    /** Payload bytes that came with the handshake, already decrypted; once done. */
    public byte[] payload() {
        return payload;
    }

    /** The keystreams for the payload when RC4 was selected: [decrypt, encrypt]; null for plaintext. */
    Rc4[] payloadCiphers() {
        return selected == RC4 ? new Rc4[] {decrypt, encrypt} : null;
    }

    /** Takes in what {@link #input()} received; throws when the peer broke the handshake. */
    public void advance() throws MseException {
        while (step != Step.DONE && in.position() - consumed >= need) {
            switch (step) {
                case PUBLIC_KEY -> publicKeyIn();
                case SYNC -> {
                    if (!findSync()) {
                        return;
                    }
                }
                case REQUEST -> request();
                case PAD_C -> padC();
                case INITIAL_PAYLOAD -> initialPayload();
                case SELECT -> select();
                case PAD_D -> padD();
                default -> throw new IllegalStateException(step.toString());
            }
        }
        if (step != Step.DONE && !in.hasRemaining()) {
            throw new MseException("encrypted handshake too long");
        }
    }

    private void publicKeyIn() throws MseException {
        BigInteger y = new BigInteger(1, take(KEY_BYTES));
        if (y.compareTo(BigInteger.ONE) <= 0 || y.compareTo(P.subtract(BigInteger.ONE)) >= 0) {
            throw new MseException("bad encrypted-handshake key");
        }
        secret = unsigned(y.modPow(privateKey, P));
        syncFrom = consumed;
        if (initiator) {
            decrypt = new Rc4(hash("keyB", secret, skey));
            encrypt = new Rc4(hash("keyA", secret, skey));
            sync = new byte[VC_BYTES];
            decrypt.crypt(sync, 0, VC_BYTES); // the peer's encrypted VC: eight zeros under its keystream
            byte[] padC = pad();
            byte[] rest = ByteBuffer.allocate(VC_BYTES + 4 + 2 + padC.length + 2)
                .put(new byte[VC_BYTES]).putInt(methods).putShort((short) padC.length).put(padC).putShort((short) 0).array();
            encrypt.crypt(rest, 0, rest.length);
            queue(hash("req1", secret, null), xor(hash("req2", skey, null), hash("req3", secret, null)), rest);
        } else {
            queue(publicKey(), pad());
            sync = hash("req1", secret, null);
        }
        need = sync.length;
        step = Step.SYNC;
    }

    /** Looks for the sync pattern after the peer's key and pad; false while it may still come. */
    private boolean findSync() throws MseException {
        byte[] b = in.array();
        int end = in.position();
        int limit = syncFrom + MAX_PAD + sync.length;
        for (int at = consumed; at + sync.length <= Math.min(end, limit); at++) {
            if (java.util.Arrays.equals(b, at, at + sync.length, sync, 0, sync.length)) {
                consumed = at + sync.length;
                need = initiator ? 4 + 2 : HASH_BYTES + VC_BYTES + 4 + 2;
                step = initiator ? Step.SELECT : Step.REQUEST;
                return true;
            }
        }
        if (end >= limit) {
            throw new MseException("encrypted handshake out of sync");
        }
        consumed = Math.max(consumed, end - sync.length + 1); // what is searched is not searched again
        return false;
    }

    private void request() throws MseException {
        byte[] key = xor(take(HASH_BYTES), hash("req3", secret, null));
        skey = torrents.apply(key);
        if (skey == null) {
            throw new MseException("encrypted handshake for a torrent we do not run", true);
        }
        decrypt = new Rc4(hash("keyA", secret, skey));
        encrypt = new Rc4(hash("keyB", secret, skey));
        ByteBuffer head = ByteBuffer.wrap(decrypted(VC_BYTES + 4 + 2));
        if (head.getLong() != 0) {
            throw new MseException("bad encrypted-handshake verification");
        }
        int provided = head.getInt();
        selected = choose(provided & methods);
        need = padLength(head.getShort()) + 2;
        step = Step.PAD_C;
    }

    private int choose(int common) throws MseException {
        if (common == 0) {
            throw new MseException("no encryption method in common");
        }
        if ((common & RC4) != 0 && (preferRc4 || (common & PLAINTEXT) == 0)) {
            return RC4;
        }
        return PLAINTEXT;
    }

    private void padC() throws MseException {
        byte[] b = decrypted(need);
        int ia = ((b[need - 2] & 0xff) << 8) | (b[need - 1] & 0xff);
        if (ia > MAX_IA) {
            throw new MseException("encrypted handshake's initial payload too long");
        }
        need = ia;
        step = Step.INITIAL_PAYLOAD;
    }

    private void initialPayload() {
        byte[] ia = decrypted(need);
        byte[] padD = pad();
        byte[] reply = ByteBuffer.allocate(VC_BYTES + 4 + 2 + padD.length)
            .put(new byte[VC_BYTES]).putInt(selected).putShort((short) padD.length).put(padD).array();
        encrypt.crypt(reply, 0, reply.length);
        queue(reply);
        finish(ia);
    }

    private void select() throws MseException {
        ByteBuffer b = ByteBuffer.wrap(decrypted(4 + 2));
        selected = b.getInt();
        if ((selected != PLAINTEXT && selected != RC4) || (selected & methods) == 0) {
            throw new MseException("peer chose an encryption method we did not offer");
        }
        need = padLength(b.getShort());
        step = Step.PAD_D;
    }

    private void padD() {
        decrypted(need);
        finish(new byte[0]);
    }

    /** Done: what came after the handshake joins the initial payload, decrypted when RC4 goes on. */
    private void finish(byte[] initial) {
        int rest = in.position() - consumed;
        byte[] after = take(rest);
        if (selected == RC4) {
            decrypt.crypt(after, 0, after.length);
        }
        payload = new byte[initial.length + rest];
        System.arraycopy(initial, 0, payload, 0, initial.length);
        System.arraycopy(after, 0, payload, initial.length, rest);
        step = Step.DONE;
    }

    private static int padLength(short raw) throws MseException {
        int n = raw & 0xffff;
        if (n > MAX_PAD) {
            throw new MseException("encrypted handshake's pad too long");
        }
        return n;
    }

    private byte[] take(int n) {
        byte[] b = java.util.Arrays.copyOfRange(in.array(), consumed, consumed + n);
        consumed += n;
        return b;
    }

    private byte[] decrypted(int n) {
        byte[] b = take(n);
        decrypt.crypt(b, 0, n);
        return b;
    }

    private byte[] publicKey() {
        return unsigned(BigInteger.TWO.modPow(privateKey, P));
    }

    private byte[] pad() {
        byte[] p = new byte[random.nextInt(OUR_MAX_PAD + 1)];
        random.nextBytes(p);
        return p;
    }

    private void queue(byte[]... parts) {
        int n = out.remaining();
        for (byte[] p : parts) {
            n += p.length;
        }
        ByteBuffer next = ByteBuffer.allocate(n).put(out);
        for (byte[] p : parts) {
            next.put(p);
        }
        out = next.flip();
    }

    private byte[] hash(String label, byte[] a, byte[] b) {
        sha1.update(ascii(label));
        sha1.update(a);
        if (b != null) {
            sha1.update(b);
        }
        return sha1.digest();
    }

    /** A key or secret as the spec sends it: 96 bytes, big-endian, zeros in front. */
    private static byte[] unsigned(BigInteger v) {
        byte[] raw = v.toByteArray();
        byte[] out = new byte[KEY_BYTES];
        int n = Math.min(raw.length, KEY_BYTES);
        System.arraycopy(raw, raw.length - n, out, KEY_BYTES - n, n);
        return out;
    }

    private static byte[] xor(byte[] a, byte[] b) {
        byte[] out = new byte[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = (byte) (a[i] ^ b[i]);
        }
        return out;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static MessageDigest sha1() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
