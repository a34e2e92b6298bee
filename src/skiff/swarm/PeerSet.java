package skiff.swarm;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * Every peer address the swarm knows, with its history: when it may be dialled again, how often
 * it failed, whether it is banned. Never yields an address we are connected to, nor ourselves.
 */
final class PeerSet {
    /** Known addresses kept at most; the oldest never-connected ones go first. */
    static final int MAX_KNOWN = 2000;
    /** Back-off after a failed dial: doubles from here at every failure in a row. */
    static final long FIRST_RETRY_MILLIS = 10_000;
    /**
     * The longest back-off. A dead address is never forgotten while the set has room: forgetting it
     * let the next tracker answer add it anew and restart its back-off at 10 s, for as long as we ran.
     */
    static final long MAX_RETRY_MILLIS = 30 * 60_000;

    static final class Peer {
        final InetSocketAddress address;
        int failures;

        long nextAttemptMillis;
        boolean banned;
        boolean connected;
        /** It had everything when we last met: no use dialling it while we have everything too. */
        boolean seed;

        Peer(InetSocketAddress address) {
            this.address = address;
        }
    }

    private final LinkedHashMap<InetSocketAddress, Peer> known = new LinkedHashMap<>();
    private final int ourPort;
    /** Our address as the internet sees it, or null while unknown: behind a NAT it is no local address. */
    private final java.util.function.Supplier<InetAddress> outside;
    /** This host's addresses, looked up once on a worker (the lookup walks every interface). */
    private java.util.Set<InetAddress> local = java.util.Set.of();

    PeerSet(int ourPort) {
        this(ourPort, () -> null);
    }

    PeerSet(int ourPort, java.util.function.Supplier<InetAddress> outside) {
        this.ourPort = ourPort;
        this.outside = outside;
    }

    /** Adds addresses from a tracker; returns how many were new. */
    int add(Collection<InetSocketAddress> addresses) {
        int added = 0;
        for (InetSocketAddress a : addresses) {
            if (a.getPort() == 0 || a.isUnresolved() || isUs(a) || known.containsKey(a)) {
                continue;
            }
            if (known.size() >= MAX_KNOWN && !dropOne()) {
                break;
            }
            known.put(a, new Peer(a));
            added++;
        }
        return added;
    }

    /** Makes room: the idle address that failed most often goes (the oldest of those); never a banned one. */
    private boolean dropOne() {
        InetSocketAddress worst = null;
        int worstFailures = -1;
        for (Map.Entry<InetSocketAddress, Peer> e : known.entrySet()) {
            Peer p = e.getValue();
            if (!p.connected && !p.banned && p.failures > worstFailures) {
                worst = e.getKey();
                worstFailures = p.failures;
            }
        }
        if (worst == null) {
            return false;
        }
        known.remove(worst);
        return true;
    }

    /**
     * Our own listening address: a local address, or our outside one, on our port. Another port on
     * our outside address is another host behind the same NAT, and is kept.
     */
    boolean isUs(InetSocketAddress a) {
        if (a.getPort() != ourPort) {
            return false;
        }
        InetAddress ip = a.getAddress();
        return ip.isLoopbackAddress() || ip.isAnyLocalAddress() || local.contains(ip) || ip.equals(outside.get());
    }

    /**
     * Looks this host's addresses up on a worker and sets them on the loop: the DHT and trackers
     * hand our own address back to us once we have announced, and dialling it only ends in "connected
     * to ourselves". Addresses of ours known before the answer are forgotten then.
     */
    void learnLocalAddresses(Executor workers, Executor loop) {
        workers.execute(() -> {
            java.util.Set<InetAddress> found = lookUpLocalAddresses();
            loop.execute(() -> localAddresses(found));
        });
    }

    /** Sets this host's addresses, from {@link #lookUpLocalAddresses()}. */
    void localAddresses(java.util.Set<InetAddress> addresses) {
        this.local = addresses;
        known.values().removeIf(p -> !p.connected && isUs(p.address));
    }

    /** Every address of this host's interfaces. Blocking enough to keep off the loop: call it on a worker. */
    static java.util.Set<InetAddress> lookUpLocalAddresses() {
        java.util.Set<InetAddress> out = new java.util.HashSet<>();
        try {
            java.util.Enumeration<NetworkInterface> all = NetworkInterface.getNetworkInterfaces();
            while (all != null && all.hasMoreElements()) {
                out.addAll(java.util.Collections.list(all.nextElement().getInetAddresses()));
            }
        } catch (SocketException e) {
            // loopback and wildcard are still recognised
        }
        return java.util.Set.copyOf(out);
    }

    /** Up to {@code max} addresses that may be dialled now. */
    List<InetSocketAddress> candidates(int max, long nowMillis, boolean weAreComplete) {
        List<InetSocketAddress> out = new ArrayList<>();
        for (Peer p : known.values()) {
            if (out.size() >= max) {
                break;
            }
            // isUs again: our outside address may have become known after this one was added
            if (!p.connected && !p.banned && p.nextAttemptMillis <= nowMillis && !(weAreComplete && p.seed) && !isUs(p.address)) {
                out.add(p.address);
            }
        }
        return out;
    }

    Peer get(InetSocketAddress a) {
        return known.get(a);
    }

    /** Incoming connections and dials both mark the address connected. */
    Peer connected(InetSocketAddress a) {
        Peer p = known.computeIfAbsent(a, Peer::new);
        p.connected = true;
        return p;
    }

    /** A connection ended: successful ones may be retried soon, failed dials back off. */
    /**
     * A connection to {@code a} closed for {@code reason}: a dial that never reached a handshake
     * counts as a failure (backing the address off); a clean close does not.
     */
    void closed(InetSocketAddress a, skiff.peer.CloseReason reason, boolean handshakeDone, long nowMillis) {
        boolean failedDial = reason == skiff.peer.CloseReason.CONNECT_FAILED || reason == skiff.peer.CloseReason.CONNECT_TIMEOUT
                || (!handshakeDone && reason != skiff.peer.CloseReason.SHUTDOWN);
        disconnected(a, failedDial, nowMillis);
    }

    void disconnected(InetSocketAddress a, boolean failed, long nowMillis) {
        Peer p = known.get(a);
        if (p == null) {
            return;
        }
        p.connected = false;
        if (failed) {
            p.failures++;
            p.nextAttemptMillis = nowMillis + Math.min(MAX_RETRY_MILLIS, FIRST_RETRY_MILLIS << Math.min(p.failures - 1, 20));
        } else {
            p.failures = 0;
            p.nextAttemptMillis = nowMillis + FIRST_RETRY_MILLIS;
        }
    }

    void ban(InetSocketAddress a) {
        connected(a).banned = true;
    }

    boolean banned(InetSocketAddress a) {
        Peer p = known.get(a);
        return p != null && p.banned;
    }

    /** Every known address not banned, for the next phase of the same torrent (metadata, then download). */
    List<InetSocketAddress> addresses() {
        List<InetSocketAddress> out = new java.util.ArrayList<>();
        for (Peer p : known.values()) {
            if (!p.banned) {
                out.add(p.address);
            }
        }
        return out;
    }

    int size() {
        return known.size();
    }
}
