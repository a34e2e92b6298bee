package skiff.mse;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import skiff.peer.PeerStream;

/**
 * An outgoing plain stream that, when the peer closes it before saying a word, dials once more
 * with an encrypted handshake and replays what we had sent (our BitTorrent handshake): a peer
 * that requires encryption drops a plain handshake unanswered. The connection above sees one
 * connection throughout; while the second one shakes hands its reads return nothing. A peer that
 * answered anything at all is never retried. Loop thread only.
 */
public final class EncryptedRetry implements PeerStream {
    /** Bytes kept for a replay: our handshake is 68; more written before the peer spoke ends the chance. */
    static final int MAX_REPLAY = 1024;

    private final PlainRetry.Dialer dialer;
    private PeerStream current;
    private Events up;
    private ByteBuffer sent = ByteBuffer.allocate(MAX_REPLAY); // write mode; null once the peer spoke
    private boolean retrying;
    private boolean retried;
    private boolean upWants;

    /** {@code dialer}: a fresh encrypted stream to the same peer. */
    public EncryptedRetry(PeerStream plain, PlainRetry.Dialer dialer) {
        this.current = plain;
        this.dialer = dialer;
    }

    /** Whether the encrypted second attempt is the one in use. */
    public boolean retried() {
        return retried;
    }

    @Override
    public void start(Events events) throws IOException {
        up = events;
        current.start(new Attempt(current));
    }

    /** The peer closed before a word: false when that is final (it spoke, or this is the retry already). */
    private boolean retry() {
        if (sent == null || retried) {
            return false;
        }
        retried = true;
        retrying = true;
        current.release();
        try {
            current = dialer.dial();
            current.start(new Attempt(current));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private void heard() {
        sent = null; // the peer spoke: whatever happens now is its answer, not a refusal of plaintext
    }

    @Override
    public boolean connected() {
        return !retrying && current.connected();
    }

    @Override
    public void wantWrite(boolean want) {
        upWants = want;
        if (!retrying) {
            current.wantWrite(want);
        }
    }

    @Override
    public void release() {
        current.release();
    }

    @Override
    public WritableByteChannel fileTarget() {
        return retrying ? this : current.fileTarget();
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (retrying) {
            return 0;
        }
        int n;
        try {
            n = current.read(dst);
        } catch (IOException e) {
            if (retry()) {
                return 0;
            }
            throw e;
        }
        return (int) afterRead(n);
    }

    private long afterRead(long n) {
        if (n < 0 && retry()) {
            return 0;
        }
        if (n > 0 && sent != null) {
            heard();
        }
        return n;
    }

    @Override
    public long read(ByteBuffer[] dsts) throws IOException {
        return read(dsts, 0, dsts.length);
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        if (retrying) {
            return 0;
        }
        long n;
        try {
            n = length == 1 ? current.read(dsts[offset]) : current.read(dsts, offset, length);
        } catch (IOException e) {
            if (retry()) {
                return 0;
            }
            throw e;
        }
        return afterRead(n);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        if (sent == null && !retrying) {
            return current.write(src); // past the peer's first word: straight through
        }
        return (int) write(new ByteBuffer[] {src}, 0, 1);
    }

    @Override
    public long write(ByteBuffer[] srcs) throws IOException {
        return write(srcs, 0, srcs.length);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        if (retrying) {
            return 0;
        }
        if (sent == null) {
            return current.write(srcs, offset, length);
        }
        int[] from = new int[length]; // until the peer speaks, what we send is kept for a replay
        for (int i = 0; i < length; i++) {
            from[i] = srcs[offset + i].position();
        }
        long n = length == 1 ? current.write(srcs[offset]) : current.write(srcs, offset, length);
        for (int i = 0; sent != null && i < length; i++) {
            ByteBuffer s = srcs[offset + i];
            int k = s.position() - from[i];
            if (k > sent.remaining()) {
                heard(); // too much to replay: no retry for this one
            } else if (k > 0) {
                sent.put(s.duplicate().position(from[i]).limit(s.position()));
            }
        }
        return n;
    }

    @Override
    public String transport() {
        return current.transport() + (retried ? " (second try)" : "");
    }

    @Override
    public boolean isOpen() {
        return current.isOpen();
    }

    @Override
    public void close() throws IOException {
        current.close();
    }

    /** One attempt's events: passed up while it is the current one; the retry's connect replays our bytes. */
    private final class Attempt implements Events {
        private final PeerStream stream;

        Attempt(PeerStream stream) {
            this.stream = stream;
        }

        @Override
        public void connected() {
            if (stream != current) {
                return;
            }
            if (!retrying) {
                up.connected();
                return;
            }
            try {
                ByteBuffer replay = sent.flip();
                sent = null;
                stream.write(replay);
                if (replay.hasRemaining()) {
                    up.closed(new IOException("could not replay the handshake"));
                    return;
                }
            } catch (IOException e) {
                up.closed(e);
                return;
            }
            retrying = false;
            stream.wantWrite(upWants);
        }

        @Override
        public void connectFailed(String why) {
            if (stream != current) {
                return;
            }
            if (retrying) {
                up.closed(new IOException("encrypted retry: " + why));
            } else {
                up.connectFailed(why);
            }
        }

        @Override
        public void readable() throws IOException {
            if (stream == current && !retrying) {
                up.readable();
            }
        }

        @Override
        public void writable() {
            if (stream == current && !retrying) {
                up.writable();
            }
        }

        @Override
        public void closed(Throwable cause) {
            if (stream != current) {
                return;
            }
            if (retrying || cause == null || !retry()) {
                up.closed(cause);
            }
        }
    }
}
