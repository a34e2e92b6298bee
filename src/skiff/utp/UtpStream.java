package skiff.utp;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

import skiff.peer.PeerStream;

/**
 * A peer stream over a uTP connection: what the peer wire codec (and MSE) sees, as over TCP. An
 * error the connection above throws from an event ends this connection alone, with a RESET.
 */
final class UtpStream implements PeerStream, UtpSocket.Listener {
    private final UtpEndpoint endpoint;
    private final InetSocketAddress peer;
    private UtpSocket socket;
    private Events events;
    private boolean open = true;
    private boolean againQueued;

    /** Outgoing: the connection opens at {@link #start}. */
    UtpStream(UtpEndpoint endpoint, InetSocketAddress to) {
        this.endpoint = endpoint;
        this.peer = to;
    }

    /** Incoming: the connection exists (our STATE answered its SYN). */
    UtpStream(UtpEndpoint endpoint, UtpSocket socket, InetSocketAddress from) {
        this.endpoint = endpoint;
        this.peer = from;
        this.socket = socket;
    }

    @Override
    public void start(Events e) throws IOException {
        this.events = e;
        if (socket == null) {
            socket = endpoint.open(peer, this);
            if (socket == null) {
                throw new IOException("too many uTP connections");
            }
            return;
        }
        socket.listener(this);
        e.connected();
        if (socket.hasReadable()) {
            readable(); // bytes that came with or right after the SYN
        }
    }

    @Override
    public boolean connected() {
        return socket != null && socket.connected();
    }

    @Override
    public void wantWrite(boolean want) {
        if (socket != null) {
            socket.wantWrite(want);
        }
    }

    @Override
    public void release() {
        open = false;
        if (socket != null) {
            socket.release();
        }
    }

    @Override
    public String transport() {
        return "utp";
    }

    // ---- from the connection, to the codec above ----

    @Override
    public void opened() {
        try {
            events.connected();
        } catch (RuntimeException e) {
            failed(e);
        }
    }

    @Override
    public void openFailed(String why) {
        events.connectFailed(why);
    }

    @Override
    public void readable() {
        int before = socket.buffered();
        try {
            events.readable();
        } catch (IOException | RuntimeException e) {
            failed(e);
            return;
        }
        // The reader takes a budget per turn; what it left is offered again next turn, as a
        // level-triggered socket would: no packet may come to prompt it while our window is full.
        // A reader that took nothing is waiting on purpose, and is not asked again and again.
        int after = socket.buffered();
        if (open && !againQueued && after > 0 && after < before) {
            againQueued = true;
            endpoint.loop().execute(() -> {
                againQueued = false;
                if (open && socket.buffered() > 0) {
                    readable();
                }
            });
        }
    }

    @Override
    public void writable() {
        try {
            events.writable();
        } catch (RuntimeException e) {
            failed(e);
        }
    }

    /** Received bytes not yet read. For tests. */
    int bufferedForTest() {
        return socket == null ? 0 : socket.buffered();
    }

    /** As if the connection above had thrown: the socket is reset. For tests. */
    void failedForTest() {
        failed(new IOException("test"));
    }

    private void failed(Exception e) {
        socket.abort();
        open = false;
        events.closed(e);
    }

    // ---- bytes ----

    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (socket == null) {
            return 0;
        }
        return socket.read(dst);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        if (socket == null || !socket.connected()) {
            return 0;
        }
        return socket.write(src);
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void close() {
        release();
    }
}
