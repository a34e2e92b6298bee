package skiff.session;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import skiff.loop.EventLoop;
import skiff.loop.Handler;
import skiff.peer.PeerStream;
import skiff.peer.TcpStream;
import skiff.storage.StorageException;
import skiff.swarm.PeerNetwork;

/**
 * Peers over TCP: the session's listening socket (bound early, so a port in use is reported at
 * once) and dials. Incoming connections go to the session's {@link Router}.
 */
final class TcpNetwork implements PeerNetwork, Handler {
    /** Connections accepted per readiness event, so that a connect flood cannot hold the loop. */
    static final int ACCEPTS_PER_TURN = 32;

    private final EventLoop loop;
    private final ServerSocketChannel server;
    private Acceptor acceptor;
    private SelectionKey key;

    private TcpNetwork(EventLoop loop, ServerSocketChannel server) {
        this.loop = loop;
        this.server = server;
    }

    /** Binds {@code address}; a port in use becomes a one-line error that suggests --port. */
    static TcpNetwork bind(EventLoop loop, InetSocketAddress address) throws StorageException {
        try {
            ServerSocketChannel s = ServerSocketChannel.open();
            s.configureBlocking(false);
            s.bind(address, 64);
            return new TcpNetwork(loop, s);
        } catch (BindException e) {
            String why = e.getMessage() == null ? "" : e.getMessage();
            if (why.contains("in use")) {
                throw new StorageException("port " + address.getPort() + " is in use (choose another with --port)");
            }
            // not a local address (--bind), or a privileged port: say what the system said
            throw new StorageException("cannot listen on " + where(address) + ": " + lowerFirst(why));
        } catch (IOException e) {
            throw new StorageException("cannot listen on " + where(address) + ": " + lowerFirst(String.valueOf(e.getMessage())));
        }
    }

    private static String where(InetSocketAddress a) {
        return a.getAddress() == null || a.getAddress().isAnyLocalAddress() ? "port " + a.getPort()
            : a.getAddress().getHostAddress() + " port " + a.getPort();
    }

    private static String lowerFirst(String s) {
        return s.isEmpty() ? s : Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }

    @Override
    public int port() {
        return server.socket().getLocalPort();
    }

    @Override
    public void listen(Acceptor acceptor) throws IOException {
        this.acceptor = acceptor;
        key = loop.register(server, SelectionKey.OP_ACCEPT, this);
    }

    @Override
    public PeerStream dial(InetSocketAddress address) throws IOException {
        SocketChannel ch = SocketChannel.open();
        try {
            ch.configureBlocking(false);
            ch.connect(address);
            return new TcpStream(loop, ch);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    @Override
    public void ready(SelectionKey k) throws IOException {
        for (int i = 0; i < ACCEPTS_PER_TURN; i++) {
            SocketChannel c = server.accept();
            if (c == null) {
                return;
            }
            InetSocketAddress from;
            try {
                c.configureBlocking(false);
                from = (InetSocketAddress) c.getRemoteAddress();
            } catch (IOException e) {
                c.close();
                continue;
            }
            acceptor.accepted(new TcpStream(loop, c), from);
        }
    }

    @Override
    public void closed(Throwable cause) {
        // the loop is stopping, or the socket failed: no more incoming peers either way
    }

    @Override
    public void close() {
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
