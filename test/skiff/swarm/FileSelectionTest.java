package skiff.swarm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import skiff.bencode.BList;
import skiff.bencode.BValue;
import skiff.bencode.Dicts;
import skiff.bencode.Encoder;
import skiff.metainfo.Bitfield;
import skiff.metainfo.Metainfo;
import skiff.metainfo.MetainfoParser;
import skiff.storage.StorageException;

/** --select-file: numbers as skiff show lists the files, the pieces they need, what is done when. */
class FileSelectionTest {
    /** Pieces of 100 bytes: a 250, a padding file of 50, b 100, an empty file, c 120 (pieces 0-5). */
    private static Metainfo torrent() throws Exception {
        Object[][] files = {{"a", 250L}, {".pad", 50L}, {"b", 100L}, {"empty", 0L}, {"c", 120L}};
        List<BValue> list = new ArrayList<>();
        for (Object[] f : files) {
            Dicts d = Dicts.builder().put("length", (Long) f[1]).putStrings("path", List.of((String) f[0]));
            if (f[0].equals(".pad")) {
                d.put("attr", "p");
            }
            list.add(d.build());
        }
        return MetainfoParser.parse(Encoder.encode(Dicts.builder().put("info", Dicts.builder().put("name", "t")
            .put("files", new BList(list)).put("piece length", 100).put("pieces", new byte[6 * 20]).build()).build()));
    }

    private static List<Integer> set(Bitfield b) {
        List<Integer> out = new ArrayList<>();
        for (int i = b.nextSet(0); i >= 0; i = b.nextSet(i + 1)) {
            out.add(i);
        }
        return out;
    }

    @Test
    void numbersSkipPaddingFilesAndAFileNeedsEveryPieceItTouches() throws Exception {
        Metainfo m = torrent();
        FileSelection s = FileSelection.parse("2, 4");
        assertArrayEquals(new boolean[] {false, false, true, false, true}, s.files(m), "b and c; the padding file has no number");
        assertEquals(List.of(3, 4, 5), set(s.pieces(m)));
        assertEquals(List.of(0, 1, 2), set(FileSelection.parse("1").pieces(m)));
        assertEquals(List.of(), set(FileSelection.parse("3").pieces(m)), "an empty file needs no piece");
        assertNull(FileSelection.parse("1-4").check(m));
        assertEquals("--select-file 2,5: t has 4 files", FileSelection.parse("2,5").check(m));
    }

    @Test
    void aMagnetsSoCountsFromZeroOverEveryFilePaddingIncluded() throws Exception {
        Metainfo m = torrent();
        FileSelection s = FileSelection.ofIndices("0,2-3");
        assertArrayEquals(new boolean[] {true, false, true, true, false}, s.files(m), "a, b and the empty file (BEP 53)");
        assertArrayEquals(new boolean[] {false, false, false, false, true}, FileSelection.ofIndices("1,4").files(m),
            "the padding file is never selected");
        assertNull(FileSelection.ofIndices("0-4").check(m));
        assertEquals("the magnet link's so=2,5: t has 5 files, counted from 0", FileSelection.ofIndices("2,5").check(m));
    }

    @Test
    void badListsAreOneLine() {
        String[][] cases = {
            {"", "'' is not a list of file numbers such as 1,3-5"},
            {"1,,2", "'1,,2' is not a list of file numbers such as 1,3-5"},
            {"a", "'a' is not a list of file numbers such as 1,3-5"},
            {"0", "file numbers start at 1: '0'"},
            {"5-2", "'5-2' is a range backwards"},
            {"99999999999", "'99999999999' is not a list of file numbers such as 1,3-5"},
        };
        for (String[] c : cases) {
            assertEquals(c[1], assertThrows(IllegalArgumentException.class, () -> FileSelection.parse(c[0])).getMessage(), c[0]);
        }
    }

    @Test
    void theDownloadIsDoneWhenItsWantedPiecesAreAndOnlyTheirFilesAreMade() throws Exception {
        Metainfo m = torrent();
        Wanted w = Wanted.of(m, FileSelection.parse("4"));
        assertEquals(120, w.totalBytes(), "c's pieces, 4 and the last one of 20 bytes");
        Bitfield have = new Bitfield(6);
        have.set(4);
        w.had(have);
        assertFalse(w.done());
        assertEquals(20, w.missingBytes());
        w.got(0); // not wanted: changes nothing
        assertFalse(w.done());
        w.got(5);
        assertTrue(w.done());
        assertArrayEquals(new boolean[] {false, false, false, false, true}, w.files(), "c alone: no other file shares its pieces");
        assertArrayEquals(new boolean[] {true, false, false, true, false}, Wanted.of(m, FileSelection.parse("1,3")).files(),
            "a and the selected empty file; never a padding file, though it shares a's last piece");
        assertNull(Wanted.of(m, null).files(), "no selection: every file");
        assertEquals(520, Wanted.of(m, null).totalBytes());
        assertThrows(StorageException.class, () -> Wanted.of(m, FileSelection.parse("7")));
    }
}
