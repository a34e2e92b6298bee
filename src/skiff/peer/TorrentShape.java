package skiff.peer;

import java.util.function.IntUnaryOperator;
import skiff.metainfo.Metainfo;

/**
 * What the peer wire codec knows of a torrent: its info-hash, and its pieces once the metainfo
 * is known. Before that (a magnet link fetching its metadata, BEP 9) a peer's haves and bitfield
 * are skipped, its requests ignored and a block from it refused.
 */
public record TorrentShape(byte[] infoHash, int pieceCount, int pieceLength, IntUnaryOperator pieceSize) {
    public static TorrentShape of(Metainfo m) {
        return new TorrentShape(m.infoHash(), m.pieceCount(), m.pieceLength(), m::pieceSize);
    }

    /** A torrent known by its info-hash alone. */
    public static TorrentShape unknown(byte[] infoHash) {
        return new TorrentShape(infoHash.clone(), -1, Wire.BLOCK_BYTES, p -> 0);
    }

    public boolean known() {
        return pieceCount >= 0;
    }
}
