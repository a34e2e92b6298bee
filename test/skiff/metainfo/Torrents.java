package skiff.metainfo;

import java.util.List;
import skiff.bencode.BDict;
import skiff.bencode.Dicts;
import skiff.bencode.Encoder;

/** Builds small .torrent byte arrays in tests, hostile ones included. */
final class Torrents {
    private Torrents() {
    }

    static byte[] single(String name, long length, int pieceLength) {
        int pieces = (int) ((length + pieceLength - 1) / pieceLength);
        BDict info = Dicts.builder().put("name", name).put("length", length).put("piece length", pieceLength)
            .put("pieces", new byte[pieces * 20]).build();
        return Encoder.encode(Dicts.builder().put("announce", "http://127.0.0.1:1/announce").put("info", info).build());
    }

    /** A multi-file torrent whose files are given as path lists with lengths. */
    static byte[] multi(String name, int pieceLength, List<List<String>> paths, List<Long> lengths) {
        return skiff.testutil.Torrents.multi(name, pieceLength, paths, lengths, java.util.Set.of());
    }
}
