package skiff.dht;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import skiff.bencode.Dicts;

class KrpcTest {
    private static final SplittableRandom RANDOM = new SplittableRandom(9);

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static InetSocketAddress addr(String ip, int port) throws Exception {
        return new InetSocketAddress(InetAddress.getByName(ip), port);
    }

    @Test
    void theExampleQueriesOfBep5Decode() throws Exception {
        Krpc.Message ping = Krpc.decode(ascii("d1:ad2:id20:abcdefghij0123456789e1:q4:ping1:t2:aa1:y1:qe"));
        assertEquals(Krpc.Kind.QUERY, ping.kind());
        assertEquals("ping", ping.method());
        assertArrayEquals(ascii("aa"), ping.tid());
        assertArrayEquals(ascii("abcdefghij0123456789"), ping.id().bytes());
        Krpc.Message announce = Krpc.decode(ascii("d1:ad2:id20:abcdefghij012345678912:implied_porti1e9:info_hash20:"
            + "mnopqrstuvwxyz1234564:porti6881e5:token8:aoeusnthe1:q13:announce_peer1:t2:aa1:y1:qe"));
        assertTrue(announce.impliedPort());
        assertEquals(6881, announce.port());
        assertArrayEquals(ascii("aoeusnth"), announce.token());
        assertArrayEquals(ascii("mnopqrstuvwxyz123456"), announce.target().bytes());
        Krpc.Message values = Krpc.decode(ascii("d1:rd2:id20:abcdefghij01234567895:token8:aoeusnth6:valuesl6:axje.u6:idhtnm"
            + "ee1:t2:aa1:y1:re"));
        assertEquals(List.of(addr("97.120.106.101", 11893), addr("105.100.104.116", 28269)), values.values());
        Krpc.Message error = Krpc.decode(ascii("d1:eli201e23:A Generic Error Ocurrede1:t2:aa1:y1:ee"));
        assertEquals(201, error.errorCode());
        assertEquals("A Generic Error Ocurred", error.errorText());
    }

    @Test
    void whatWeSendDecodesToWhatWeMeant() throws Exception {
        NodeId self = NodeId.random(RANDOM);
        List<Contact> nodes = List.of(new Contact(NodeId.random(RANDOM), addr("10.1.2.3", 6881)),
            new Contact(NodeId.random(RANDOM), addr("::1", 7000)));
        InetSocketAddress asker = addr("192.0.2.7", 40000);
        Krpc.Message r = Krpc.decode(Krpc.response(new byte[] {1, 2}, self, Krpc.nodes(Dicts.builder(), nodes), asker));
        assertEquals(Krpc.Kind.RESPONSE, r.kind());
        assertEquals(self, r.id());
        assertEquals(nodes, r.nodes());
        assertEquals(asker, r.yourAddress(), "BEP 42: the asker hears the address we see");
        Krpc.Message q = Krpc.decode(Krpc.query(new byte[] {7}, "get_peers", self,
            Dicts.builder().put("info_hash", self.bytes()), true));
        assertEquals(self, q.target());
        assertTrue(q.readOnly());
    }

    @Test
    void malformedMessagesAreRefusedWithAReason() {
        String id = "2:id20:abcdefghij0123456789";
        for (String bad : List.of(
                "i1e", "le", "d1:t2:aa1:y1:xe", "d1:t0:1:y1:qe",
                "d1:ad" + id + "e1:q4:ping1:t17:aaaaaaaaaaaaaaaaa1:y1:qe", // a transaction id of 17 bytes
                "d1:ad2:id19:abcdefghij012345678e1:q4:ping1:t2:aa1:y1:qe", // a 19-byte id
                "d1:rd" + id + "5:nodes25:abcdefghij0123456789abcdee1:t2:aa1:y1:re", // nodes not a multiple of 26
                "d1:rd" + id + "6:nodes637:abcdefghij0123456789abcdefghij012345678e1:t2:aa1:y1:re",
                "d1:ad" + id + "9:info_hash20:mnopqrstuvwxyz1234564:porti0e5:token2:xxe1:q13:announce_peer1:t2:aa1:y1:qe",
                "d1:ad" + id + "e1:q9:find_node1:t2:aa1:y1:qe", // find_node without a target
                "d1:eli201ee1:t2:aa1:y1:ee")) {
            KrpcException e = assertThrows(KrpcException.class, () -> Krpc.decode(ascii(bad)), bad);
            assertFalse(e.getMessage().isEmpty());
        }
        byte[] huge = new byte[Krpc.MAX_MESSAGE_BYTES + 1];
        huge[0] = 'd';
        assertThrows(KrpcException.class, () -> Krpc.decode(huge));
    }

    @Test
    void tooManyContactsOrPeersAreRefusedAndPortZeroPeersSkipped() throws Exception {
        NodeId self = NodeId.random(RANDOM);
        List<Contact> many = new java.util.ArrayList<>();
        for (int i = 0; i <= Krpc.MAX_CONTACTS; i++) {
            many.add(new Contact(NodeId.random(RANDOM), addr("10.0.0." + (i + 1), 1000 + i)));
        }
        byte[] tooMany = Krpc.response(new byte[] {1}, self, Krpc.nodes(Dicts.builder(), many), addr("10.9.9.9", 1));
        assertThrows(KrpcException.class, () -> Krpc.decode(tooMany));
        byte[] zero = Krpc.response(new byte[] {1}, self, Krpc.values(Dicts.builder(),
            List.of(addr("10.0.0.1", 0), addr("10.0.0.2", 5))), addr("10.9.9.9", 1));
        assertEquals(List.of(addr("10.0.0.2", 5)), Krpc.decode(zero).values());
        assertNull(Krpc.decode(ascii("d1:ad2:id20:abcdefghij0123456789e1:q4:ping1:t2:aa1:y1:qe")).yourAddress());
    }
}
