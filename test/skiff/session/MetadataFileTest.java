package skiff.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import skiff.metainfo.MagnetLink;
import skiff.metainfo.Metainfo;
import skiff.metainfo.MetainfoParser;

/** The .torrent a magnet's metadata becomes keeps the link's trackers and web seeds, and its info-hash. */
class MetadataFileTest {
    @Test
    void aMagnetsWebSeedsAndTrackersGoAroundTheFetchedInfo() throws Exception {
        Metainfo original = MetainfoParser.parse(Files.readAllBytes(Path.of("test/fixtures/torrents/mk-multi.torrent")));
        MagnetLink link = MagnetLink.parse("magnet:?xt=urn:btih:" + original.infoHashHex()
            + "&tr=http://t.example/a&ws=http://web.example/pub/&ws=https://mirror.example/x/");
        Metainfo m = MetainfoParser.parse(MetadataFile.torrent(original.infoBytes(), List.of(link.trackers()), link.webSeeds()));
        assertArrayEquals(original.infoHash(), m.infoHash());
        assertEquals(List.of("http://web.example/pub/", "https://mirror.example/x/"), m.urlList());
        assertEquals(List.of(List.of("http://t.example/a")), m.tiers());
        assertEquals(link.webSeeds(), MagnetLink.parse(MagnetLink.uri(m)).webSeeds(), "skiff show's magnet keeps them");
        assertEquals(List.of(), MetainfoParser.parse(MetadataFile.torrent(original.infoBytes(), List.of(), List.of())).urlList());
    }
}
