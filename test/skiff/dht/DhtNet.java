package skiff.dht;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.BiConsumer;

/**
 * Many DHT nodes in one process over an in-memory network: datagrams delivered after a seeded
 * random delay, simulated time advanced from one event to the next, every node ticked each
 * simulated second. Silenced addresses swallow what is sent to them and send nothing.
 */
final class DhtNet {
    private record Delivery(long at, long seq, InetSocketAddress from, InetSocketAddress to, byte[] bytes) {
    }

    final SplittableRandom random;
    final List<Dht> nodes = new ArrayList<>();
    final List<InetSocketAddress> addresses = new ArrayList<>();
    private final Map<InetSocketAddress, BiConsumer<byte[], InetSocketAddress>> receivers = new HashMap<>();
    private final PriorityQueue<Delivery> inFlight = new PriorityQueue<>(
        (a, b) -> a.at != b.at ? Long.compare(a.at, b.at) : Long.compare(a.seq, b.seq));
    final Set<InetSocketAddress> silent = new HashSet<>();
    private long seq;
    long now = 1_000_000;
    long datagrams;

    DhtNet(long seed) {
        this.random = new SplittableRandom(seed);
    }

    static InetSocketAddress address(int i) {
        try {
            return new InetSocketAddress(InetAddress.getByAddress(new byte[] {10, (byte) (i >> 16), (byte) (i >> 8), (byte) i}),
                6881);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A new node at the next address, bootstrapping from {@code via} (none for the first). */
    Dht add(InetSocketAddress via) {
        InetSocketAddress me = address(nodes.size() + 1);
        Dht d = new Dht(NodeId.random(random), sender(me), random.split(), now);
        nodes.add(d);
        addresses.add(me);
        receivers.put(me, (bytes, from) -> d.received(bytes, from, now));
        if (via != null) {
            d.bootstrapFrom(List.of(via));
        }
        return d;
    }

    Dht.Sender sender(InetSocketAddress from) {
        return (bytes, to) -> send(from, to, bytes);
    }

    void send(InetSocketAddress from, InetSocketAddress to, byte[] bytes) {
        if (silent.contains(from)) {
            return;
        }
        datagrams++;
        inFlight.add(new Delivery(now + 5 + random.nextInt(95), seq++, from, to, bytes));
    }

    /** A receiver that is not a Dht (a hostile node in a test). */
    void listen(InetSocketAddress at, BiConsumer<byte[], InetSocketAddress> r) {
        receivers.put(at, r);
    }

    /** Runs {@code millis} of simulated time. */
    void run(long millis) {
        long end = now + millis;
        long nextTick = now - now % 1000 + 1000;
        while (now < end) {
            Delivery d = inFlight.peek();
            if (d != null && d.at <= nextTick && d.at <= end) {
                inFlight.poll();
                now = d.at;
                BiConsumer<byte[], InetSocketAddress> r = receivers.get(d.to);
                if (r != null && !silent.contains(d.to)) {
                    r.accept(d.bytes, d.from);
                }
                continue;
            }
            now = Math.min(nextTick, end);
            if (now == nextTick) {
                for (int i = 0; i < nodes.size(); i++) {
                    if (!silent.contains(addresses.get(i))) {
                        nodes.get(i).tick(now);
                    }
                }
                nextTick += 1000;
            }
        }
    }
}
