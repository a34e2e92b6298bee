package skiff.swarm;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import skiff.peer.ExtensionHandshake;
import skiff.peer.MetadataMessages;

/**
 * A magnet link's metadata (BEP 9): the info dictionary in 16 KiB pieces, asked of several peers
 * at once, checked whole against the info-hash. The first plausible size a peer offers is the one
 * fetched; a peer that sends a piece it was not asked for, or of the wrong size, is dropped. Pure
 * (an injected clock); {@code P} is who asks. Loop thread only.
 */
final class MetadataFetch<P> {
    /** Pieces asked of one peer at once. */
    static final int IN_FLIGHT_PER_PEER = 2;
    /** A piece unanswered this long may be asked of someone else. */
    static final long REQUEST_TIMEOUT_MILLIS = 15_000;

    private final byte[] infoHash;
    private int size = -1;
    private byte[] data;
    private boolean[] have;
    private int haveCount;
    private final Map<Integer, P> askedOf = new HashMap<>();
    private final Map<Integer, Long> askedAt = new HashMap<>();
    private final Map<Integer, P> sentBy = new HashMap<>();
    private final Map<P, Long> refusedUntil = new HashMap<>();

    MetadataFetch(byte[] infoHash) {
        this.infoHash = infoHash.clone();
    }

    /** Whether {@code who}, offering metadata of {@code offered} bytes, can serve us: the first size in range is taken. */
    boolean offered(int offered) {
        if (offered < 1 || offered > ExtensionHandshake.MAX_METADATA_BYTES) {
            return false;
        }
        if (size < 0) {
            size = offered;
            data = new byte[offered];
            have = new boolean[MetadataMessages.pieceCount(offered)];
        }
        return offered == size;
    }

    int size() {
        return size;
    }

    boolean complete() {
        return have != null && haveCount == have.length;
    }

    /** Pieces to ask {@code who} for now: missing, not asked of another (or asked too long ago), up to its share. */
    List<Integer> next(P who, long now) {
        List<Integer> out = new ArrayList<>();
        if (have == null || refusedUntil.getOrDefault(who, 0L) > now) {
            return out;
        }
        int mine = 0;
        for (P p : askedOf.values()) {
            mine += p == who ? 1 : 0;
        }
        for (int i = 0; i < have.length && mine + out.size() < IN_FLIGHT_PER_PEER; i++) {
            P asked = askedOf.get(i);
            boolean stale = asked != null && asked != who && now - askedAt.get(i) > REQUEST_TIMEOUT_MILLIS;
            if (!have[i] && (asked == null || stale)) {
                askedOf.put(i, who);
                askedAt.put(i, now);
                out.add(i);
            }
        }
        return out;
    }

    /** A piece from {@code who}; returns why to drop the peer, or null. */
    String received(P who, int piece, int totalSize, byte[] b, int offset, int length) {
        if (have == null || totalSize != size || piece >= have.length) {
            return "metadata piece " + piece + " of " + totalSize + " bytes, not of the " + size + " agreed";
        }
        if (askedOf.get(piece) != who) {
            return have[piece] ? null : "metadata piece " + piece + " it was not asked for"; // a late answer to a re-asked piece is no lie
        }
        if (length != MetadataMessages.pieceLength(piece, size)) {
            return "metadata piece " + piece + " of " + length + " bytes";
        }
        System.arraycopy(b, offset, data, piece * MetadataMessages.PIECE_BYTES, length);
        askedOf.remove(piece);
        askedAt.remove(piece);
        if (!have[piece]) {
            have[piece] = true;
            haveCount++;
            sentBy.put(piece, who);
        }
        return null;
    }

    /** {@code who} will not give {@code piece} (BEP 9's reject): asked of someone else, and it rests a while. */
    void rejected(P who, int piece, long now) {
        if (askedOf.get(piece) == who) {
            askedOf.remove(piece);
            askedAt.remove(piece);
        }
        refusedUntil.put(who, now + REQUEST_TIMEOUT_MILLIS);
    }

    /** {@code who} left: what it was asked for is free again. */
    void release(P who) {
        askedOf.values().removeIf(p -> p == who);
        askedAt.keySet().retainAll(askedOf.keySet());
        refusedUntil.remove(who);
    }

    /** The whole metadata once complete (to hash on a worker), else null. */
    byte[] data() {
        return complete() ? data : null;
    }

    /** Whether {@code metadata} is the torrent's: its SHA-1 is the info-hash. Runs on a worker. */
    boolean matches(byte[] metadata) {
        try {
            return Arrays.equals(MessageDigest.getInstance("SHA-1").digest(metadata), infoHash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The metadata did not hash to the info-hash: everything is fetched again. Returns who sent it
     * when one peer sent it all (to drop), else nobody: the pieces cannot be told apart.
     */
    List<P> failed() {
        List<P> senders = List.copyOf(new LinkedHashSet<>(sentBy.values()));
        Arrays.fill(have, false);
        haveCount = 0;
        sentBy.clear();
        return senders.size() == 1 ? senders : List.of();
    }
}
