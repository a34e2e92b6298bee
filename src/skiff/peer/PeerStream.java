package skiff.peer;

import java.io.IOException;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.ScatteringByteChannel;

/**
 * The byte stream under the peer wire codec: TCP first; uTP and an encrypting layer (MSE) slot in
 * underneath later without touching the codec, and tests run the codec over memory. Reads and
 * writes never block: they take what is there. Loop thread only.
 */
public interface PeerStream extends ScatteringByteChannel, GatheringByteChannel {
    /** What the stream tells the connection above it, on the loop thread. */
    interface Events {
        /** An outgoing stream reached its peer (an incoming one starts connected). */
        void connected();

        void connectFailed(String why);

        /** Bytes (or the end of the stream) may be read. */
        void readable() throws IOException;

        /** Bytes left over by a write may now go out; only while {@link #wantWrite} asked. */
        void writable();

        /** The stream was closed beneath the connection (the loop stopping, or a handler error); null on a clean stop. */
        void closed(Throwable cause);
    }

    @Override
    default long read(java.nio.ByteBuffer[] dsts) throws IOException {
        return read(dsts, 0, dsts.length);
    }

    @Override
    default long write(java.nio.ByteBuffer[] srcs) throws IOException {
        return write(srcs, 0, srcs.length);
    }

    /** A scattering read by single reads, for a stream with no better way: it stops at a buffer left unfilled. */
    @Override
    default long read(java.nio.ByteBuffer[] dsts, int offset, int length) throws IOException {
        long total = 0;
        for (int i = offset; i < offset + length; i++) {
            if (!dsts[i].hasRemaining()) {
                continue;
            }
            int n = read(dsts[i]);
            if (n < 0) {
                return total == 0 ? -1 : total;
            }
            total += n;
            if (dsts[i].hasRemaining()) {
                break;
            }
        }
        return total;
    }

    /** A gathering write by single writes, for a stream with no better way: it stops at a buffer not wholly taken. */
    @Override
    default long write(java.nio.ByteBuffer[] srcs, int offset, int length) throws IOException {
        long total = 0;
        for (int i = offset; i < offset + length; i++) {
            total += write(srcs[i]);
            if (srcs[i].hasRemaining()) {
                break;
            }
        }
        return total;
    }

    /** Starts delivering events; an outgoing stream connects first. */
    void start(Events events) throws IOException;

    boolean connected();

    /** Asks to hear {@link Events#writable()} while bytes are left over, or stops asking. */
    void wantWrite(boolean want);

    /** Closes after this turn's dispatch: the connection has already said why, so no event follows. */
    void release();

    /**
     * Where a file's bytes may be sent straight, for {@code FileChannel.transferTo}: the socket
     * itself where the stream is a plain socket, so the kernel uses sendfile. Any other channel
     * gets them through a buffer storage reuses. A stream that changes the bytes (encryption)
     * answers itself.
     */
    default java.nio.channels.WritableByteChannel fileTarget() {
        return this;
    }

    /** How the bytes travel, for the debug log: "tcp", "tcp, encrypted (RC4)", ... */
    default String transport() {
        return "tcp";
    }
}
