package skiff.mse;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import skiff.peer.PeerStream;

/**
 * An outgoing stream that opens with an encrypted handshake and, when the peer refuses it, dials
 * once more in plaintext, as libtorrent's pe_enabled does: many clients accept only plain
 * handshakes. The connection above hears one connect (or one failure) either way, and writes
 * nothing before it, so nothing needs replaying. Loop thread only.
 */
public final class PlainRetry implements PeerStream {
    /** Opens a fresh plain stream to the same peer. */
    public interface Dialer {
        PeerStream dial() throws IOException;
    }

    private final Dialer dialer;
    private PeerStream current;
    private Events up;
    private boolean retried;

    public PlainRetry(MseStream encrypted, Dialer dialer) {
        this.current = encrypted;
        this.dialer = dialer;
    }

    /** Whether the plain second attempt is the one in use. */
    public boolean retried() {
        return retried;
    }

    @Override
    public void start(Events events) throws IOException {
        up = events;
        current.start(new Attempt(current));
    }

    private void retry(String why) {
        retried = true;
        try {
            current = dialer.dial();
            current.start(new Attempt(current));
        } catch (IOException e) {
            up.connectFailed(why + "; plaintext: " + e.getMessage());
        }
    }

    @Override
    public boolean connected() {
        return current.connected();
    }

    @Override
    public void wantWrite(boolean want) {
        current.wantWrite(want);
    }

    @Override
    public void release() {
        current.release();
    }

    @Override
    public WritableByteChannel fileTarget() {
        return current.fileTarget();
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return current.read(dst);
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        return current.read(dsts, offset, length);
    }

    @Override
    public long read(ByteBuffer[] dsts) throws IOException {
        return current.read(dsts);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        return current.write(src);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        return current.write(srcs, offset, length);
    }

    @Override
    public long write(ByteBuffer[] srcs) throws IOException {
        return current.write(srcs);
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

    /** One attempt's events: passed up while it is the current one, the first's failure turned into the retry. */
    private final class Attempt implements Events {
        private final PeerStream stream;

        Attempt(PeerStream stream) {
            this.stream = stream;
        }

        @Override
        public void connected() {
            if (stream == current) {
                up.connected();
            }
        }

        @Override
        public void connectFailed(String why) {
            if (stream != current) {
                return;
            }
            if (!retried && stream instanceof MseStream m && m.handshakeFailed()) {
                retry(why);
            } else {
                up.connectFailed(why);
            }
        }

        @Override
        public void readable() throws IOException {
            if (stream == current) {
                up.readable();
            }
        }

        @Override
        public void writable() {
            if (stream == current) {
                up.writable();
            }
        }

        @Override
        public void closed(Throwable cause) {
            if (stream == current) {
                up.closed(cause);
            }
        }
    }
}
