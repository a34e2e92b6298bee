package skiff.metainfo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Magnet links (BEP 9): what real clients write, and every way one can be broken. */
class MagnetLinkTest {
    private static final String HEX = "c12fe1c06bba254a9dc9f519b335aa7c1367a88a";
    /** The same 20 bytes in RFC 4648 base32. */
    private static final String B32 = "YEX6DQDLXISUVHOJ6UM3GNNKPQJWPKEK";

    @Test
    void readsWhatRealClientsWrite() throws Exception {
        MagnetLink m = MagnetLink.parse("magnet:?xt=urn:btih:" + HEX.toUpperCase() + "&dn=Big+Buck%20Bunny%E2%9C%93"
            + "&tr=udp%3A%2F%2Ftracker.example.org%3A1337%2Fannounce&tr=http://t2.example/a?x=1%26y=2"
            + "&tr=udp%3A%2F%2Ftracker.example.org%3A1337%2Fannounce&x.pe=10.0.0.1:6881&x.pe=%5B2001:db8::1%5D:51413"
            + "&ws=http://web.example/f&so=0,2-4&xl=12345");
        assertEquals(HEX, m.infoHashHex());
        assertEquals("Big Buck Bunny\u2713", m.name());
        assertEquals(List.of("udp://tracker.example.org:1337/announce", "http://t2.example/a?x=1&y=2"), m.trackers(),
            "each tr once, in order");
        assertEquals(List.of(InetSocketAddress.createUnresolved("10.0.0.1", 6881),
            InetSocketAddress.createUnresolved("2001:db8::1", 51413)), m.peers());
        assertEquals(List.of("http://web.example/f"), m.webSeeds());
        assertEquals("0,2-4", m.selectOnly(), "BEP 53's so=");
        assertNull(MagnetLink.parse("magnet:?xt=urn:btih:" + HEX).selectOnly());
    }

    @Test
    void base32AndHexNameTheSameTorrent() throws Exception {
        assertEquals(HEX, MagnetLink.parse("magnet:?xt=urn:btih:" + B32).infoHashHex());
        assertEquals(HEX, MagnetLink.parse("MAGNET:?XT=urn:BTIH:" + B32.toLowerCase()).infoHashHex());
        MagnetLink bare = MagnetLink.parse("magnet:?xt=urn:btih:" + HEX);
        assertNull(bare.name());
        assertEquals(HEX, bare.displayName());
        assertTrue(bare.trackers().isEmpty() && bare.peers().isEmpty());
        // a hybrid link (btih and btmh) is read as v1
        assertEquals(HEX, MagnetLink.parse("magnet:?xt=urn:btmh:1220" + "ab".repeat(32) + "&xt=urn:btih:" + HEX).infoHashHex());
    }

    @Test
    void brokenLinksAreOneLine() {
        String[][] cases = {
            {"magnet:?dn=x", "no info-hash"},
            {"magnet:?xt=urn:btih:" + HEX.substring(1), "40 hex or 32 base32 characters, not 39"},
            {"magnet:?xt=urn:btmh:1220" + "ab".repeat(32), "v2-only"},
            {"magnet:?xt=urn:btih:" + HEX + "&dn=%zz", "bad percent-escape"},
            {"magnet:?xt=urn:btih:" + HEX + "&dn=abc%4", "bad percent-escape"},
            {"magnet:?xt=urn:btih:" + HEX + "&dn=%ff%fe", "not UTF-8"},
            {"magnet:?xt=urn:btih:" + "g".repeat(40), "not hexadecimal"},
            {"magnet:?xt=urn:btih:" + "1".repeat(32), "not base32"},
            {"magnet:?xt=urn:btih:" + HEX + "&xt=urn:btih:" + "0".repeat(40), "two different info-hashes"},
            {"magnet:?xt=urn:btih:" + HEX + "&x.pe=10.0.0.1", "HOST:PORT"},
            {"magnet:?xt=urn:btih:" + HEX + "&x.pe=10.0.0.1:0", "HOST:PORT"},
            {"magnet:xt=urn:btih:" + HEX, "starts with magnet:?"},
            {"magnet:?xt=urn:btih:" + HEX + "&so=1,x", "so=1,x is not a list of file indices such as 0,2,4-6"},
            {"magnet:?xt=urn:btih:" + HEX + "&so=", "is not a list of file indices"},
            {"magnet:?xt=urn:btih:" + HEX + "&so=4-2", "so=4-2 has a range backwards: 4-2"},
            {"magnet:?xt=urn:btih:" + HEX + "&so=-1", "is not a list of file indices"},
            {"magnet:?xt=urn:btih:" + HEX + "&so=" + "1,".repeat(3000) + "1", "so= is longer than 4096"},
            {"magnet:?xt=urn:btih:" + HEX + "&tr=" + "x".repeat(MagnetLink.MAX_LENGTH), "longer than"},
        };
        for (String[] c : cases) {
            MetainfoException e = assertThrows(MetainfoException.class, () -> MagnetLink.parse(c[0]), c[0]);
            assertTrue(e.getMessage().contains(c[1]) && !e.getMessage().contains("\n"), c[1] + " <- " + e.getMessage());
        }
    }

    @Test
    void aTorrentsMagnetUriParsesBackToItsHashNameAndTrackers() throws Exception {
        Metainfo m = MetainfoParser.parse(java.nio.file.Files.readAllBytes(java.nio.file.Path.of("test/fixtures/torrents/mk-multi.torrent")));
        String uri = MagnetLink.uri(m);
        MagnetLink back = MagnetLink.parse(uri);
        org.junit.jupiter.api.Assertions.assertArrayEquals(m.infoHash(), back.infoHash());
        org.junit.jupiter.api.Assertions.assertEquals(m.name(), back.displayName());
        org.junit.jupiter.api.Assertions.assertEquals(m.tiers().stream().flatMap(java.util.List::stream).toList(), back.trackers());
        org.junit.jupiter.api.Assertions.assertTrue(uri.startsWith("magnet:?xt=urn:btih:" + m.infoHashHex() + "&dn="), uri);
    }
}
