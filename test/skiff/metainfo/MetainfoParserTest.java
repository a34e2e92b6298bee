package skiff.metainfo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static skiff.testutil.Bytes.ascii;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import skiff.bencode.BList;
import skiff.bencode.Dicts;
import skiff.bencode.Encoder;

class MetainfoParserTest {
    private static final Path FIXTURES = Path.of("test/fixtures/torrents");

    @Test
    void fixturesHaveTheInfoHashTheirToolsReported() throws Exception {
        List<String> lines = Files.readAllLines(FIXTURES.resolve("HASHES"));
        int checked = 0;
        for (String line : lines) {
            if (line.startsWith("#") || line.isBlank()) {
                continue;
            }
            String[] parts = line.split(" ");
            Metainfo m = MetainfoParser.parse(Files.readAllBytes(FIXTURES.resolve(parts[0])));
            assertEquals(parts[1], m.infoHashHex(), parts[0]);
            checked++;
        }
        assertEquals(4, checked);
    }

    @Test
    void multiFileFixture() throws Exception {
        Metainfo m = MetainfoParser.parse(Files.readAllBytes(FIXTURES.resolve("mk-multi.torrent")));
        assertEquals("data", m.name());
        assertFalse(m.singleFile());
        assertEquals(32768, m.pieceLength());
        assertEquals(140006, m.totalLength());
        assertEquals(5, m.pieceCount());
        assertEquals(140006 - 4 * 32768, m.pieceSize(4));
        assertEquals(List.of("a.bin", "sub/b.txt", "sub/deeper/c.bin", "sub/empty"),
            m.files().stream().map(FileEntry::displayPath).toList());
        assertEquals(100006, m.files().get(2).offset());
        assertEquals(List.of(List.of("http://127.0.0.1:6969/announce")), m.tiers());
    }

    @Test
    void singleFilePrivateWithTiers() throws Exception {
        Metainfo m = MetainfoParser.parse(Files.readAllBytes(FIXTURES.resolve("mk-single.torrent")));
        assertTrue(m.singleFile());
        assertTrue(m.isPrivate());
        assertEquals("single.bin", m.name());
        assertEquals(List.of(List.of("http://127.0.0.1:6969/announce"), List.of("udp://127.0.0.1:6969/announce")), m.tiers());
    }

    @Test
    void infoHashIsOverTheOriginalBytesEvenWhenNotCanonical() throws Exception {
        // Keys out of order: a re-encoding would sort them and change the hash.
        String info = "d6:lengthi3e12:piece lengthi16384e4:name1:x6:pieces20:AAAAAAAAAAAAAAAAAAAAe";
        byte[] torrent = ascii("d4:info" + info + "e");
        Metainfo m = MetainfoParser.parse(torrent);
        byte[] expected = MessageDigest.getInstance("SHA-1").digest(ascii(info));
        assertEquals(HexFormat.of().formatHex(expected), m.infoHashHex());
    }

    @Test
    void announceListReplacesAnnounceAndSkipsMalformedTiers() throws Exception {
        byte[] t = Encoder.encode(Dicts.builder().put("announce", "http://a/")
            .put("announce-list", new BList(List.of(BList.ofStrings(List.of("http://b/", "http://c/")),
                skiff.bencode.BBytes.of("not a tier"), BList.ofStrings(List.of("udp://d:1")))))
            .put("url-list", "http://seed/")
            .put("info", skiff.bencode.Decoder.decode(Torrents.single("x", 5, 16384)) instanceof skiff.bencode.BDict d
                ? d.get("info") : null)
            .build());
        Metainfo m = MetainfoParser.parse(t);
        assertEquals(List.of(List.of("http://b/", "http://c/"), List.of("udp://d:1")), m.tiers());
        assertEquals(List.of("http://seed/"), m.urlList());
    }

    @Test
    void prefersUtf8NamesAndDecodesBadUtf8Safely() throws Exception {
        byte[] badName = {'a', (byte) 0xff, 'b'};
        byte[] t = Encoder.encode(Dicts.builder().put("info", Dicts.builder().put("name", badName)
            .put("length", 1).put("piece length", 16384).put("pieces", new byte[20]).build()).build());
        assertEquals("a\ufffdb", MetainfoParser.parse(t).name());
        byte[] t2 = Encoder.encode(Dicts.builder().put("info", Dicts.builder().put("name", badName)
            .put("name.utf-8", "good").put("length", 1).put("piece length", 16384).put("pieces", new byte[20]).build()).build());
        assertEquals("good", MetainfoParser.parse(t2).name());
    }

    @Test
    void paddingFilesAreMarked() throws Exception {
        byte[] t = Encoder.encode(Dicts.builder().put("info", Dicts.builder().put("name", "n")
            .put("files", new BList(List.of(
                Dicts.builder().put("length", 10).putStrings("path", List.of("a")).build(),
                Dicts.builder().put("length", 16374).putStrings("path", List.of(".pad", "16374")).put("attr", "p").build(),
                Dicts.builder().put("length", 5).putStrings("path", List.of("b")).build())))
            .put("piece length", 16384).put("pieces", new byte[40]).build()).build());
        Metainfo m = MetainfoParser.parse(t);
        assertEquals(List.of(false, true, false), m.files().stream().map(FileEntry::padding).toList());
        assertEquals(16384, m.files().get(2).offset());
    }

    @Test
    void pieceCountMustMatchLength() {
        byte[] t = Encoder.encode(Dicts.builder().put("info", Dicts.builder().put("name", "n").put("length", 40000)
            .put("piece length", 16384).put("pieces", new byte[40]).build()).build());
        MetainfoException e = assertThrows(MetainfoException.class, () -> MetainfoParser.parse(t));
        assertTrue(e.getMessage().contains("need 3"), e.getMessage());
    }

    @Test
    void invalidFieldsGiveOneLineReasons() {
        String[][] cases = {
            {"not bencode", "not a valid torrent"},
            {"le", "top level is not a dictionary"},
            {"de", "no 'info'"},
            {"d4:infodee", "no 'name'"},
            {"d4:infod4:name1:x12:piece lengthi0eee", "piece length 0"},
            {"d4:infod4:name1:x12:piece lengthi-5eee", "piece length -5"},
            {"d4:infod4:name1:x12:piece lengthi16384e6:pieces3:abcee", "multiple of 20"},
            {"d4:infod4:name1:x12:piece lengthi16384e6:pieces0:ee", "no 'length'"},
            {"d4:infod4:name1:x12:piece lengthi16384e6:pieces0:6:lengthi-1eee", "negative"},
            {"d4:infod4:name1:x12:piece lengthi16384e6:pieces0:6:lengthi0eee", "no data"},
            {"d4:infod4:name1:x12:piece lengthi16384e6:pieces0:5:files0:ee", "not a list"},
            {"d4:infod4:name1:x12:piece length1:x6:pieces0:ee", "non-integer 'piece length'"},
            {"d4:infod4:name1:x12:meta versioni2e12:piece lengthi16384eee", "v2-only"},
        };
        for (String[] c : cases) {
            MetainfoException e = assertThrows(MetainfoException.class, () -> MetainfoParser.parse(ascii(c[0])), c[0]);
            assertTrue(e.getMessage().contains(c[1]), c[0] + " -> " + e.getMessage());
            assertFalse(e.getMessage().contains("\n"));
        }
    }

    @Test
    void lengthOverflowIsRejected() {
        byte[] t = Torrents.multi("n", 1 << 20, List.of(List.of("a"), List.of("b")), List.of(Long.MAX_VALUE, 1L));
        assertThrows(MetainfoException.class, () -> MetainfoParser.parse(t));
    }

    @Test
    void oversizedTorrentIsRefusedBeforeDecoding() {
        byte[] huge = new byte[MetainfoParser.MAX_TORRENT_BYTES + 1];
        MetainfoException e = assertThrows(MetainfoException.class, () -> MetainfoParser.parse(huge));
        assertTrue(e.getMessage().contains("larger than"));
    }
}
