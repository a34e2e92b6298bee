package skiff.webseed;

import java.util.ArrayList;
import java.util.List;
import skiff.bencode.BDict;
import skiff.bencode.BList;
import skiff.bencode.BValue;
import skiff.bencode.Dicts;
import skiff.bencode.Encoder;
import skiff.metainfo.Metainfo;
import skiff.metainfo.MetainfoParser;

/** Small torrents for the web seed tests: only their shape matters (the piece hashes are zeros). */
final class SeedTorrents {
    private SeedTorrents() {
    }

    static Metainfo single(String name, long length, int pieceLength) throws Exception {
        int pieces = (int) ((length + pieceLength - 1) / pieceLength);
        BDict info = Dicts.builder().put("name", name).put("length", length).put("piece length", pieceLength)
            .put("pieces", new byte[pieces * 20]).build();
        return MetainfoParser.parse(Encoder.encode(Dicts.builder().put("info", info).build()));
    }

    /** Files as {path elements..., length}; a path starting with ".pad" is a BEP 47 padding file. */
    static Metainfo multi(String name, int pieceLength, Object[]... files) throws Exception {
        List<BValue> list = new ArrayList<>();
        long total = 0;
        for (Object[] f : files) {
            List<String> path = new ArrayList<>();
            for (int i = 0; i < f.length - 1; i++) {
                path.add((String) f[i]);
            }
            long length = (Long) f[f.length - 1];
            Dicts b = Dicts.builder().put("length", length).putStrings("path", path);
            if (path.get(0).equals(".pad")) {
                b.put("attr", "p");
            }
            list.add(b.build());
            total += length;
        }
        int pieces = (int) ((total + pieceLength - 1) / pieceLength);
        BDict info = Dicts.builder().put("name", name).put("files", new BList(list)).put("piece length", pieceLength)
            .put("pieces", new byte[pieces * 20]).build();
        return MetainfoParser.parse(Encoder.encode(Dicts.builder().put("info", info).build()));
    }
}
