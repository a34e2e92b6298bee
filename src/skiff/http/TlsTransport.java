package skiff.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/**
 * TLS driven by the loop through an {@link SSLEngine}: certificates are checked against the
 * context's trust store, SNI is sent and the host name is verified. The engine's delegated tasks
 * (key exchange, certificate path checks: milliseconds to tens of them on a small board) run on a
 * worker; the exchange is woken on the loop when they are done.
 */
final class TlsTransport implements Transport {
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final SocketChannel channel;
    private final SSLEngine engine;
    private ByteBuffer netIn;  // write mode: bytes from the socket not yet unwrapped
    private final ByteBuffer netOut; // read mode: encrypted bytes not yet on the socket
    private ByteBuffer appIn;  // read mode: decrypted bytes not yet handed out
    private final skiff.loop.Dns workers;
    private final Runnable wake;
    private boolean handshakeDone;
    private boolean inboundClosed;
    private boolean tasksRunning;

    /** {@code workers} runs the engine's delegated tasks; {@code wake} is called on the loop when they finish. */
    TlsTransport(SocketChannel channel, SSLContext context, String host, int port, skiff.loop.Dns workers, Runnable wake)
            throws SSLException {
        this.channel = channel;
        this.workers = workers;
        this.wake = wake;
        this.engine = context.createSSLEngine(host, port);
        engine.setUseClientMode(true);
        SSLParameters params = engine.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS");
        if (skiff.http.IpLiteral.parse(host) == null) {
            params.setServerNames(List.of(new SNIHostName(host)));
        }
        engine.setSSLParameters(params);
        int packet = engine.getSession().getPacketBufferSize();
        netIn = ByteBuffer.allocate(packet);
        netOut = ByteBuffer.allocate(packet).flip();
        appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize()).flip();
        engine.beginHandshake();
    }

    @Override
    public boolean handshake() throws IOException {
        while (!handshakeDone) {
            if (tasksRunning || !flush()) {
                return false;
            }
            switch (engine.getHandshakeStatus()) {
                case NOT_HANDSHAKING, FINISHED -> handshakeDone = true;
                case NEED_TASK -> {
                    runTasks();
                    return false;
                }
                case NEED_WRAP -> wrap(EMPTY);
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                    if (!unwrap()) {
                        return false;
                    }
                }
                default -> throw new SSLException("unexpected TLS state");
            }
        }
        return flush();
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        while (!appIn.hasRemaining()) {
            if (inboundClosed) {
                return -1;
            }
            if (tasksRunning) {
                return 0;
            }
            if (!unwrap()) {
                return inboundClosed ? -1 : 0;
            }
            if (engine.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_TASK) {
                runTasks();
                return 0;
            }
            if (engine.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_WRAP) {
                wrap(EMPTY);
                flush();
            }
        }
        int n = Math.min(dst.remaining(), appIn.remaining());
        ByteBuffer slice = appIn.duplicate();
        slice.limit(slice.position() + n);
        dst.put(slice);
        appIn.position(appIn.position() + n);
        return n;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        if (!flush()) {
            return 0;
        }
        int before = src.remaining();
        wrap(src);
        flush();
        return before - src.remaining();
    }

    @Override
    public boolean wantsWrite() {
        return netOut.hasRemaining();
    }

    private boolean flush() throws IOException {
        while (netOut.hasRemaining()) {
            if (channel.write(netOut) == 0) {
                return false;
            }
        }
        return true;
    }

    private void wrap(ByteBuffer src) throws IOException {
        netOut.compact();
        try {
            SSLEngineResult r = engine.wrap(src, netOut);
            if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                throw new SSLException("TLS connection closed");
            }
        } finally {
            netOut.flip();
        }
    }

    /** Unwraps one record; false when more bytes must come from the socket first. */
    private boolean unwrap() throws IOException {
        while (true) {
            netIn.flip();
            appIn.compact();
            SSLEngineResult r;
            try {
                r = engine.unwrap(netIn, appIn);
            } finally {
                appIn.flip();
                netIn.compact();
            }
            switch (r.getStatus()) {
                case OK -> {
                    return true;
                }
                case CLOSED -> {
                    inboundClosed = true;
                    return false;
                }
                case BUFFER_OVERFLOW -> appIn = grow(appIn, engine.getSession().getApplicationBufferSize(), true);
                case BUFFER_UNDERFLOW -> {
                    if (!netIn.hasRemaining()) {
                        netIn = grow(netIn, engine.getSession().getPacketBufferSize(), false);
                    }
                    int n = channel.read(netIn);
                    if (n < 0) {
                        inboundClosed = true;
                        if (!handshakeDone) {
                            throw new SSLException("tracker closed the connection during the TLS handshake");
                        }
                        return false;
                    }
                    if (n == 0) {
                        return false;
                    }
                }
                default -> throw new SSLException("unexpected TLS status");
            }
        }
    }

    /** Grows a buffer to hold at least one more record, keeping its contents and mode. */
    private static ByteBuffer grow(ByteBuffer b, int extra, boolean readMode) {
        ByteBuffer bigger = ByteBuffer.allocate(b.capacity() + extra);
        if (readMode) {
            bigger.put(b).flip();
        } else {
            b.flip();
            bigger.put(b);
        }
        return bigger;
    }

    @Override
    public boolean working() {
        return tasksRunning;
    }

    /** Hands the engine's tasks to a worker; the engine is left alone until they are done. */
    private void runTasks() {
        if (tasksRunning) {
            return;
        }
        List<Runnable> tasks = new java.util.ArrayList<>();
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            tasks.add(task);
        }
        tasksRunning = true;
        workers.offLoop(() -> tasks.forEach(Runnable::run), () -> {
            tasksRunning = false;
            wake.run();
        });
    }
}
