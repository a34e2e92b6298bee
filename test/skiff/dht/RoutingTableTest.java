package skiff.dht;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RoutingTableTest {
    private final SplittableRandom random = new SplittableRandom(11);

    /** A contact whose id shares exactly {@code bits} leading bits with {@code self}. */
    private Contact at(NodeId self, int bits, int n) {
        NodeId id = self.randomWithPrefix(bits + 1, random);
        byte[] b = id.bytes();
        b[bits >> 3] ^= (byte) (0x80 >>> (bits & 7));
        return new Contact(NodeId.of(b), DhtNet.address(n));
    }

    @Test
    void idsCompareByXorDistance() {
        NodeId zero = NodeId.of(new byte[20]);
        byte[] one = new byte[20];
        one[19] = 1;
        byte[] top = new byte[20];
        top[0] = (byte) 0x80;
        assertEquals(160, zero.commonPrefixBits(zero));
        assertEquals(159, zero.commonPrefixBits(NodeId.of(one)));
        assertEquals(0, zero.commonPrefixBits(NodeId.of(top)));
        assertTrue(zero.closer(NodeId.of(one), NodeId.of(top)) < 0);
    }

    @Test
    void bucketsSplitNearUsAndFarBucketsStayFull() {
        NodeId self = NodeId.random(random);
        RoutingTable t = new RoutingTable(self, 0);
        for (int i = 0; i < 8; i++) {
            assertNull(t.insert(at(self, 0, i), 0));
        }
        for (int i = 0; i < 8; i++) {
            t.insert(at(self, 1, 100 + i), 0);
        }
        assertEquals(16, t.size(), "the bucket holding our own id split to take the nearer nodes");
        assertTrue(t.buckets() >= 2);
        Contact extra = at(self, 0, 200);
        assertNull(t.insert(extra, 0), "a full far bucket of good nodes pings nobody");
        assertFalse(t.contains(extra), "and keeps its nodes: the newcomer waits as a replacement");
    }

    @Test
    void aQuestionableNodeIsPingedAndABadOneReplaced() {
        NodeId self = NodeId.random(random);
        RoutingTable t = new RoutingTable(self, 0);
        for (int i = 0; i < 8; i++) {
            t.insert(at(self, 1, i), 0); // fill bucket 1 after bucket 0 splits off
        }
        for (int i = 0; i < 9; i++) {
            t.insert(at(self, 0, 50 + i), 0);
        }
        List<Contact> far = t.closest(at(self, 0, 99).id(), 40).stream().filter(c -> self.commonPrefixBits(c.id()) == 0).toList();
        assertEquals(8, far.size());
        long later = RoutingTable.STALE_MILLIS + 1;
        Contact newcomer = at(self, 0, 300);
        Contact toPing = t.insert(newcomer, later);
        assertTrue(far.contains(toPing), "15 minutes of silence make a node questionable: it is pinged");
        t.failed(toPing.address(), later);
        t.failed(toPing.address(), later);
        assertFalse(t.contains(toPing), "two failures make it bad");
        assertTrue(t.contains(newcomer), "and the newest replacement takes its place");
    }

    @Test
    void refreshTargetsFallInTheStaleBucket() {
        NodeId self = NodeId.random(random);
        RoutingTable t = new RoutingTable(self, 0);
        for (int i = 0; i < 8; i++) {
            t.insert(at(self, 0, i), 0);
            t.insert(at(self, 3, 20 + i), 0);
        }
        List<NodeId> targets = t.refreshTargets(RoutingTable.STALE_MILLIS, random);
        assertEquals(t.buckets(), targets.size());
        for (int i = 0; i < targets.size() - 1; i++) {
            assertEquals(i, self.commonPrefixBits(targets.get(i)), "bucket " + i + "'s target");
        }
        assertTrue(t.refreshTargets(RoutingTable.STALE_MILLIS + 1, random).isEmpty(), "refreshed buckets are fresh");
    }

    @Test
    void tokensLastFiveToTenMinutesAndBindTheAddress() throws Exception {
        Tokens tokens = new Tokens(random, 0);
        java.net.InetAddress a = java.net.InetAddress.getByName("10.0.0.1");
        java.net.InetAddress b = java.net.InetAddress.getByName("10.0.0.2");
        byte[] token = tokens.issue(a);
        assertTrue(tokens.valid(token, a));
        assertFalse(tokens.valid(token, b), "a token is for the address that asked");
        tokens.tick(Tokens.ROTATE_MILLIS);
        assertTrue(tokens.valid(token, a), "the previous secret is still accepted");
        tokens.tick(2 * Tokens.ROTATE_MILLIS);
        assertFalse(tokens.valid(token, a), "two rotations later it is not");
    }
}
