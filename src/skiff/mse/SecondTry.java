package skiff.mse;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import skiff.peer.PeerStream;

/**
 * An outgoing stream that may give way to a second connection to the same peer, the other way
 * round (encrypted after plain, or plain after encrypted): the connection above sees one stream
 * throughout. Events of an attempt that was given up are dropped. Loop thread only.
 */
public abstract sealed class SecondTry implements PeerStream permits PlainRetry, EncryptedRetry {
    /** Opens a fresh stream to the same peer. */
    public interface Dialer {
        PeerStream dial() throws IOException;
    }

    private final Dialer dialer;
    PeerStream current;
    Events up;
    boolean retried;

    SecondTry(PeerStream first, Dialer dialer) {
        this.current = first;
        this.dialer = dialer;
    }

    /** Whether the second attempt is the one in use. */
    public boolean retried() {
        return retried;
    }

    @Override
    public void start(Events events) throws IOException {
        up = events;
        current.start(new Attempt(current));
    }

    /** Gives up the first attempt for a second; false when that one cannot even be opened. */
    final boolean redial() {
        retried = true;
        current.release();
        try {
            current = dialer.dial();
            current.start(new Attempt(current));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    // What the attempt in use says; a subclass decides where it leads.

    void attemptConnected(PeerStream s) {
        up.connected();
    }

    void attemptConnectFailed(PeerStream s, String why) {
        up.connectFailed(why);
    }

    void attemptReadable() throws IOException {
        up.readable();
    }

    void attemptWritable() {
        up.writable();
    }

    void attemptClosed(Throwable cause) {
        up.closed(cause);
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
    public int write(ByteBuffer src) throws IOException {
        return current.write(src);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        return current.write(srcs, offset, length);
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

    /** One attempt's events, heard only while it is the one in use. */
    private final class Attempt implements Events {
        private final PeerStream stream;

        Attempt(PeerStream stream) {
            this.stream = stream;
        }

        @Override
        public void connected() {
            if (stream == current) {
                attemptConnected(stream);
            }
        }

        @Override
        public void connectFailed(String why) {
            if (stream == current) {
                attemptConnectFailed(stream, why);
            }
        }

        @Override
        public void readable() throws IOException {
            if (stream == current) {
                attemptReadable();
            }
        }

        @Override
        public void writable() {
            if (stream == current) {
                attemptWritable();
            }
        }

        @Override
        public void closed(Throwable cause) {
            if (stream == current) {
                attemptClosed(cause);
            }
        }
    }
}
