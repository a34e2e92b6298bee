package skiff.swarm;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.function.Consumer;
import skiff.loop.EventLoop;
import skiff.loop.Handler;
import skiff.storage.StorageException;

/** The listening socket for incoming peers. Bound early so that a port in use is reported at once. */
final class Listener implements Handler {
    /** Connections accepted per readiness event, so that a connect flood cannot hold the loop. */
    static final int ACCEPTS_PER_TURN = 32;

    private final ServerSocketChannel server;
    private Consumer<SocketChannel> accepted;
    private SelectionKey key;

    private Listener(ServerSocketChannel server) {
        this.server = server;
    }

    /** Binds {@code address}; a port in use becomes a one-line error that suggests --port. */
    static Listener bind(InetSocketAddress address) throws StorageException {
        try {
            ServerSocketChannel s = ServerSocketChannel.open();
            s.configureBlocking(false);
            s.bind(address, 64);
            return new Listener(s);
        } catch (BindException e) {
            throw new StorageException("port " + address.getPort() + " is in use (choose another with --port)");
        } catch (IOException e) {
            throw new StorageException("cannot listen on " + address + ": " + e.getMessage());
        }
    }

    int port() {
        return server.socket().getLocalPort();
    }

    void start(EventLoop loop, Consumer<SocketChannel> onAccept) throws IOException {
        this.accepted = onAccept;
        key = loop.register(server, SelectionKey.OP_ACCEPT, this);
    }

    @Override
    public void ready(SelectionKey k) throws IOException {
        for (int i = 0; i < ACCEPTS_PER_TURN; i++) {
            SocketChannel c = server.accept();
            if (c == null) {
                return;
            }
            c.configureBlocking(false);
            accepted.accept(c);
        }
    }

    @Override
    public void closed(Throwable cause) {
        // the loop is stopping, or the socket failed: no more incoming peers either way
    }

    void close(EventLoop loop) {
        if (key != null) {
            loop.close(key, null);
        } else {
            try {
                server.close();
            } catch (IOException ignored) {
                // nothing to do
            }
        }
    }
}
