package skiff.swarm;

/**
 * The started pieces that still have open blocks (neither arrived nor asked for), in the order they
 * started: where a pick looks first. Among 30 seeds about 120 pieces of 256 KiB are started at a
 * time, nearly all fully asked for; walking them all for each block handed out cost 2.3 us a pick
 * (tools/PickerBench.java), this list a handful. Linked through the pieces themselves: no
 * allocation as blocks come and go.
 */
final class OpenPieces {
    private PieceProgress head;
    private PieceProgress tail;

    PieceProgress first() {
        return head;
    }

    boolean isEmpty() {
        return head == null;
    }

    /** Lists {@code p} if it has open blocks, unlists it if not. */
    void track(PieceProgress p) {
        if (p.open > 0 && !p.listed) {
            insert(p);
        } else if (p.open == 0 && p.listed) {
            remove(p);
        }
    }

    /** Unlists {@code p}, which has left the started pieces. */
    void remove(PieceProgress p) {
        if (!p.listed) {
            return;
        }
        if (p.prevOpen == null) {
            head = p.nextOpen;
        } else {
            p.prevOpen.nextOpen = p.nextOpen;
        }
        if (p.nextOpen == null) {
            tail = p.prevOpen;
        } else {
            p.nextOpen.prevOpen = p.prevOpen;
        }
        p.prevOpen = null;
        p.nextOpen = null;
        p.listed = false;
    }

    /** In start order: a new piece goes last at once; an old one a released request reopened, further in. */
    private void insert(PieceProgress p) {
        PieceProgress after = tail;
        while (after != null && after.seq > p.seq) {
            after = after.prevOpen;
        }
        p.prevOpen = after;
        p.nextOpen = after == null ? head : after.nextOpen;
        if (p.nextOpen == null) {
            tail = p;
        } else {
            p.nextOpen.prevOpen = p;
        }
        if (after == null) {
            head = p;
        } else {
            after.nextOpen = p;
        }
        p.listed = true;
    }
}
