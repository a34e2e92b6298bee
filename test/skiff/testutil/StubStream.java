package skiff.testutil;

import java.io.IOException;
import java.nio.ByteBuffer;
import skiff.peer.PeerStream;

/** A peer stream that does nothing: tests override what they watch or drive. */
public class StubStream implements PeerStream {
    /** What the stream was started with, to drive by hand. */
    public Events events;
    public boolean released;

    @Override
    public void start(Events e) throws IOException {
        events = e;
    }

    @Override
    public boolean connected() {
        return true;
    }

    @Override
    public void wantWrite(boolean want) {
    }

    @Override
    public void release() {
        released = true;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return 0;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        return 0;
    }

    @Override
    public boolean isOpen() {
        return !released;
    }

    @Override
    public void close() {
        released = true;
    }
}
