package skiff.dht;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The routing table (BEP 5): buckets of k = 8 nodes by how many leading bits an id shares with
 * ours, the deepest bucket split as it fills, so we know many nodes near us and a few far away.
 * A node is good while it answered us in the last 15 minutes, questionable after that, bad after
 * two failed queries. In a full bucket a node whose id fits its address (BEP 42) displaces one
 * whose id does not. A full bucket takes a newcomer only in place of a bad node; a questionable
 * one is pinged first ({@link #insert} says whom), the newcomer waiting among the bucket's
 * replacements. Bounded: 160 buckets of 8 nodes and 8 replacements, a few hundred KiB at most.
 */
final class RoutingTable {
    /** BEP 5's k: nodes per bucket, and how many closest nodes a lookup reports. */
    static final int K = 8;
    /** BEP 5: a node not heard from in 15 minutes is questionable; a bucket unchanged as long is refreshed. */
    static final long STALE_MILLIS = 15 * 60_000;
    /** Failed queries after which a node is bad and gives its place away. */
    static final int MAX_FAILS = 2;

    /** One node we know, and what it has done lately. */
    static final class Node {
        final Contact contact;
        long lastReplyMillis;
        int fails;

        Node(Contact contact, long now) {
            this.contact = contact;
            this.lastReplyMillis = now;
        }

        boolean bad() {
            return fails >= MAX_FAILS;
        }

        boolean good(long now) {
            return !bad() && now - lastReplyMillis < STALE_MILLIS;
        }
    }

    private static final class Bucket {
        final List<Node> nodes = new ArrayList<>(K);
        final List<Contact> replacements = new ArrayList<>(K);
        long changedMillis;
    }

    private final NodeId self;
    private final List<Bucket> buckets = new ArrayList<>();

    RoutingTable(NodeId self, long now) {
        this.self = self;
        Bucket b = new Bucket();
        b.changedMillis = now;
        buckets.add(b);
    }

    NodeId self() {
        return self;
    }

    private int index(NodeId id) {
        return Math.min(self.commonPrefixBits(id), buckets.size() - 1);
    }

    private Node find(Bucket b, Contact c) {
        for (Node n : b.nodes) {
            if (n.contact.id().equals(c.id()) || n.contact.address().equals(c.address())) {
                return n;
            }
        }
        return null;
    }

    /**
     * A node answered one of our queries: kept, or a replacement. Returns a node to ping when the
     * bucket is full of live nodes but one is questionable (if it fails, the newcomer takes its place).
     */
    Contact insert(Contact c, long now) {
        if (c.id().equals(self)) {
            return null;
        }
        while (true) {
            int i = index(c.id());
            Bucket b = buckets.get(i);
            Node known = find(b, c);
            if (known != null) {
                if (known.contact.equals(c)) { // the same id at the same address: nobody moves in by a reply
                    known.lastReplyMillis = now;
                    known.fails = 0;
                    b.changedMillis = now;
                }
                return null;
            }
            if (b.nodes.size() < K) {
                b.nodes.add(new Node(c, now));
                b.replacements.remove(c);
                b.changedMillis = now;
                return null;
            }
            if (i == buckets.size() - 1 && i < NodeId.BITS - 1) {
                split();
                continue;
            }
            for (int j = 0; j < b.nodes.size(); j++) {
                if (b.nodes.get(j).bad()) {
                    b.nodes.set(j, new Node(c, now));
                    b.changedMillis = now;
                    return null;
                }
            }
            if (Bep42.valid(c.id(), c.address().getAddress())) { // BEP 42: a verified id displaces an unverified one
                for (int j = 0; j < b.nodes.size(); j++) {
                    Contact old = b.nodes.get(j).contact;
                    if (!Bep42.valid(old.id(), old.address().getAddress())) {
                        b.nodes.set(j, new Node(c, now));
                        b.changedMillis = now;
                        return null;
                    }
                }
            }
            replacement(b, c);
            Node stalest = null;
            for (Node n : b.nodes) {
                if (!n.good(now) && (stalest == null || n.lastReplyMillis < stalest.lastReplyMillis)) {
                    stalest = n;
                }
            }
            return stalest == null ? null : stalest.contact;
        }
    }

    private static void replacement(Bucket b, Contact c) {
        b.replacements.remove(c);
        if (b.replacements.size() == K) {
            b.replacements.remove(0); // the oldest goes; the newest has the best chance of being alive
        }
        b.replacements.add(c);
    }

    private void split() {
        Bucket last = buckets.get(buckets.size() - 1);
        Bucket deeper = new Bucket();
        deeper.changedMillis = last.changedMillis;
        buckets.add(deeper);
        int depth = buckets.size() - 1;
        last.nodes.removeIf(n -> {
            if (self.commonPrefixBits(n.contact.id()) >= depth) {
                deeper.nodes.add(n);
                return true;
            }
            return false;
        });
        last.replacements.removeIf(c -> {
            if (self.commonPrefixBits(c.id()) >= depth) {
                deeper.replacements.add(c);
                return true;
            }
            return false;
        });
    }

    /** A query to {@code address} went unanswered; a bad node gives its place to the newest replacement. */
    void failed(InetSocketAddress address, long now) {
        for (Bucket b : buckets) {
            for (int j = 0; j < b.nodes.size(); j++) {
                Node n = b.nodes.get(j);
                if (n.contact.address().equals(address) && ++n.fails >= MAX_FAILS && !b.replacements.isEmpty()) {
                    b.nodes.set(j, new Node(b.replacements.remove(b.replacements.size() - 1), now)); // it answered us lately
                    b.changedMillis = now;
                }
            }
        }
    }

    /** Whether a node with this id could enter the table now (room, a bad node, or a split). */
    boolean wouldTake(NodeId id) {
        int i = index(id);
        Bucket b = buckets.get(i);
        return b.nodes.size() < K || i == buckets.size() - 1 || countLive(b, -1) < b.nodes.size();
    }

    boolean contains(Contact c) {
        Node n = find(buckets.get(index(c.id())), c);
        return n != null && n.contact.equals(c);
    }

    /** Up to {@code count} live nodes closest to {@code target}, closest first. */
    List<Contact> closest(NodeId target, int count) {
        List<Contact> all = new ArrayList<>();
        for (Bucket b : buckets) {
            for (Node n : b.nodes) {
                if (!n.bad()) {
                    all.add(n.contact);
                }
            }
        }
        all.sort(Comparator.comparing(Contact::id, target::closer));
        return all.size() > count ? new ArrayList<>(all.subList(0, count)) : all;
    }

    /** Nodes not heard from in 15 minutes, stalest first: ping them to learn whether they live. */
    List<Contact> questionable(long now, int max) {
        List<Node> stale = new ArrayList<>();
        for (Bucket b : buckets) {
            for (Node n : b.nodes) {
                if (!n.bad() && !n.good(now)) {
                    stale.add(n);
                }
            }
        }
        stale.sort(Comparator.comparingLong(n -> n.lastReplyMillis));
        List<Contact> out = new ArrayList<>();
        for (Node n : stale.subList(0, Math.min(max, stale.size()))) {
            out.add(n.contact);
        }
        return out;
    }

    /** A random target in each bucket unchanged for 15 minutes (BEP 5's refresh); the bucket counts as fresh again. */
    List<NodeId> refreshTargets(long now, RandomGenerator random) {
        List<NodeId> out = new ArrayList<>();
        for (int i = 0; i < buckets.size(); i++) {
            Bucket b = buckets.get(i);
            if (now - b.changedMillis >= STALE_MILLIS) {
                b.changedMillis = now;
                // bucket i holds ids sharing exactly i bits with ours (the last: at least i)
                NodeId t = self.randomWithPrefix(i, random);
                out.add(i == buckets.size() - 1 || t.bit(i) != self.bit(i) ? t : flip(t, i));
            }
        }
        return out;
    }

    private static NodeId flip(NodeId id, int bit) {
        byte[] b = id.bytes();
        b[bit >> 3] ^= (byte) (0x80 >>> (bit & 7));
        return NodeId.of(b);
    }

    /** Live nodes. */
    int size() {
        int n = 0;
        for (Bucket b : buckets) {
            n += countLive(b, -1);
        }
        return n;
    }

    int goodNodes(long now) {
        int n = 0;
        for (Bucket b : buckets) {
            n += countLive(b, now);
        }
        return n;
    }

    int buckets() {
        return buckets.size();
    }

    /** Every live node, for the nodes file. */
    List<Contact> all() {
        List<Contact> out = new ArrayList<>();
        for (Bucket b : buckets) {
            for (Node n : b.nodes) {
                if (!n.bad()) {
                    out.add(n.contact);
                }
            }
        }
        return out;
    }

    /** The bucket's nodes that are not bad, or with a time, that are good then. */
    private static int countLive(Bucket b, long now) {
        int n = 0;
        for (Node x : b.nodes) {
            n += (now < 0 ? !x.bad() : x.good(now)) ? 1 : 0;
        }
        return n;
    }
}
