package skiff.testutil;

import java.util.ArrayList;
import java.util.List;
import skiff.bencode.BList;
import skiff.bencode.BValue;
import skiff.bencode.Dicts;
import skiff.bencode.Encoder;
import skiff.metainfo.Metainfo;
import skiff.metainfo.MetainfoParser;

/** Metainfo for tests of file layout, with all-zero piece hashes: what matters is where the files fall. */
public final class Torrents {
    private Torrents() {
    }

    /** A multi-file torrent "t" of these files, in order; {@code padding[i]}: a BEP 47 padding file. */
    public static Metainfo layout(int pieceLength, String[] names, long[] lengths, boolean[] padding) throws Exception {
        List<BValue> files = new ArrayList<>();
        long total = 0;
        for (int i = 0; i < names.length; i++) {
            Dicts f = Dicts.builder().put("length", lengths[i]).putStrings("path", List.of(names[i]));
            if (padding[i]) {
                f.put("attr", "p");
            }
            files.add(f.build());
            total += lengths[i];
        }
        int pieces = (int) ((total + pieceLength - 1) / pieceLength);
        return MetainfoParser.parse(Encoder.encode(Dicts.builder().put("info", Dicts.builder().put("name", "t")
            .put("files", new BList(files)).put("piece length", pieceLength).put("pieces", new byte[pieces * 20]).build())
            .build()));
    }
}
