package skiff.swarm;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.BiPredicate;
import java.util.function.IntConsumer;

/**
 * The pieces that failed their hash, for the picker: each is refetched from one peer alone, its
 * owner, so that the next verdict names who sent it. {@code P}: who asks (the download's connections).
 */
final class Retries<P> {
    private final Set<Integer> pieces = new HashSet<>();
    /** Who holds each retried piece; a retried piece not in here waits for an owner. */
    private final Map<Integer, P> owners = new HashMap<>();
    private BiPredicate<Integer, P> mayOwn = (piece, who) -> true;
    private BiPredicate<P, P> outranks = (who, owner) -> false;
    private BiConsumer<Integer, P> revoked = (piece, who) -> { };

    boolean isEmpty() {
        return pieces.isEmpty();
    }

    boolean contains(int piece) {
        return pieces.contains(piece);
    }

    /** The piece failed its hash: from now on one peer's work. */
    void failed(int piece) {
        pieces.add(piece);
        owners.remove(piece);
    }

    /** The piece is verified: no longer a retry. */
    void verified(int piece) {
        pieces.remove(piece);
        owners.remove(piece);
    }

    /** {@code who} takes blocks of {@code piece}: an unowned retry becomes its own. */
    void claim(int piece, P who) {
        if (who != null && pieces.contains(piece) && !owners.containsKey(piece)) {
            owners.put(piece, who);
        }
    }

    void mayOwn(BiPredicate<Integer, P> mayOwn) {
        this.mayOwn = mayOwn;
    }

    void outranks(BiPredicate<P, P> outranks) {
        this.outranks = outranks;
    }

    void onRevoke(BiConsumer<Integer, P> listener) {
        this.revoked = listener;
    }

    boolean owns(P who) {
        return owners.containsValue(who);
    }

    /**
     * Whether {@code who} must leave {@code piece} alone: a retried piece owned by, or kept for,
     * another peer. A peer that outranks the owner takes the retry over instead: {@code restart}
     * hears the piece, whose blocks start over.
     */
    boolean ownedByOther(int piece, P who, IntConsumer restart) {
        if (!pieces.contains(piece)) {
            return false;
        }
        P owner = owners.get(piece);
        if (owner == null) {
            return who != null && !mayOwn.test(piece, who);
        }
        if (owner == who) {
            return false;
        }
        if (who == null || !outranks.test(who, owner)) {
            return true;
        }
        // A better peer came (a seed that choked us for a moment while a liar took the retry): the
        // retry moves to it and starts over, so that it stays one peer's work.
        owners.put(piece, who);
        restart.accept(piece);
        revoked.accept(piece, owner);
        return false;
    }

    /** {@code who} is gone or stalled: each retry it owned loses its owner, {@code stop} hears it, then the revoke listener. */
    void disown(P who, IntConsumer stop) {
        List<Integer> taken = new ArrayList<>();
        for (var it = owners.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Integer, P> e = it.next();
            if (e.getValue() == who) {
                it.remove();
                taken.add(e.getKey());
            }
        }
        for (int piece : taken) {
            stop.accept(piece);
            revoked.accept(piece, who);
        }
    }

    /** For the debug log of a stall. */
    String describe(int piece) {
        P owner = owners.get(piece);
        return !pieces.contains(piece) ? "" : owner == null ? " retry unowned" : " retry owned by " + owner;
    }
}
