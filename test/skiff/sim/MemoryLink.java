package skiff.sim;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import skiff.loop.EventLoop;
import skiff.peer.PeerStream;

/**
 * A connection over memory between two ends, with a latency and a rate each way, timed by the
 * loop's (injected) clock: the transport of the swarm simulation. Bytes written go out at the
 * sender's rate, arrive a latency later, and wait at the receiver until read. A window bounds what
 * is in flight and unread, so a writer that outruns its reader sees a full socket, as with TCP.
 * No sockets, no threads: the loop's timers deliver everything.
 */
public final class MemoryLink {
    /** Bytes in flight and unread per direction before writes return 0 (about a TCP window). */
    static final int WINDOW_BYTES = 256 << 10;

    private final EventLoop loop;
    public final End a;
    public final End b;

    /** {@code bytesPerMilli}: each direction's rate; {@code latencyMillis}: one way. */
    public MemoryLink(EventLoop loop, double bytesPerMilli, long latencyMillis) {
        this.loop = loop;
        this.a = new End(bytesPerMilli, latencyMillis);
        this.b = new End(bytesPerMilli, latencyMillis);
        a.other = b;
        b.other = a;
    }

    /** One end: a {@link PeerStream} for whoever holds it. */
    public final class End implements PeerStream {
        private final double bytesPerMilli;
        private final long latencyMillis;
        private End other;
        private Events events;
        private final ArrayDeque<byte[]> readable = new ArrayDeque<>();
        private int readOffset;
        private int unread; // bytes arrived here and not yet read
        private int inFlight; // bytes this end sent that have not arrived
        private double busyUntilMillis; // when this end's sending side is free again
        private boolean wantWrite;
        private boolean open = true;
        private boolean eofArrived; // the other end closed and everything it sent is here
        private boolean connected;
        private boolean refuse;

        End(double bytesPerMilli, long latencyMillis) {
            this.bytesPerMilli = bytesPerMilli;
            this.latencyMillis = latencyMillis;
        }

        /** The other side does not answer: a dial to this end fails after the latency. */
        public void refuse() {
            refuse = true;
        }

        @Override
        public void start(Events events) {
            this.events = events;
            if (connected) {
                events.connected();
                return;
            }
            loop.schedule(2 * latencyMillis, () -> {
                if (!open) {
                    return;
                }
                if (other.refuse || !other.open) {
                    events.connectFailed("Connection refused");
                    return;
                }
                connected = true;
                other.connected = true;
                events.connected();
            });
        }

        /** The accepting side: connected from the start. */
        public void acceptConnected() {
            connected = true;
        }

        @Override
        public boolean connected() {
            return connected && open;
        }

        @Override
        public void wantWrite(boolean want) {
            wantWrite = want;
        }

        @Override
        public void release() {
            if (!open) {
                return;
            }
            open = false;
            readable.clear();
            End peer = other;
            long at = Math.max(loop.nowMillis(), (long) Math.ceil(busyUntilMillis)) + latencyMillis;
            loop.schedule(at - loop.nowMillis(), () -> {
                peer.eofArrived = true;
                peer.notifyReadable();
            });
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return (int) read(new ByteBuffer[] {dst}, 0, 1);
        }

        @Override
        public long read(ByteBuffer[] dsts) throws IOException {
            return read(dsts, 0, dsts.length);
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            if (!open) {
                throw new IOException("stream closed");
            }
            if (unread == 0) {
                return eofArrived ? -1 : 0;
            }
            long n = 0;
            for (int i = offset; i < offset + length && unread > 0; i++) {
                ByteBuffer dst = dsts[i];
                while (dst.hasRemaining() && unread > 0) {
                    byte[] head = readable.peek();
                    int take = Math.min(dst.remaining(), head.length - readOffset);
                    dst.put(head, readOffset, take);
                    readOffset += take;
                    unread -= take;
                    n += take;
                    if (readOffset == head.length) {
                        readable.poll();
                        readOffset = 0;
                    }
                }
            }
            if (n > 0) {
                other.roomFreed();
            }
            return n;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            return (int) write(new ByteBuffer[] {src}, 0, 1);
        }

        @Override
        public long write(ByteBuffer[] srcs) throws IOException {
            return write(srcs, 0, srcs.length);
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            if (!open || !other.open) {
                throw new IOException("Broken pipe");
            }
            int room = WINDOW_BYTES - inFlight - other.unread;
            long total = 0;
            for (int i = offset; i < offset + length; i++) {
                total += srcs[i].remaining();
            }
            int n = (int) Math.min(total, Math.max(0, room));
            if (n == 0) {
                return 0;
            }
            byte[] chunk = new byte[n];
            int at = 0;
            for (int i = offset; i < offset + length && at < n; i++) {
                int take = Math.min(srcs[i].remaining(), n - at);
                srcs[i].get(chunk, at, take);
                at += take;
            }
            send(chunk);
            return n;
        }

        private void send(byte[] chunk) {
            double start = Math.max(loop.nowMillis(), busyUntilMillis);
            busyUntilMillis = start + chunk.length / bytesPerMilli;
            long arrive = (long) Math.ceil(busyUntilMillis) + latencyMillis;
            inFlight += chunk.length;
            End peer = other;
            loop.schedule(arrive - loop.nowMillis(), () -> {
                inFlight -= chunk.length;
                if (!peer.open) {
                    return;
                }
                peer.readable.add(chunk);
                peer.unread += chunk.length;
                peer.notifyReadable();
            });
        }

        private void notifyReadable() {
            if (events == null || !open) {
                return;
            }
            int before = unread;
            try {
                events.readable();
            } catch (IOException e) {
                release();
                events.closed(e);
                return;
            }
            // A reader's budget left bytes behind: level-triggered, like a socket. One that read
            // nothing at all is not woken again until more arrives.
            if (open && unread > 0 && unread < before) {
                loop.execute(this::notifyReadable);
            }
        }

        /** The reader took bytes: a writer held back by the window may go on. */
        private void roomFreed() {
            if (wantWrite && open && events != null) {
                loop.execute(() -> {
                    if (wantWrite && open) {
                        events.writable();
                    }
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
}
