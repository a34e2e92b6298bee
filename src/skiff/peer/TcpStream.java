package skiff.peer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import skiff.loop.EventLoop;
import skiff.loop.Handler;

/** A peer stream over a non-blocking TCP socket registered with the loop. */
public final class TcpStream implements PeerStream, Handler {
    private final EventLoop loop;
    private final SocketChannel channel;
    private Events events;
    private SelectionKey key;

    /** {@code channel}: connected (accepted), or with a connect under way (dialled). */
    public TcpStream(EventLoop loop, SocketChannel channel) {
        this.loop = loop;
        this.channel = channel;
    }

    @Override
    public void start(Events events) throws IOException {
        this.events = events;
        boolean connecting = !channel.isConnected();
        key = loop.register(channel, connecting ? SelectionKey.OP_CONNECT : SelectionKey.OP_READ, this);
        if (!connecting) {
            events.connected();
        }
    }

    @Override
    public boolean connected() {
        return channel.isConnected();
    }

    @Override
    public void ready(SelectionKey k) throws IOException {
        if (k.isConnectable()) {
            try {
                if (!channel.finishConnect()) {
                    return;
                }
            } catch (IOException e) {
                events.connectFailed(e.getMessage());
                return;
            }
            k.interestOps(SelectionKey.OP_READ);
            events.connected();
        }
        if (k.isValid() && k.isWritable()) {
            events.writable();
        }
        if (k.isValid() && k.isReadable()) {
            events.readable();
        }
    }

    @Override
    public void wantWrite(boolean want) {
        if (key == null || !key.isValid()) {
            return;
        }
        int ops = key.interestOps();
        int next = want ? ops | SelectionKey.OP_WRITE : ops & ~SelectionKey.OP_WRITE;
        if (next != ops) {
            key.interestOps(next);
        }
    }

    @Override
    public void release() {
        if (key != null) {
            loop.close(key, null);
        } else {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing to report on a socket we are dropping
            }
        }
    }

    @Override
    public void closed(Throwable cause) {
        if (events != null) {
            events.closed(cause);
        }
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return channel.read(dst);
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        return channel.read(dsts, offset, length);
    }

    @Override
    public long read(ByteBuffer[] dsts) throws IOException {
        return channel.read(dsts);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        return channel.write(src);
    }

    @Override
    public java.nio.channels.WritableByteChannel fileTarget() {
        return channel; // a SocketChannel: transferTo becomes sendfile
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        return channel.write(srcs, offset, length);
    }

    @Override
    public long write(ByteBuffer[] srcs) throws IOException {
        return channel.write(srcs);
    }

    @Override
    public boolean isOpen() {
        return channel.isOpen();
    }

    /** Closes at once; the connection uses {@link #release()}. */
    @Override
    public void close() throws IOException {
        channel.close();
    }
}
