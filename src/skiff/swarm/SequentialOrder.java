package skiff.swarm;

import java.util.function.IntPredicate;
import skiff.metainfo.Bitfield;

/**
 * --sequential: new pieces in the torrent's order, the first missing one a peer has, so that a
 * file can be watched or played while it comes (libtorrent's sequential_download, aria2's
 * --stream-piece-selector=inorder). Rarest-first serves the swarm better; this is the user's call.
 */
final class SequentialOrder {
    private final Bitfield have;
    /** Every piece before it is had: the scan starts here. */
    private int cursor;

    SequentialOrder(Bitfield have) {
        this.have = have;
    }

    /** The first piece the peer has that we lack and {@code busy} does not rule out; -1 if none. */
    int next(Bitfield peerPieces, IntPredicate busy) {
        while (cursor < have.size() && have.get(cursor)) {
            cursor++;
        }
        for (int i = peerPieces.nextSet(cursor); i >= 0; i = peerPieces.nextSet(i + 1)) {
            if (!have.get(i) && !busy.test(i)) {
                return i;
            }
        }
        return -1;
    }
}
