package skiff.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import skiff.metainfo.Metainfo;
import skiff.metainfo.MetainfoParser;

class SourceTest {
    private static Metainfo load(String name) throws Exception {
        return MetainfoParser.parse(Files.readAllBytes(Path.of("test/fixtures/torrents", name)));
    }

    @Test
    void twoTorrentsClashOnlyWhereOnesNameHoldsTheOthers() throws Exception {
        Metainfo single = load("mk-single.torrent"); // single.bin
        Metainfo multi = load("mk-multi.torrent"); // the folder data
        Path dir = Path.of("downloads");
        assertEquals("'data' and 'data' would write the same files in downloads", Source.clash(multi, multi, dir));
        assertNull(Source.clash(single, multi, dir));
        assertNull(Source.clash(null, multi, dir), "a magnet's name is not known yet");
        assertNull(Source.clash(single, null, dir));
    }
}
