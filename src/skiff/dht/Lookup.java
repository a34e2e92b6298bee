package skiff.dht;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One iterative lookup (BEP 5) towards a target: ask the closest nodes we know, learn closer ones
 * from their answers, ask those, until the k closest that answer have all answered. At most
 * {@link #ALPHA} queries are fresh at once; one slower than {@link #SLOW_MILLIS} stops holding a
 * slot (libtorrent's short timeout) but may still answer. Bounded in candidates kept, queries
 * sent and time. Pure: the node sends what {@link #next} gives and reports what came back.
 */
final class Lookup {
    /** Queries in flight at once: Kademlia's alpha (BEP 5 leaves it open; libtorrent searches with 3 to 5). */
    static final int ALPHA = 4;
    /** A query unanswered this long no longer holds one of the alpha slots. */
    static final long SLOW_MILLIS = 1000;
    /** Candidates kept, closest first: enough to finish with k answers through many failures. */
    static final int MAX_CANDIDATES = 64;
    /** Queries one lookup may send, and how long it may run. */
    static final int MAX_QUERIES = 80;
    static final long MAX_MILLIS = 30_000;
    /** Peers one lookup gathers (get_peers). */
    static final int MAX_PEERS = 500;

    enum State { NEW, ASKED, ANSWERED, FAILED }

    static final class Candidate {
        final Contact contact;
        State state = State.NEW;
        long askedMillis;
        byte[] token;

        Candidate(Contact contact) {
            this.contact = contact;
        }
    }

    final NodeId target;
    /** get_peers (and an announce after it), or find_node. */
    final boolean getPeers;
    private final long startMillis;
    private final List<Candidate> candidates = new ArrayList<>();
    private final Set<InetSocketAddress> seen = new java.util.HashSet<>();
    private final Set<InetSocketAddress> peers = new LinkedHashSet<>();
    private int queries;

    /** Our own id: a node that names us is not asked (we would only query ourselves). */
    private final NodeId self;

    Lookup(NodeId target, boolean getPeers, NodeId self, List<Contact> start, long now) {
        this.target = target;
        this.self = self;
        this.getPeers = getPeers;
        this.startMillis = now;
        add(start);
    }

    /** Nodes an answer named: kept if among the closest, never the same address twice. */
    void add(List<Contact> contacts) {
        for (Contact c : contacts) {
            if (c.address().getPort() == 0 || c.id().equals(self) || !seen.add(c.address())) {
                continue;
            }
            int i = 0;
            while (i < candidates.size() && target.closer(candidates.get(i).contact.id(), c.id()) <= 0) {
                i++;
            }
            if (i < MAX_CANDIDATES) {
                candidates.add(i, new Candidate(c));
                if (candidates.size() > MAX_CANDIDATES) {
                    candidates.remove(candidates.size() - 1);
                }
            }
        }
    }

    /** The contacts to ask now (marked asked). */
    List<Contact> next(long now) {
        List<Contact> out = new ArrayList<>();
        if (finished(now)) {
            return out;
        }
        int fresh = 0;
        for (Candidate c : candidates) {
            if (c.state == State.ASKED && now - c.askedMillis < SLOW_MILLIS) {
                fresh++;
            }
        }
        int live = 0;
        for (Candidate c : candidates) {
            if (fresh >= ALPHA || queries >= MAX_QUERIES || live >= RoutingTable.K) {
                break;
            }
            if (c.state == State.FAILED) {
                continue;
            }
            live++;
            if (c.state == State.NEW) {
                c.state = State.ASKED;
                c.askedMillis = now;
                fresh++;
                queries++;
                out.add(c.contact);
            }
        }
        return out;
    }

    private Candidate find(InetSocketAddress from) {
        for (Candidate c : candidates) {
            if (c.contact.address().equals(from)) {
                return c;
            }
        }
        return null;
    }

    /** {@code from} answered: the nodes it named join, its token is kept for the announce. */
    void answered(InetSocketAddress from, List<Contact> nodes, List<InetSocketAddress> values, byte[] token) {
        Candidate c = find(from);
        if (c != null) {
            c.state = State.ANSWERED;
            c.token = token;
        }
        for (InetSocketAddress p : values) {
            if (peers.size() < MAX_PEERS) {
                peers.add(p);
            }
        }
        add(nodes);
    }

    void failed(InetSocketAddress from) {
        Candidate c = find(from);
        if (c != null) {
            c.state = State.FAILED;
        }
    }

    /** Done: the k closest live candidates all answered, or nothing is left to ask, or out of queries or time. */
    boolean finished(long now) {
        if (now - startMillis >= MAX_MILLIS) {
            return true;
        }
        int answered = 0;
        for (Candidate c : candidates) {
            switch (c.state) {
                case FAILED -> {
                }
                case ANSWERED -> {
                    if (++answered >= RoutingTable.K) {
                        return true;
                    }
                }
                case ASKED -> {
                    return false;
                }
                case NEW -> {
                    if (queries < MAX_QUERIES) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    /** The closest nodes that answered with a token: where the announce goes. */
    List<Candidate> closestWithTokens() {
        List<Candidate> out = new ArrayList<>();
        for (Candidate c : candidates) {
            if (c.state == State.ANSWERED && c.token != null && out.size() < RoutingTable.K) {
                out.add(c);
            }
        }
        return out;
    }

    /** The closest nodes that answered, closest first. */
    List<Contact> closestAnswered(int count) {
        List<Contact> out = new ArrayList<>();
        for (Candidate c : candidates) {
            if (c.state == State.ANSWERED && out.size() < count) {
                out.add(c.contact);
            }
        }
        return out;
    }

    List<InetSocketAddress> peers() {
        return List.copyOf(peers);
    }

    int queries() {
        return queries;
    }

    boolean outstanding(InetSocketAddress from) {
        Candidate c = find(from);
        return c != null && c.state == State.ASKED;
    }
}
