package skiff.utp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import skiff.loop.EventLoop;
import skiff.peer.PeerStream;

/**
 * uTP endpoints over a simulated network in one loop on an injected clock: per direction a
 * bottleneck of so many bytes per second with a tail-drop queue, a propagation delay with
 * jitter (which reorders), and random loss, all from one seed.
 */
final class UtpNet {
    final long[] now = {1_000_000};
    final List<String> warnings = new ArrayList<>();
    final EventLoop loop;
    final Random random;
    final Map<InetSocketAddress, UtpEndpoint> endpoints = new HashMap<>();
    /** Addresses whose datagrams a test reads itself (a hand-made peer). */
    final Map<InetSocketAddress, java.util.function.Consumer<ByteBuffer>> raw = new HashMap<>();
    final Map<String, Long> busyUntilMicros = new HashMap<>();
    double loss;
    int delayMillis = 20;
    int jitterMillis;
    long bytesPerSecond = 10L << 20;
    long queueLimitMillis = 1000;
    long maxQueueMicros;
    long sent;
    long delivered;
    /** Datagrams for which this says yes are lost, every time they are sent. */
    java.util.function.Predicate<byte[]> dropIf = d -> false;
    long dropped;

    UtpNet(long seed) throws IOException {
        loop = new EventLoop(() -> now[0], warnings::add);
        random = new Random(seed);
    }

    static InetSocketAddress address(int n) {
        return new InetSocketAddress("10.0.0." + n, 6881);
    }

    UtpEndpoint endpoint(int n) {
        InetSocketAddress self = address(n);
        UtpEndpoint e = new UtpEndpoint(loop, (datagram, to) -> carry(self, to, datagram), () -> now[0] * 1000,
                new SplittableRandom(random.nextLong()));
        endpoints.put(self, e);
        return e;
    }

    /** Copies the datagram onto the wire from {@code from} to {@code to}. */
    private boolean carry(InetSocketAddress from, InetSocketAddress to, ByteBuffer datagram) {
        byte[] copy = new byte[datagram.remaining()];
        datagram.get(copy);
        sent++;
        if (dropIf.test(copy) || random.nextDouble() < loss) {
            dropped++;
            return true;
        }
        String direction = from + ">" + to;
        long nowMicros = now[0] * 1000;
        long start = Math.max(nowMicros, busyUntilMicros.getOrDefault(direction, 0L));
        long queued = start - nowMicros;
        if (queued > queueLimitMillis * 1000) {
            dropped++;
            return true;
        }
        maxQueueMicros = Math.max(maxQueueMicros, queued);
        long done = start + (copy.length + 28) * 1_000_000L / bytesPerSecond;
        busyUntilMicros.put(direction, done);
        long arrive = (done + 999) / 1000 + delayMillis + (jitterMillis == 0 ? 0 : random.nextInt(jitterMillis));
        loop.schedule(arrive - now[0], () -> {
            UtpEndpoint e = endpoints.get(to);
            if (e != null) {
                delivered++;
                e.received(ByteBuffer.wrap(copy), from);
            } else if (raw.containsKey(to)) {
                delivered++;
                raw.get(to).accept(ByteBuffer.wrap(copy));
            }
        });
        return true;
    }

    /** A connection from endpoint 1 to endpoint 2, each end sending its bytes; returns {dialer, acceptor}. */
    End[] connect(byte[] fromDialer, byte[] fromAcceptor, int readBudget) throws IOException {
        UtpEndpoint a = endpoint(1);
        UtpEndpoint b = endpoint(2);
        End dialer = new End(fromDialer, readBudget);
        End acceptor = new End(fromAcceptor, readBudget);
        b.listen((stream, from) -> {
            acceptor.stream = stream;
            try {
                stream.start(acceptor);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
        dialer.stream = a.dial(address(2));
        dialer.stream.start(dialer);
        return new End[] {dialer, acceptor};
    }

    /** Stalls {@code end}'s reading for {@code stallMillis} of every {@code periodMillis}, until {@code untilMillis}. */
    void stallNowAndThen(End end, int periodMillis, int stallMillis, long untilMillis) {
        loop.schedule(periodMillis - stallMillis, () -> {
            end.paused = true;
            loop.schedule(stallMillis, () -> {
                end.paused = false;
                end.readable(); // what arrived meanwhile waits in the stream; no event would come for it
                if (now[0] < untilMillis) {
                    stallNowAndThen(end, periodMillis, stallMillis, untilMillis);
                }
            });
        });
    }

    /** Turns the loop, jumping the clock to the next timer when idle, until {@code done} or {@code seconds} simulated. */
    boolean runUntil(java.util.function.BooleanSupplier done, int seconds) {
        long end = now[0] + seconds * 1000L;
        for (int turns = 0; turns < 20_000_000 && !done.getAsBoolean() && now[0] < end; turns++) {
            if (loop.runOnce(0) == 0) {
                now[0] = Math.max(now[0], Math.min(loop.nextTimerMillis(), now[0] + 1000));
            }
        }
        return done.getAsBoolean();
    }

    /** One end of a stream: sends {@code out} once connected and keeps what it reads, a budget per event. */
    static final class End implements PeerStream.Events {
        PeerStream stream;
        final ByteBuffer out;
        final ByteArrayOutputStream in = new ByteArrayOutputStream();
        final int readBudget;
        boolean connected;
        String failed;
        Throwable closed;
        boolean sawEnd;
        IOException readError;
        /** While set, readable events are ignored: a reader that stalls (a slow disk) and comes back. */
        boolean paused;

        End(byte[] out, int readBudget) {
            this.out = ByteBuffer.wrap(out);
            this.readBudget = readBudget;
        }

        @Override
        public void connected() {
            connected = true;
            writable();
        }

        @Override
        public void connectFailed(String why) {
            failed = why;
        }

        @Override
        public void readable() {
            if (paused) {
                return;
            }
            ByteBuffer b = ByteBuffer.allocate(1000);
            for (int budget = readBudget; budget > 0; ) {
                int n;
                try {
                    n = stream.read(b);
                } catch (IOException e) {
                    readError = e;
                    return;
                }
                if (n < 0) {
                    sawEnd = true;
                    return;
                }
                if (n == 0) {
                    return;
                }
                in.write(b.array(), 0, n);
                b.clear();
                budget -= n;
            }
        }

        @Override
        public void writable() {
            try {
                while (out.hasRemaining()) {
                    ByteBuffer part = out.slice(out.position(), Math.min(20_000, out.remaining()));
                    int n = stream.write(part);
                    out.position(out.position() + n);
                    if (n == 0) {
                        break;
                    }
                }
                stream.wantWrite(out.hasRemaining());
            } catch (IOException e) {
                failed = e.toString();
            }
        }

        @Override
        public void closed(Throwable cause) {
            closed = cause == null ? new IOException("clean close") : cause;
        }
    }
}
