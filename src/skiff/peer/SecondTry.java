package skiff.peer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;

/**
 * An outgoing stream that may give way to a second connection to the same peer, made another way
 * (encrypted after plain or plain after encrypted; uTP after TCP or TCP after uTP): the connection
 * above sees one stream throughout. Events of an attempt that was given up are dropped. A subclass
 * decides, from what the attempt in use says, when to try again. Loop thread only.
 */
public abstract class SecondTry implements PeerStream {
    /** Opens a fresh stream to the same peer. */
    public interface Dialer {
        PeerStream dial() throws IOException;
    }

    private final Dialer dialer;
    protected PeerStream current;
    protected Events up;
    protected boolean retried;

    protected SecondTry(PeerStream first, Dialer dialer) {
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
    protected final boolean redial() {
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

    protected void attemptConnected(PeerStream s) {
        up.connected();
    }

    protected void attemptConnectFailed(PeerStream s, String why) {
        up.connectFailed(why);
    }

    protected void attemptReadable() throws IOException {
        up.readable();
    }

    protected void attemptWritable() {
        up.writable();
    }

    protected void attemptClosed(Throwable cause) {
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
