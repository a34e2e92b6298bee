package skiff.dht;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Several hundred DHT nodes in one process over an in-memory network with seeded delays:
 * lookups reach the closest nodes, announces are found, silent nodes are replaced, and a node
 * flooded with garbage keeps answering.
 */
class DhtSimulationTest {
    static final int NODES = 400;
    private static final List<String> REPORT = new ArrayList<>();

    @AfterAll
    static void report() {
        REPORT.forEach(System.out::println);
    }

    /** A network of {@link #NODES} nodes, each bootstrapped from one of the first few, settled for 10 simulated minutes. */
    private static DhtNet grown(long seed) {
        DhtNet net = new DhtNet(seed);
        net.add(null);
        net.add(net.addresses.get(0));
        net.nodes.get(0).bootstrapFrom(List.of(net.addresses.get(1)));
        for (int i = 2; i < NODES; i++) {
            net.add(net.addresses.get(net.random.nextInt(Math.min(i, 8))));
            if (i % 20 == 0) {
                net.run(1000);
            }
        }
        net.run(10 * 60_000);
        return net;
    }

    /** The {@code k} live nodes truly closest to {@code target}. */
    private static List<NodeId> trulyClosest(DhtNet net, NodeId target, int k) {
        List<NodeId> ids = new ArrayList<>();
        for (int i = 0; i < net.nodes.size(); i++) {
            if (!net.silent.contains(net.addresses.get(i))) {
                ids.add(net.nodes.get(i).id());
            }
        }
        ids.sort(target::closer);
        return ids.subList(0, k);
    }

    private record Outcome(int queries, int found, boolean closestFound) {
    }

    private static Outcome lookup(DhtNet net, Dht from, NodeId target) {
        Dht.Result[] result = new Dht.Result[1];
        assertTrue(from.lookup(target, false, p -> { }, r -> result[0] = r));
        for (int s = 0; s < 60 && result[0] == null; s++) {
            net.run(1000);
        }
        assertTrue(result[0] != null, "a lookup ends within its time bound");
        List<NodeId> truth = trulyClosest(net, target, RoutingTable.K);
        Set<NodeId> got = new HashSet<>();
        result[0].closest().forEach(c -> got.add(c.id()));
        int found = (int) truth.stream().filter(got::contains).count();
        return new Outcome(result[0].queries(), found, got.contains(truth.get(0)));
    }

    private static int percentile(List<Integer> values, double p) {
        List<Integer> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get((int) Math.min(sorted.size() - 1, Math.floor(p * sorted.size())));
    }

    @Test
    void lookupsReachTheClosestNodesInBoundedQueries() {
        long t0 = System.nanoTime();
        DhtNet net = grown(1);
        int minTable = net.nodes.stream().mapToInt(Dht::size).min().orElse(0);
        assertTrue(minTable >= RoutingTable.K, "every node knows at least k others: " + minTable);
        List<Integer> queries = new ArrayList<>();
        int closestFound = 0;
        int found = 0;
        int lookups = 100;
        for (int i = 0; i < lookups; i++) {
            Outcome o = lookup(net, net.nodes.get(net.random.nextInt(NODES)), NodeId.random(net.random));
            queries.add(o.queries);
            found += o.found;
            closestFound += o.closestFound ? 1 : 0;
        }
        int median = percentile(queries, 0.5);
        int p95 = percentile(queries, 0.95);
        REPORT.add(String.format("DHT simulation, %d nodes: queries per lookup median %d, 95th percentile %d; the closest node"
            + " found in %d of %d lookups, %.1f of the 8 closest on average; mean table %.1f nodes; %.2f s of real time",
            NODES, median, p95, closestFound, lookups, found / (double) lookups,
            net.nodes.stream().mapToInt(Dht::size).average().orElse(0), (System.nanoTime() - t0) / 1e9));
        assertTrue(closestFound >= 95, "the closest node is found: " + closestFound + " of " + lookups);
        assertTrue(found >= 7 * lookups, "most of the 8 closest are found: " + found);
        assertTrue(p95 <= Lookup.MAX_QUERIES && median <= 40, "queries per lookup, median " + median + ", p95 " + p95);
    }

    @Test
    void anAnnouncedPeerIsFoundByOthers() {
        DhtNet net = grown(2);
        NodeId infoHash = NodeId.random(net.random);
        Dht seeder = net.nodes.get(17);
        seeder.track(infoHash.bytes(), 51413, p -> { }, () -> false);
        net.run(30_000);
        int finders = 0;
        for (int i = 0; i < 20; i++) {
            Dht asker = net.nodes.get(100 + i * 13);
            List<InetSocketAddress> peers = new ArrayList<>();
            asker.lookup(infoHash, true, peers::addAll, r -> { });
            net.run(30_000);
            if (peers.contains(new InetSocketAddress(net.addresses.get(17).getAddress(), 51413))) {
                finders++;
            }
        }
        assertEquals(20, finders, "every asker finds the announced peer");
    }

    @Test
    void silentNodesAreReplacedAndLookupsStillWork() {
        DhtNet net = grown(3);
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < NODES; i++) {
            order.add(i);
        }
        Collections.shuffle(order, new java.util.Random(3));
        for (int i = 0; i < NODES / 4; i++) {
            net.silent.add(net.addresses.get(order.get(i)));
        }
        net.run(40 * 60_000);
        int silentEntries = 0;
        int entries = 0;
        for (int i = 0; i < NODES; i++) {
            if (net.silent.contains(net.addresses.get(i))) {
                continue;
            }
            for (Contact c : net.nodes.get(i).nodes()) {
                entries++;
                silentEntries += net.silent.contains(c.address()) ? 1 : 0;
            }
        }
        double share = silentEntries / (double) entries;
        REPORT.add(String.format("after a quarter of the nodes went silent for 40 minutes: %.1f%% of live table entries silent",
            100 * share));
        assertTrue(share < 0.05, "silent nodes are replaced: " + silentEntries + " of " + entries);
        int closest = 0;
        for (int i = 0; i < 40; i++) {
            int from = order.get(NODES / 4 + net.random.nextInt(NODES - NODES / 4));
            closest += lookup(net, net.nodes.get(from), NodeId.random(net.random)).closestFound ? 1 : 0;
        }
        assertTrue(closest >= 36, "lookups past the silent nodes find the closest live one: " + closest + " of 40");
    }

    @Test
    void aNodeFloodedWithGarbageKeepsWorking() {
        DhtNet net = grown(4);
        Dht victim = net.nodes.get(5);
        InetSocketAddress at = net.addresses.get(5);
        InetSocketAddress attacker = DhtNet.address(NODES + 100);
        for (int i = 0; i < 20_000; i++) {
            byte[] junk = new byte[1 + net.random.nextInt(300)];
            net.random.nextBytes(junk);
            junk[0] = 'd';
            net.send(attacker, at, junk);
        }
        for (int i = 0; i < 2000; i++) { // well-formed but hostile: answers never asked for, and our own id
            byte[] tid = {(byte) net.random.nextInt(256), (byte) net.random.nextInt(256)};
            net.send(attacker, at, Krpc.response(tid, NodeId.random(net.random), Krpc.nodes(skiff.bencode.Dicts.builder(),
                List.of(new Contact(NodeId.random(net.random), attacker))), at));
            net.send(attacker, at, Krpc.query(tid, "find_node", victim.id(),
                skiff.bencode.Dicts.builder().put("target", victim.id().bytes()), false));
        }
        net.run(5000);
        assertTrue(victim.stats().garbage() >= 21_000, "garbage counted: " + victim.stats().garbage());
        assertTrue(victim.stats().unexpected() >= 1900, "unasked answers counted: " + victim.stats().unexpected());
        assertTrue(victim.nodes().stream().noneMatch(c -> c.address().equals(attacker)), "the attacker is not in the table");
        Outcome o = lookup(net, victim, NodeId.random(net.random));
        assertTrue(o.closestFound, "the flooded node still looks up");
        Outcome via = lookup(net, net.nodes.get(6), victim.id());
        assertTrue(via.closestFound, "and is still found and answering");
    }
}
