package skiff.swarm;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * Who sent which block, so that a piece failing its hash costs the liar and not the honest. A sole
 * contributor is certainly guilty. When several peers shared a bad piece, the checksum of every
 * bad block is kept; once the piece verifies (refetched from one peer alone), the blocks that
 * differ name the peers that sent them (libtorrent's "smart ban").
 */
final class Blame {
    private record Suspects(InetSocketAddress[] peers, long[] checksums) {
    }

    /** A block checksum we do not know: never compared (CRC-32C values are never negative). */
    private static final long UNKNOWN = -1;

    private final IntFunction<Integer> blockCount;
    private final Map<Integer, InetSocketAddress[]> contributors = new HashMap<>();
    /** The last piece a block came for, and its senders: consecutive blocks skip the map. */
    private int lastPiece = -1;
    private InetSocketAddress[] lastSenders;
    private final Map<Integer, Suspects> suspects = new HashMap<>();

    Blame(IntFunction<Integer> blockCount) {
        this.blockCount = blockCount;
    }

    /** Whether the piece's verdict must come with block checksums: an earlier bad version awaits comparison. */
    boolean needsChecksums(int piece) {
        return suspects.containsKey(piece);
    }

    void received(int piece, int block, InetSocketAddress from) {
        if (piece != lastPiece) {
            lastSenders = contributors.computeIfAbsent(piece, k -> new InetSocketAddress[blockCount.apply(k)]);
            lastPiece = piece;
        }
        lastSenders[block] = from;
    }

    /** The piece verified: returns the peers an earlier bad version of it proves guilty. */
    List<InetSocketAddress> good(int piece, long[] checksums) {
        return good(piece, checksums, a -> { });
    }

    /**
     * As above; {@code checksums}: each block's CRC-32C as verified (null when nobody asked for
     * them); {@code credited} hears each peer that sent a block of the good version.
     */
    List<InetSocketAddress> good(int piece, long[] checksums, java.util.function.Consumer<InetSocketAddress> credited) {
        forgetLast(piece);
        InetSocketAddress[] senders = contributors.remove(piece);
        if (senders != null) {
            for (int i = 0; i < senders.length; i++) {
                if (senders[i] != null && (i == 0 || !senders[i].equals(senders[i - 1]))) {
                    credited.accept(senders[i]);
                }
            }
        }
        Suspects earlier = suspects.remove(piece);
        List<InetSocketAddress> guilty = new ArrayList<>();
        if (earlier != null && checksums != null) {
            long[] now = checksums;
            for (int b = 0; b < now.length; b++) {
                if (earlier.peers[b] != null && earlier.checksums[b] != UNKNOWN && earlier.checksums[b] != now[b]
                        && !guilty.contains(earlier.peers[b])) {
                    guilty.add(earlier.peers[b]);
                }
            }
        }
        return guilty;
    }

    /**
     * The piece failed: returns its sole contributor if there was one (guilty), else remembers the
     * suspects with {@code checksums}, each block's CRC-32C as it failed (null if unreadable).
     */
    List<InetSocketAddress> bad(int piece, long[] checksums) {
        forgetLast(piece);
        InetSocketAddress[] who = contributors.remove(piece);
        if (who == null) {
            return List.of();
        }
        Set<InetSocketAddress> distinct = new HashSet<>();
        for (InetSocketAddress a : who) {
            if (a != null) {
                distinct.add(a);
            }
        }
        if (distinct.size() == 1) {
            return List.copyOf(distinct);
        }
        long[] sums = checksums;
        if (sums == null) {
            sums = new long[who.length];
            Arrays.fill(sums, UNKNOWN);
        }
        suspects.putIfAbsent(piece, new Suspects(who, sums));
        return List.of();
    }

    /** Whether {@code peer} sent a block of the failed version of {@code piece}, which is being refetched. */
    boolean suspected(int piece, InetSocketAddress peer) {
        Suspects s = suspects.get(piece);
        if (s != null) {
            for (InetSocketAddress p : s.peers) {
                if (peer.equals(p)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * {@code peer} owned the retry of {@code piece} and gave it up (choked, stalled, left): it counts
     * as a suspect of that piece, so that peers which deliver are preferred for it.
     */
    void gaveUp(int piece, InetSocketAddress peer) {
        Suspects s = suspects.get(piece);
        if (s == null || suspected(piece, peer)) {
            return;
        }
        InetSocketAddress[] more = Arrays.copyOf(s.peers, s.peers.length + 1);
        more[s.peers.length] = peer;
        long[] sums = Arrays.copyOf(s.checksums, s.checksums.length + 1);
        sums[s.checksums.length] = UNKNOWN; // no block of the failed version: never compared
        suspects.put(piece, new Suspects(more, sums));
    }

    /** A piece abandoned without a verdict (shutdown). */
    void forget(int piece) {
        forgetLast(piece);
        contributors.remove(piece);
    }

    private void forgetLast(int piece) {
        if (piece == lastPiece) {
            lastPiece = -1;
            lastSenders = null;
        }
    }
}
