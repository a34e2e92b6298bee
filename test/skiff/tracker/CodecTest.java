package skiff.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static skiff.testutil.Bytes.ascii;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class CodecTest {
    private static final byte[] HASH = new byte[20];
    private static final byte[] PEER_ID = ascii("-SK0100-abcdefghijkl");

    static {
        for (int i = 0; i < 20; i++) {
            HASH[i] = (byte) (i * 13);
        }
    }

    @Test
    void percentEncodesEveryByteButUnreserved() {
        assertEquals("%00%FFaZ9-._~%20%2F", HttpAnnounceCodec.percent(new byte[] {0, (byte) 0xff, 'a', 'Z', '9', '-', '.', '_', '~', ' ', '/'}));
    }

    @Test
    void announceQueryKeepsTheExistingQuery() {
        AnnounceRequest r = new AnnounceRequest(HASH, PEER_ID, 6881, 1, 2, 3, Event.STARTED, 50, 0xabc);
        String q = HttpAnnounceCodec.announceQuery("passkey=xyz", r, ascii("tid"));
        assertTrue(q.startsWith("passkey=xyz&info_hash=%00%0D%1A"), q);
        assertTrue(q.contains("&peer_id=-SK0100-abcdefghijkl&port=6881&uploaded=1&downloaded=2&left=3&compact=1&event=started&numwant=50&key=abc&trackerid=tid"), q);
        assertTrue(!HttpAnnounceCodec.announceQuery(null, new AnnounceRequest(HASH, PEER_ID, 1, 0, 0, 0, Event.NONE, 50, 1), null)
            .contains("event="));
    }

    @Test
    void scrapePathFollowsTheConvention() {
        assertEquals("/scrape", HttpAnnounceCodec.scrapePath("/announce"));
        assertEquals("/x/scrape.php", HttpAnnounceCodec.scrapePath("/x/announce.php"));
        assertNull(HttpAnnounceCodec.scrapePath("/a"));
    }

    @Test
    void parsesCompactDictionaryAndIpv6Peers() throws Exception {
        byte[] compact = {127, 0, 0, 1, 0x1a, (byte) 0xe1, 10, 0, 0, 2, 0, 0 /* port 0: dropped */, 1, 2};
        byte[] six = new byte[18];
        six[15] = 1;
        six[17] = 80;
        String body = "d8:completei3e10:incompletei4e8:intervali900e12:min intervali60e5:peers14:"
            + new String(compact, java.nio.charset.StandardCharsets.ISO_8859_1) + "6:peers618:"
            + new String(six, java.nio.charset.StandardCharsets.ISO_8859_1) + "15:warning message4:slowe";
        AnnounceResponse r = HttpAnnounceCodec.parseAnnounce(body.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        assertEquals(900, r.intervalSeconds());
        assertEquals(60, r.minIntervalSeconds());
        assertEquals(3, r.seeders());
        assertEquals(4, r.leechers());
        assertEquals("slow", r.warning());
        assertEquals(List.of(new InetSocketAddress("127.0.0.1", 6881), new InetSocketAddress("::1", 80)), r.peers());

        AnnounceResponse d = HttpAnnounceCodec.parseAnnounce(ascii(
            "d8:intervali5e5:peersld2:ip9:127.0.0.27:peer id20:aaaaaaaaaaaaaaaaaaaa4:porti7000eed2:ip11:example.com4:porti1eed2:ip3:::14:porti0eeee"));
        assertEquals(List.of(new InetSocketAddress("127.0.0.2", 7000)), d.peers());
        assertEquals(HttpAnnounceCodec.MIN_INTERVAL_SECONDS, d.intervalSeconds());
    }

    @Test
    void failureReasonAndBadBodiesBecomeOneLineErrors() {
        TrackerException e = assertThrows(TrackerException.class,
            () -> HttpAnnounceCodec.parseAnnounce(ascii("d14:failure reason12:not\nallowed!e")));
        assertEquals("tracker says: not allowed!", e.getMessage());
        assertThrows(TrackerException.class, () -> HttpAnnounceCodec.parseAnnounce(ascii("<html>")));
        assertThrows(TrackerException.class, () -> HttpAnnounceCodec.parseAnnounce(ascii("le")));
    }

    @Test
    void udpRepliesWithTheWrongTransactionSizeOrActionAreDropped() {
        ByteBuffer good = ByteBuffer.allocate(16).putInt(0).putInt(42).putLong(777).flip();
        assertEquals(new UdpTrackerCodec.Connected(777), UdpTrackerCodec.decode(good.duplicate(), 42, 0, 6));
        assertNull(UdpTrackerCodec.decode(good.duplicate(), 43, 0, 6));
        assertNull(UdpTrackerCodec.decode(good.duplicate(), 42, 1, 6));
        assertNull(UdpTrackerCodec.decode(ByteBuffer.allocate(12).putInt(0).putInt(42).putInt(1).flip(), 42, 0, 6));
        assertNull(UdpTrackerCodec.decode(ByteBuffer.allocate(4).flip(), 42, 0, 6));

        ByteBuffer ann = ByteBuffer.allocate(20 + 6 + 3).putInt(1).putInt(9).putInt(120).putInt(5).putInt(6)
            .put(new byte[] {127, 0, 0, 1, 0x1a, (byte) 0xe1}).put(new byte[] {1, 2, 3}).flip();
        UdpTrackerCodec.Reply r = UdpTrackerCodec.decode(ann, 9, 1, 6);
        AnnounceResponse a = assertInstanceOf(UdpTrackerCodec.Announced.class, r).response();
        assertEquals(List.of(new InetSocketAddress("127.0.0.1", 6881)), a.peers());
        assertEquals(6, a.seeders());
        assertEquals(5, a.leechers());

        ByteBuffer err = ByteBuffer.allocate(8 + 5).putInt(3).putInt(9).put(ascii("nope!")).flip();
        assertEquals(new UdpTrackerCodec.Failed("tracker says: nope!"), UdpTrackerCodec.decode(err, 9, 1, 6));
    }

    @Test
    void udpAnnounceRequestLayout() {
        AnnounceRequest r = new AnnounceRequest(HASH, PEER_ID, 6881, 3, 1, 2, Event.STARTED, 50, 7);
        ByteBuffer b = UdpTrackerCodec.announce(99, 5, r);
        assertEquals(98, b.remaining());
        assertEquals(99, b.getLong(0));
        assertEquals(1, b.getInt(8));
        assertEquals(5, b.getInt(12));
        assertEquals(1, b.getLong(56)); // downloaded
        assertEquals(2, b.getLong(64)); // left
        assertEquals(3, b.getLong(72)); // uploaded
        assertEquals(2, b.getInt(80)); // event: started
        assertEquals(7, b.getInt(88)); // key
        assertEquals(50, b.getInt(92)); // num_want
        assertEquals(6881, b.getShort(96) & 0xffff);
    }
}
