package skiff.webseed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import skiff.metainfo.Metainfo;

/** BEP 19's URLs for a torrent's files, and a torrent range cut at file ends. */
class SeedFilesTest {
    @Test
    void aSingleFileIsTheUrlItselfOrTheNameUnderAFolderUrl() throws Exception {
        Metainfo m = SeedTorrents.single("my file+ü.iso", 1000, 256);
        assertEquals("http://h.example/dl/x.iso", new SeedFiles(m, "http://h.example/dl/x.iso").uri(0).toString());
        assertEquals("https://h.example:8443/dl/my%20file%2B%C3%BC.iso?k=v",
            new SeedFiles(m, "https://h.example:8443/dl/?k=v").uri(0).toString());
    }

    @Test
    void aMultiFileTorrentsFilesAreItsNameAndPathUnderTheUrl() throws Exception {
        Metainfo m = SeedTorrents.multi("album", 256, new Object[] {"cd 1", "01 #1.flac", 300L}, new Object[] {"notes.txt", 10L});
        SeedFiles withSlash = new SeedFiles(m, "http://h.example/pub/");
        assertEquals("http://h.example/pub/album/cd%201/01%20%231.flac", withSlash.uri(0).toString());
        assertEquals("http://h.example/pub/album/notes.txt", withSlash.uri(1).toString());
        assertEquals("http://h.example/pub/album/notes.txt", new SeedFiles(m, "http://h.example/pub").uri(1).toString());
        assertEquals("http://h.example/album/notes.txt", new SeedFiles(m, "http://h.example").uri(1).toString());
    }

    @Test
    void aRangeIsCutAtFileEndsSkippingEmptyFilesAndMarkingPadding() throws Exception {
        Metainfo m = SeedTorrents.multi("t", 256, new Object[] {"a", 100L}, new Object[] {"empty", 0L},
            new Object[] {".pad", "156", 156L}, new Object[] {"b", 300L});
        SeedFiles f = new SeedFiles(m, "http://h/");
        assertEquals(List.of(new SeedFiles.Part(0, 50, 50, false), new SeedFiles.Part(2, 0, 156, true), new SeedFiles.Part(3, 0, 10, false)),
            f.parts(50, 216));
        assertEquals(List.of(new SeedFiles.Part(3, 44, 256, false)), f.parts(300, 256));
        assertEquals(List.of(new SeedFiles.Part(0, 0, 100, false)), f.parts(0, 100));
    }

    @Test
    void onlyHttpAndHttpsUrlsWithAHostAreTaken() throws Exception {
        Metainfo m = SeedTorrents.single("x", 10, 16);
        for (String bad : List.of("ftp://h/x", "http:///x", "x", "http://h/a b")) {
            assertThrows(IllegalArgumentException.class, () -> new SeedFiles(m, bad), bad);
        }
    }
}
