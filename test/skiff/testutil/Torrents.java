package skiff.testutil;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import skiff.bencode.BDict;
import skiff.bencode.BList;
import skiff.bencode.BValue;
import skiff.bencode.Dicts;
import skiff.bencode.Encoder;
import skiff.metainfo.Metainfo;
import skiff.metainfo.MetainfoParser;

/** Multi-file .torrent bytes for tests, with all-zero piece hashes: what matters is where the files fall. */
public final class Torrents {
    private Torrents() {
    }

    /** Files given as path lists with lengths; those whose index is in {@code padding} are BEP 47 padding files. */
    public static byte[] multi(String name, int pieceLength, List<List<String>> paths, List<Long> lengths, Set<Integer> padding) {
        List<BValue> files = new ArrayList<>();
        long total = 0;
        for (int i = 0; i < paths.size(); i++) {
            Dicts f = Dicts.builder().put("length", lengths.get(i)).putStrings("path", paths.get(i));
            if (padding.contains(i)) {
                f.put("attr", "p");
            }
            files.add(f.build());
            total += lengths.get(i);
        }
        int pieces = (int) ((total + pieceLength - 1) / pieceLength);
        BDict info = Dicts.builder().put("name", name).put("files", new BList(files)).put("piece length", pieceLength)
            .put("pieces", new byte[pieces * 20]).build();
        return Encoder.encode(Dicts.builder().put("info", info).build());
    }

    /** A parsed torrent "t" of one-level files with these names and lengths. */
    public static Metainfo layout(int pieceLength, List<String> names, List<Long> lengths, Set<Integer> padding) throws Exception {
        List<List<String>> paths = new ArrayList<>();
        for (String n : names) {
            paths.add(List.of(n));
        }
        return MetainfoParser.parse(multi("t", pieceLength, paths, lengths, padding));
    }
}
