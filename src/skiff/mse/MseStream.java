package skiff.mse;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.Random;
import java.util.function.Function;
import skiff.peer.PeerStream;

/**
 * A peer stream that runs the MSE handshake over the stream beneath, then carries the payload
 * RC4-encrypted or plain, as the handshake chose. The connection above sees a stream that
 * connects (or becomes readable) only once the handshake is done. Writes under RC4 are encrypted
 * into a buffer of our own, never in the caller's (they may be a file's mapped bytes). Plaintext
 * after the handshake costs nothing: reads, writes and sendfile go straight through.
 * Loop thread only.
 */
public final class MseStream implements PeerStream {
    /** Encrypted bytes held for the socket at most; the caller sees the rest as not yet written. */
    static final int SEND_BYTES = 16 * 1024;

    private final PeerStream inner;
    /** Null once done: its buffers (3 KiB) are not kept for the connection's life. */
    private MseHandshake handshake;
    private int selected;
    private byte[] infoHash;
    private final Beneath beneath = new Beneath();
    private Events up;
    private ByteBuffer payload = ByteBuffer.allocate(0); // came with the handshake, for the first reads
    private ByteBuffer sending = ByteBuffer.allocate(0); // read mode: for the peer, not yet written
    private byte[] sendSpace;
    private Rc4 decrypt;
    private Rc4 encrypt;
    private boolean done;
    private boolean over;
    private boolean upWants;
    private final boolean initiator;
    private boolean adopted;
    private boolean handshakeFailed;

    private MseStream(PeerStream inner, MseHandshake handshake, boolean initiator) {
        this.inner = inner;
        this.handshake = handshake;
        this.initiator = initiator;
    }

    /** An outgoing stream that opens with an encrypted handshake for {@code infoHash}. */
    public static MseStream dial(PeerStream inner, byte[] infoHash, int methods, Random random) {
        return new MseStream(inner, MseHandshake.initiator(infoHash, methods, random), true);
    }

    /** An accepted stream that must open with an encrypted handshake; started with the stream beneath. */
    public static MseStream answer(PeerStream inner, int methods, boolean preferRc4, Function<byte[], byte[]> torrents,
                                   Random random) {
        return new MseStream(inner, MseHandshake.responder(methods, preferRc4, torrents, random), false);
    }

    /**
     * Takes over an accepted stream whose first bytes, {@code head}, were not a plain handshake:
     * {@code inner} is started already, and its owner passes its events to {@link #beneath()}.
     * {@code torrents} maps HASH('req2', SKEY) to the info-hashes we run.
     */
    public static MseStream accept(PeerStream inner, ByteBuffer head, int methods, boolean preferRc4,
                                   Function<byte[], byte[]> torrents, Random random) {
        MseStream s = answer(inner, methods, preferRc4, torrents, random);
        s.adopted = true;
        s.handshake.input().put(head);
        return s;
    }

    /** Where the stream beneath reports, for an owner that started it ({@link #accept}). */
    public Events beneath() {
        return beneath;
    }

    /** The peer took the connection but not the encrypted handshake (refused it, or broke it). */
    public boolean handshakeFailed() {
        return handshakeFailed;
    }

    /** PLAINTEXT or RC4 once the handshake is done, else 0. */
    public int selected() {
        return selected;
    }

    /** The torrent the handshake agreed on. */
    public byte[] infoHash() {
        return done ? infoHash.clone() : null;
    }

    @Override
    public void start(Events events) throws IOException {
        up = events;
        if (adopted) {
            beneath.readable();
        } else {
            inner.start(beneath);
        }
    }

    @Override
    public boolean connected() {
        return done && inner.connected();
    }

    @Override
    public void wantWrite(boolean want) {
        upWants = want;
        inner.wantWrite(want || sending.hasRemaining());
    }

    @Override
    public void release() {
        over = true;
        inner.release();
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (!done) {
            return 0;
        }
        int n = 0;
        if (payload.hasRemaining()) {
            n = Math.min(payload.remaining(), dst.remaining());
            dst.put(payload.slice(payload.position(), n));
            payload.position(payload.position() + n);
            if (payload.hasRemaining()) {
                return n;
            }
        }
        int from = dst.position();
        int more = inner.read(dst);
        if (more > 0 && decrypt != null) {
            decrypt.crypt(dst, from, dst.position());
        }
        return more < 0 ? (n > 0 ? n : -1) : n + more;
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        if (!done) {
            return 0;
        }
        long n = 0;
        for (int i = offset; i < offset + length && payload.hasRemaining(); i++) {
            int k = Math.min(payload.remaining(), dsts[i].remaining());
            dsts[i].put(payload.slice(payload.position(), k));
            payload.position(payload.position() + k);
            n += k;
        }
        if (payload.hasRemaining()) {
            return n;
        }
        if (decrypt == null) {
            long more = length == 1 ? inner.read(dsts[offset]) : inner.read(dsts, offset, length);
            return more < 0 ? (n > 0 ? n : -1) : n + more;
        }
        int[] from = new int[length];
        for (int i = 0; i < length; i++) {
            from[i] = dsts[offset + i].position();
        }
        long more = length == 1 ? inner.read(dsts[offset]) : inner.read(dsts, offset, length);
        for (int i = 0; i < length && more > 0; i++) {
            ByteBuffer d = dsts[offset + i];
            if (d.position() > from[i]) {
                decrypt.crypt(d, from[i], d.position());
            }
        }
        return more < 0 ? (n > 0 ? n : -1) : n + more;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        if (done && encrypt == null && !sending.hasRemaining()) {
            return inner.write(src); // plaintext: straight through, as most writes on such a connection
        }
        return (int) write(new ByteBuffer[] {src}, 0, 1);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        if (!done || !flush()) {
            return 0;
        }
        if (encrypt == null) {
            return length == 1 ? inner.write(srcs[offset]) : inner.write(srcs, offset, length);
        }
        if (sendSpace == null) {
            sendSpace = new byte[SEND_BYTES];
        }
        long taken = 0;
        int i = offset;
        while (i < offset + length) {
            int n = 0;
            for (; i < offset + length && n < SEND_BYTES; i++) {
                int k = Math.min(srcs[i].remaining(), SEND_BYTES - n);
                srcs[i].get(sendSpace, n, k);
                n += k;
                if (srcs[i].hasRemaining()) {
                    break;
                }
            }
            if (n == 0) {
                break;
            }
            encrypt.crypt(sendSpace, 0, n);
            sending = ByteBuffer.wrap(sendSpace, 0, n);
            taken += n;
            if (!flush()) {
                break; // the rest waits: the caller sees it as not yet written
            }
        }
        return taken;
    }

    /** Writes what is held; true when nothing is left, else asks to hear when the socket drains. */
    private boolean flush() throws IOException {
        if (sending.hasRemaining()) {
            inner.write(sending);
            if (sending.hasRemaining()) {
                inner.wantWrite(true);
                return false;
            }
        }
        return true;
    }

    @Override
    public WritableByteChannel fileTarget() {
        // plaintext: a file's bytes may go by sendfile once nothing of ours is waiting before them
        return done && encrypt == null && !sending.hasRemaining() ? inner.fileTarget() : this;
    }

    @Override
    public String transport() {
        if (!done) {
            return inner.transport() + ", encrypted handshake under way";
        }
        return inner.transport() + (encrypt != null ? ", encrypted (RC4)" : ", encrypted handshake, plaintext payload");
    }

    @Override
    public boolean isOpen() {
        return inner.isOpen();
    }

    @Override
    public void close() throws IOException {
        over = true;
        inner.close();
    }

    private void fail(MseException e) {
        if (over) {
            return;
        }
        over = true;
        handshakeFailed = true;
        inner.release();
        if (initiator) {
            up.connectFailed("encrypted handshake: " + e.getMessage());
        } else {
            up.closed(e); // the router counts why
        }
    }

    /** The handshake finished: keys in place, the payload that came with it queued for reading. */
    private void finished() throws IOException {
        done = true;
        selected = handshake.selected();
        infoHash = handshake.infoHash();
        Rc4[] keys = handshake.payloadCiphers();
        if (keys != null) {
            decrypt = keys[0];
            encrypt = keys[1];
        }
        sending = handshake.output();
        payload = ByteBuffer.wrap(handshake.payload());
        handshake = null;
        flush();
        if (initiator) {
            up.connected();
        }
        if (payload.hasRemaining() && !over) {
            up.readable();
        }
        if (upWants && !over && !sending.hasRemaining()) {
            up.writable(); // it asked before the handshake let it write
        }
    }

    /** The events of the stream beneath: the handshake's until it is done, then the caller's. */
    private final class Beneath implements Events {
        @Override
        public void connected() {
            if (!initiator) {
                up.connected(); // an accepted stream starts connected; its handshake comes with its bytes
                return;
            }
            try {
                sending = handshake.output();
                flush();
            } catch (IOException e) {
                fail(new MseException("cannot send: " + e.getMessage()));
            }
        }

        @Override
        public void connectFailed(String why) {
            if (!over) {
                over = true;
                up.connectFailed(why);
            }
        }

        @Override
        public void readable() throws IOException {
            if (done) {
                up.readable();
                return;
            }
            try {
                for (;;) {
                    handshake.advance();
                    if (handshake.done()) {
                        break;
                    }
                    int n = inner.read(handshake.input());
                    if (n < 0) {
                        throw new MseException("peer closed the connection");
                    }
                    if (n == 0) {
                        break;
                    }
                }
            } catch (MseException e) {
                fail(e);
                return;
            }
            sending = handshake.output();
            flush();
            if (handshake.done()) {
                finished();
            }
        }

        @Override
        public void writable() {
            try {
                if (!flush()) {
                    return;
                }
            } catch (IOException e) {
                fail(new MseException("cannot send: " + e.getMessage()));
                return;
            }
            if (done && upWants) {
                up.writable();
            } else {
                inner.wantWrite(false);
            }
        }

        @Override
        public void closed(Throwable cause) {
            if (!over) {
                over = true;
                up.closed(cause);
            }
        }
    }
}
