package skiff.swarm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import skiff.metainfo.Bitfield;
import skiff.metainfo.Metainfo;
import skiff.storage.FileMap;
import skiff.testutil.Torrents;

class FinishedFilesTest {
    /** a(100) pad(16284) b(20000) c(0) d(12000), pieces of 16 KiB: 0 = a + pad, 1 = b, 2 = b's end + d. */
    private static FileMap map() throws Exception {
        Metainfo m = Torrents.layout(16384, List.of("a", "pad", "b", "c", "d"), List.of(100L, 16284L, 20000L, 0L, 12000L),
            Set.of(1));
        return new FileMap(m);
    }

    private static List<Integer> verify(FinishedFiles f, int piece) {
        List<Integer> out = new ArrayList<>();
        f.verified(piece, out::add);
        return out;
    }

    @Test
    void aFileIsFinishedByTheLastOfItsPiecesAndPaddingOrEmptyFilesNever() throws Exception {
        FileMap map = map();
        FinishedFiles f = new FinishedFiles(map, new Bitfield(3));
        assertEquals(List.of(0), verify(f, 0));
        assertEquals(List.of(4), verify(f, 2), "d is done; b still misses piece 1");
        assertEquals(List.of(2), verify(f, 1));
    }

    @Test
    void piecesHadAtTheStartCountAsDone() throws Exception {
        Bitfield have = new Bitfield(3);
        have.set(1);
        FinishedFiles f = new FinishedFiles(map(), have);
        assertEquals(List.of(2, 4), verify(f, 2));
        assertEquals(List.of(0), verify(f, 0));
    }
}
