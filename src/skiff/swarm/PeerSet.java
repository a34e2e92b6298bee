package skiff.swarm;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

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
    /** Whether an address is one where we listen (on our port): see the session's OurAddresses. */
    private final Predicate<InetAddress> ours;

    /** Alone in its process (tests, the simulation): only loopback is ours. */
    PeerSet(int ourPort) {
        this(ourPort, InetAddress::isLoopbackAddress);
    }

    PeerSet(int ourPort, Predicate<InetAddress> ours) {
        this.ourPort = ourPort;
        this.ours = ours;
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
     * Our own listening address: one of ours on our port (the wildcard address dials this host).
     * Another port on our outside address is another host behind the same NAT, and is kept.
     */
    boolean isUs(InetSocketAddress a) {
        if (a.getPort() != ourPort) {
            return false;
        }
        InetAddress ip = a.getAddress();
        return ip.isAnyLocalAddress() || ours.test(ip);
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
