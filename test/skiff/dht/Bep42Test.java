package skiff.dht;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** BEP 42 against the BEP's own table of examples. */
class Bep42Test {
    private static NodeId id(String hexPrefix, int lastByte) {
        byte[] b = new byte[20];
        byte[] p = HexFormat.of().parseHex(hexPrefix);
        System.arraycopy(p, 0, b, 0, p.length);
        b[19] = (byte) lastByte;
        return NodeId.of(b);
    }

    @Test
    void theBepsExamplesAreValid() throws Exception {
        // IP, the id's first 3 bytes (the third masked by 0xf8 in the check), rand = the last byte
        assertTrue(Bep42.valid(id("5fbfbf", 0x01), InetAddress.getByName("124.31.75.21")));
        assertTrue(Bep42.valid(id("5a3ce9", 0x56), InetAddress.getByName("21.75.31.124")));
        assertTrue(Bep42.valid(id("a5d432", 0x16), InetAddress.getByName("65.23.51.170")));
        assertTrue(Bep42.valid(id("1b0321", 0x41), InetAddress.getByName("84.124.73.14")));
        assertTrue(Bep42.valid(id("e56f6c", 0x5a), InetAddress.getByName("43.213.53.83")));
    }

    @Test
    void otherIdsAreNotAndLocalAddressesAreExempt() throws Exception {
        InetAddress ip = InetAddress.getByName("124.31.75.21");
        assertFalse(Bep42.valid(id("5fbfbf", 0x02), ip), "another random value gives another prefix");
        assertFalse(Bep42.valid(id("000000", 0x01), ip));
        assertTrue(Bep42.valid(id("000000", 0x01), InetAddress.getByName("127.0.0.1")));
        assertTrue(Bep42.valid(id("000000", 0x01), InetAddress.getByName("192.168.1.5")));
        SplittableRandom r = new SplittableRandom(5);
        for (String a : new String[] {"124.31.75.21", "8.8.8.8", "2001:db8::1"}) {
            assertTrue(Bep42.valid(Bep42.idFor(InetAddress.getByName(a), r), InetAddress.getByName(a)), a);
        }
    }

    @Test
    void theOutsideAddressNeedsThreeNodesToAgree() throws Exception {
        ExternalAddress e = new ExternalAddress();
        InetAddress seen = InetAddress.getByName("203.0.113.9");
        e.vote(seen, InetAddress.getByName("198.51.100.1"));
        e.vote(seen, InetAddress.getByName("198.51.100.1"));
        e.vote(seen, InetAddress.getByName("198.51.100.2"));
        assertTrue(e.address() == null, "two voters are not enough, however often one repeats itself");
        e.vote(InetAddress.getByName("127.0.0.1"), InetAddress.getByName("198.51.100.3"));
        assertTrue(e.address() == null, "a local address is no outside address");
        e.vote(seen, InetAddress.getByName("198.51.100.3"));
        assertTrue(seen.equals(e.address()));
    }

    @Test
    void aFullBucketPrefersIdsThatFitTheirAddress() throws Exception {
        SplittableRandom r = new SplittableRandom(8);
        NodeId self = NodeId.random(r);
        RoutingTable t = new RoutingTable(self, 0);
        java.util.List<Contact> unverified = new java.util.ArrayList<>();
        for (int i = 0; t.size() < 8 || unverified.size() < 8; i++) {
            NodeId id = NodeId.random(r);
            InetAddress ip = InetAddress.getByName("8.8." + (i / 250) + "." + (i % 250 + 1));
            if (self.commonPrefixBits(id) == 0 && !Bep42.valid(id, ip) && unverified.size() < 8) {
                Contact c = new Contact(id, new java.net.InetSocketAddress(ip, 6881));
                t.insert(c, 0);
                unverified.add(c);
            }
        }
        InetAddress ip = InetAddress.getByName("9.9.9.9");
        NodeId verified;
        do {
            verified = Bep42.idFor(ip, r);
        } while (self.commonPrefixBits(verified) != 0);
        Contact good = new Contact(verified, new java.net.InetSocketAddress(ip, 6881));
        t.insert(good, 0);
        assertTrue(t.contains(good), "a verified newcomer takes an unverified node's place in a full bucket");
    }
}
