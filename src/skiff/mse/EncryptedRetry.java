package skiff.mse;

import skiff.peer.SecondTry;

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
public final class EncryptedRetry extends SecondTry {
    /** Bytes kept for a replay: our handshake is 68; more written before the peer spoke ends the chance. */
    static final int MAX_REPLAY = 1024;

    private ByteBuffer sent = ByteBuffer.allocate(MAX_REPLAY); // write mode; null once the peer spoke
    private boolean retrying;
    private boolean upWants;

    /** {@code dialer}: a fresh encrypted stream to the same peer. */
    public EncryptedRetry(PeerStream plain, Dialer dialer) {
        super(plain, dialer);
    }

    /** The peer closed before a word: false when that is final (it spoke, or this is the retry already). */
    private boolean retry() {
        if (sent == null || retried) {
            return false;
        }
        retrying = true;
        return redial();
    }

    @Override
    protected void attemptConnected(PeerStream s) {
        if (!retrying) {
            up.connected();
            return;
        }
        try {
            ByteBuffer replay = sent.flip();
            sent = null;
            s.write(replay);
            if (replay.hasRemaining()) {
                up.closed(new IOException("could not replay the handshake"));
                return;
            }
        } catch (IOException e) {
            up.closed(e);
            return;
        }
        retrying = false;
        s.wantWrite(upWants);
    }

    @Override
    protected void attemptConnectFailed(PeerStream s, String why) {
        if (retrying) {
            up.closed(new IOException("encrypted retry: " + why));
        } else {
            up.connectFailed(why);
        }
    }

    @Override
    protected void attemptReadable() throws IOException {
        if (!retrying) {
            up.readable();
        }
    }

    @Override
    protected void attemptWritable() {
        if (!retrying) {
            up.writable();
        }
    }

    @Override
    protected void attemptClosed(Throwable cause) {
        if (retrying || cause == null || !retry()) {
            up.closed(cause);
        }
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

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        if (retrying) {
            return 0;
        }
        long n;
        try {
            n = current.read(dsts, offset, length);
        } catch (IOException e) {
            if (retry()) {
                return 0;
            }
            throw e;
        }
        return afterRead(n);
    }

    private long afterRead(long n) {
        if (n < 0 && retry()) {
            return 0;
        }
        if (n > 0) {
            sent = null; // the peer spoke: whatever happens now is its answer, not a refusal of plaintext
        }
        return n;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        if (sent == null && !retrying) {
            return current.write(src); // past the peer's first word: straight through
        }
        return (int) write(new ByteBuffer[] {src}, 0, 1);
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
        long n = current.write(srcs, offset, length);
        for (int i = 0; sent != null && i < length; i++) {
            ByteBuffer s = srcs[offset + i];
            int k = s.position() - from[i];
            if (k > sent.remaining()) {
                sent = null; // too much to replay: no second try for this one
            } else if (k > 0) {
                sent.put(s.duplicate().position(from[i]).limit(s.position()));
            }
        }
        return n;
    }
}
