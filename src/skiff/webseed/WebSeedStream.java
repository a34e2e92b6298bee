package skiff.webseed;

import java.io.IOException;
import java.net.ProtocolException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.List;
import skiff.loop.EventLoop;
import skiff.loop.Timer;
import skiff.peer.PeerStream;

/**
 * A web seed (BEP 19) as a peer stream: the connection above speaks the peer wire protocol to
 * it ({@link WireSide}), and its requests become HTTP range requests, one per run of contiguous
 * blocks and file, on one keep-alive connection ({@link HttpLink}). Every reply is checked
 * ({@link RangeReply}) before its body is taken; a bad one ends the stream with a one-line reason.
 */
final class WebSeedStream implements PeerStream, HttpLink.Listener {
    /** The most one request asks for: the swarm's queue for a fast seed is 3 s of its rate. */
    static final long MAX_RUN_BYTES = 8 << 20;
    /**
     * Requests asked at once on one connection (HTTP/1.1 pipelining: the server answers in order),
     * so that a far server's round trip is not paid per request: at 100 ms, one at a time took
     * 256 MiB in 7.5 s where aria2 took 2.8.
     */
    static final int MAX_ASKED = 4;
    /** Redirects followed for one request (libtorrent follows 5 too). */
    static final int MAX_REDIRECTS = 5;
    /** A request the server sends nothing for in this long ends the stream. */
    static final long REPLY_TIMEOUT_MILLIS = 30_000;
    private static final int INBOX_BYTES = 32 << 10;
    private static final ByteBuffer ZEROS = ByteBuffer.allocate(16 << 10).asReadOnlyBuffer();

    private final EventLoop loop;
    private final SeedFiles files;
    private final WireSide wire;
    private final HttpLink link;
    private final String userAgent;
    private final java.util.function.IntConsumer missing;
    private final ByteBuffer inbox = ByteBuffer.allocate(INBOX_BYTES).flip();
    /** Reply bytes from the socket; direct, so that the socket fills it without a copy. */
    private final ByteBuffer raw = ByteBuffer.allocateDirect(16 << 10).flip();
    private ByteBuffer greeting;
    private Events events;
    private boolean open = true;
    private boolean againQueued;
    private boolean nextQueued;
    /** Bytes the connection above has read: a turn in which it read some is followed by another. */
    private long delivered;
    private Timer watchdog;
    private long lastProgressMillis;

    /** Parts of the runs taken from the wire side that are not asked for yet, in the torrent's order. */
    private final ArrayDeque<SeedFiles.Part> todo = new ArrayDeque<>();
    /** Parts asked for (a padding file's needs no asking), whose replies come in this order; the first is under way. */
    private final ArrayDeque<SeedFiles.Part> asked = new ArrayDeque<>();
    /** The reply to the first part asked for (null for padding). */
    private RangeReply reply;
    private long bodyLeft;
    private int redirects;
    private boolean retried;

    /** {@code missing} hears each file the server says it does not have. */
    WebSeedStream(EventLoop loop, SeedFiles files, WireSide wire, java.util.function.Function<HttpLink.Listener, HttpLink> link,
                  String userAgent, java.util.function.IntConsumer missing) {
        this.missing = missing;
        this.loop = loop;
        this.files = files;
        this.wire = wire;
        this.link = link.apply(this);
        this.userAgent = userAgent;
    }

    @Override
    public void start(Events e) {
        this.events = e;
        watchdog = loop.schedule(REPLY_TIMEOUT_MILLIS / 3, this::watch);
        e.connected();
    }

    private void watch() {
        if (!open) {
            return;
        }
        if (!asked.isEmpty() && loop.nowMillis() - lastProgressMillis > REPLY_TIMEOUT_MILLIS) {
            fail("no reply for " + REPLY_TIMEOUT_MILLIS / 1000 + " s");
            return;
        }
        watchdog = loop.schedule(REPLY_TIMEOUT_MILLIS / 3, this::watch);
    }

    @Override
    public boolean connected() {
        return events != null; // the seed is a URL: its HTTP connections come and go beneath, as requests need them
    }

    @Override
    public void wantWrite(boolean want) {
        // writes are always taken whole
    }

    @Override
    public void release() {
        open = false;
        if (watchdog != null) {
            watchdog.cancel();
        }
        link.close();
    }

    @Override
    public String transport() {
        return "web seed";
    }

    // ---- from the codec ----

    @Override
    public int write(ByteBuffer src) {
        int n = src.remaining();
        wire.written(src);
        ByteBuffer g = wire.greeting();
        if (g != null) {
            greeting = g;
            offerLater();
        }
        if (!nextQueued && wire.hasQueued()) {
            nextQueued = true; // at the end of the turn: requests written in several cuts go as one run
            loop.execute(() -> {
                nextQueued = false;
                next();
            });
        }
        return n;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        int total = 0;
        while (dst.hasRemaining() && open) {
            ByteBuffer from = greeting != null && greeting.hasRemaining() ? greeting : inbox;
            if (from.hasRemaining()) {
                int n = Math.min(from.remaining(), dst.remaining());
                dst.put(from.array(), from.arrayOffset() + from.position(), n);
                from.position(from.position() + n);
                total += n;
            } else if (dst.remaining() >= WireSide.PIECE_HEADER_BYTES) {
                int n = produce(dst); // straight into the reader's buffer: no copy on the way
                if (n == 0) {
                    break;
                }
                total += n;
            } else {
                inbox.clear();
                int n = produce(inbox); // a small read (a message header): the rest waits here
                inbox.flip();
                if (n == 0) {
                    break;
                }
            }
        }
        if (total > 0) {
            delivered += total;
            lastProgressMillis = loop.nowMillis();
        }
        return total;
    }

    // ---- requests ----

    /** Takes queued runs, and asks for their parts while fewer than {@link #MAX_ASKED} are out, on one server at a time. */
    private void next() {
        while (open && todo.size() + asked.size() < MAX_ASKED && wire.hasQueued()) {
            List<WireSide.Block> run = wire.nextRun(MAX_RUN_BYTES);
            long first = run.get(0).offset();
            todo.addAll(files.parts(first, run.get(run.size() - 1).end() - first));
        }
        while (open && !todo.isEmpty() && asked.size() < MAX_ASKED && !link.closingAfterReply()) {
            SeedFiles.Part p = todo.peek();
            if (!p.padding()) {
                URI u = files.uri(p.file());
                if (!asked.isEmpty() && !link.goesTo(u)) {
                    break; // another server: once this one has answered
                }
                link.send(u, ByteBuffer.wrap(HttpLink.rangeRequest(u, p.offset(), p.length(), userAgent)));
            }
            todo.poll();
            asked.add(p);
            if (asked.size() == 1) {
                lastProgressMillis = loop.nowMillis();
                begin(p);
            }
        }
    }

    /** The reply to {@code p} is next: its bytes (zeros for padding) come now. */
    private void begin(SeedFiles.Part p) {
        reply = p.padding() ? null : new RangeReply(p.offset(), p.length(), files.fileLength(p.file()));
        bodyLeft = p.length();
    }

    /** The connection is gone with requests on it: they are asked again, in order. */
    private void requeue() {
        while (!asked.isEmpty()) {
            todo.addFirst(asked.pollLast());
        }
        reply = null;
    }

    // ---- replies ----

    /** Frames what the reply under way has into {@code out}; returns how many bytes, 0 when nothing more can be had now. */
    private int produce(ByteBuffer out) throws IOException {
        int start = out.position();
        while (out.hasRemaining() && !asked.isEmpty()) {
            SeedFiles.Part p = asked.peek();
            if (p.padding()) {
                int n = wire.frame(ZEROS.duplicate(), (int) Math.min(ZEROS.capacity(), bodyLeft), out);
                if (n == 0) {
                    break;
                }
                body(n);
                continue;
            }
            if (!raw.hasRemaining() && !fill()) {
                break;
            }
            if (!reply.done()) {
                head(p);
                continue;
            }
            int n = wire.frame(raw, (int) Math.min(raw.remaining(), bodyLeft), out);
            if (n == 0) {
                break;
            }
            body(n);
        }
        return out.position() - start;
    }

    /** Reads the socket into {@code raw}; false when it had nothing. */
    private boolean fill() throws IOException {
        raw.clear();
        int n;
        try {
            n = link.read(raw);
        } finally {
            raw.flip();
        }
        if (n > 0) {
            lastProgressMillis = loop.nowMillis();
            return true;
        }
        if (n < 0) {
            endOfStream();
        }
        return false;
    }

    private void endOfStream() throws IOException {
        boolean idleClose = link.reused() && !reply.started() && !retried;
        link.close();
        if (!idleClose) {
            throw new IOException(where() + ": the server closed the connection mid-reply");
        }
        retried = true; // the server timed out the idle connection as we asked: once more on a new one
        requeue();
        next();
    }

    private void head(SeedFiles.Part p) throws IOException {
        try {
            byte[] head = new byte[Math.min(raw.remaining(), 1024)]; // a head is short; the body after it stays put
            raw.get(raw.position(), head);
            int taken = reply.feed(head, 0, head.length);
            raw.position(raw.position() + taken);
        } catch (ProtocolException e) {
            if (reply.missing()) {
                missing.accept(p.file());
            }
            throw new IOException(where() + ": " + e.getMessage());
        }
        if (!reply.done()) {
            return;
        }
        link.replied();
        retried = false;
        String location = reply.redirect();
        if (location == null) {
            if (!reply.keepAlive()) {
                link.closeAfterReply();
            }
            return;
        }
        if (++redirects > MAX_REDIRECTS) {
            throw new IOException(where() + ": more than " + MAX_REDIRECTS + " redirects");
        }
        try {
            files.move(p.file(), SeedFiles.parse(files.uri(p.file()).resolve(new URI(location.trim())).toString()));
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new IOException(where() + ": redirected to a bad URL");
        }
        link.close(); // its body is not read: the connection cannot carry another request
        raw.position(raw.limit());
        requeue();
        next();
    }

    private void body(int n) {
        bodyLeft -= n;
        if (bodyLeft > 0) {
            return;
        }
        redirects = 0;
        asked.poll();
        if (link.closingAfterReply()) {
            link.close();
            requeue(); // what was pipelined behind this reply went with the connection
        }
        if (!asked.isEmpty()) {
            begin(asked.peek());
        } else {
            reply = null;
        }
        next();
    }

    /** The file asked for: a seed's trouble is said once per file and reason, whatever the range. */
    private String where() {
        return files.displayPath(asked.peek().file());
    }

    // ---- events ----

    @Override
    public void linkReadable() {
        if (asked.isEmpty()) {
            link.close(); // the server closed (or spoke on) a connection with no request on it
            return;
        }
        offer();
    }

    @Override
    public void linkFailed(String why) {
        fail(why);
    }

    private void fail(String why) {
        if (!open) {
            return;
        }
        open = false;
        release();
        events.closed(new IOException(why));
    }

    /** Tells the connection that bytes may be read; again next turn while it took some (it reads a budget per turn). */
    private void offer() {
        if (!open) {
            return;
        }
        long before = delivered;
        try {
            events.readable();
        } catch (IOException | RuntimeException e) {
            fail(e.getMessage() == null ? e.toString() : e.getMessage());
            return;
        }
        if (open && delivered > before) {
            offerLater(); // it may have stopped at its budget with bytes left here or in TLS
        }
    }

    private void offerLater() {
        if (!againQueued) {
            againQueued = true;
            loop.execute(() -> {
                againQueued = false;
                offer();
            });
        }
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
