package skiff.session;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The addresses where this process listens, as other peers would list it: with a specific --bind
 * address that one alone (another program on this host may listen on the same port elsewhere);
 * bound to every address, loopback and each of the host's; and either way our outside address once
 * the DHT's nodes agree on it, which behind a NAT is no local address. The DHT and trackers hand
 * our own address back once we have announced, and dialling it only ends in "connected to
 * ourselves". Tested on the loop thread.
 */
final class OurAddresses implements Predicate<InetAddress> {
    /** The --bind address, or null when bound to every address. */
    private final InetAddress bound;
    /** Our outside address, or null while unknown. */
    private final Supplier<InetAddress> outside;
    private Set<InetAddress> local = Set.of();

    OurAddresses(InetAddress bound, Supplier<InetAddress> outside) {
        this.bound = bound == null || bound.isAnyLocalAddress() ? null : bound;
        this.outside = outside;
    }

    /** Bound to every address: looks the host's up on a worker (walking the interfaces blocks) and keeps them, on the loop. */
    void lookUp(Executor workers, Executor loop) {
        if (bound == null) {
            workers.execute(() -> {
                Set<InetAddress> found = interfaces();
                loop.execute(() -> local = found);
            });
        }
    }

    @Override
    public boolean test(InetAddress ip) {
        if (ip.equals(outside.get())) {
            return true;
        }
        if (bound != null) {
            return ip.equals(bound);
        }
        return ip.isLoopbackAddress() || local.contains(ip);
    }

    /** Every address of this host's interfaces; blocking. */
    static Set<InetAddress> interfaces() {
        Set<InetAddress> out = new HashSet<>();
        try {
            Enumeration<NetworkInterface> all = NetworkInterface.getNetworkInterfaces();
            while (all != null && all.hasMoreElements()) {
                out.addAll(Collections.list(all.nextElement().getInetAddresses()));
            }
        } catch (SocketException e) {
            // loopback is still recognised
        }
        return Set.copyOf(out);
    }
}
