package skiff.swarm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import skiff.bencode.Dicts;
import skiff.bencode.Encoder;
import skiff.metainfo.Bitfield;
import skiff.metainfo.Metainfo;
import skiff.metainfo.MetainfoParser;

class PickerTest {
    /** A torrent of {@code pieces} pieces of 32 KiB (2 blocks each), the last one 20000 bytes. */
    private static Metainfo torrent(int pieces) throws Exception {
        long length = (pieces - 1) * 32768L + 20000;
        return MetainfoParser.parse(Encoder.encode(Dicts.builder().put("info", Dicts.builder().put("name", "t")
            .put("length", length).put("piece length", 32768).put("pieces", new byte[pieces * 20]).build()).build()));
    }

    private static Bitfield all(int n) {
        Bitfield b = new Bitfield(n);
        for (int i = 0; i < n; i++) {
            b.set(i);
        }
        return b;
    }

    private static List<int[]> pick(Picker<Object> p, Bitfield peer, int max, Set<Long> mine) {
        List<int[]> out = new ArrayList<>();
        p.pick(peer, max, mine::contains, (piece, begin, length) -> {
            out.add(new int[] {piece, begin, length});
            mine.add(Picker.key(piece, Picker.blockOf(begin)));
        });
        return out;
    }

    /** As {@link #pick}, for the peer {@code who}. */
    private static List<int[]> pickAs(Picker<Object> p, Object who, Set<Long> mine) {
        List<int[]> out = new ArrayList<>();
        p.pick(all(1), 10, mine::contains, (piece, begin, length) -> {
            out.add(new int[] {piece, begin, length});
            mine.add(Picker.key(piece, Picker.blockOf(begin)));
        }, who);
        return out;
    }

    @Test
    void sequentialStartsPiecesInTheTorrentsOrderWhateverTheirRarity() throws Exception {
        Metainfo m = torrent(8);
        Bitfield have = new Bitfield(8);
        have.set(1);
        Picker<Object> p = new Picker<>(m, have, new SplittableRandom(5));
        p.only(all(8), true);
        p.peerHas(6); // piece 6 is the rarest: rarest-first would start it
        for (int i = 0; i < 8; i++) {
            p.peerHas(i);
            p.peerHas(i);
        }
        Bitfield lacksThree = all(8);
        lacksThree.clear(3);
        Set<Long> mine = new HashSet<>();
        List<Integer> pieces = new ArrayList<>();
        for (int[] b : pick(p, all(8), 4, mine)) {
            pieces.add(b[0]);
        }
        for (int[] b : pick(p, lacksThree, 4, new HashSet<>())) {
            pieces.add(b[0]);
        }
        assertEquals(List.of(0, 0, 2, 2, 4, 4, 5, 5), pieces, "1 is had; 3 the second peer lacks");
        assertEquals(List.of(3, 3), pick(p, all(8), 2, new HashSet<>()).stream().map(b -> b[0]).toList());
    }

    @Test
    void aPeerLeavingMakesThePiecesOnlyItHadTheRarestAgain() throws Exception {
        int n = 64;
        Metainfo m = torrent(n);
        Bitfield have = new Bitfield(n);
        for (int i = 0; i < Picker.RANDOM_FIRST_PIECES; i++) {
            have.set(i);
        }
        Picker<Object> p = new Picker<>(m, have, new SplittableRandom(3));
        for (int peer = 0; peer < 3; peer++) {
            for (int i = 0; i < n; i++) {
                p.peerHas(i);
            }
        }
        assertEquals(1, pick(p, all(n), 1, new HashSet<>()).size()); // a whole scan: all are equally rare
        Bitfield leaver = new Bitfield(n);
        leaver.set(41);
        p.peerGone(leaver); // 41 is now the rarest: a scan may not stop at the first of the others
        for (int k = 0; k < 20; k++) {
            int[] b = pick(p, all(n), 2, new HashSet<>()).get(0);
            if (b[0] == 41) {
                return;
            }
            p.received(b[0], b[1]); // the started piece done, so the next pick starts another
        }
        throw new AssertionError("piece 41, the rarest, was not started");
    }

    @Test
    void aBlockReleasedFromAnOlderPieceIsAskedForBeforeANewerPiecesBlocks() throws Exception {
        Metainfo m = torrent(16); // 2 blocks a piece
        Picker<Object> p = new Picker<>(m, new Bitfield(16), new SplittableRandom(4));
        for (int i = 0; i < 16; i++) {
            p.peerHas(i);
        }
        Set<Long> mine = new HashSet<>();
        List<int[]> first = pick(p, all(16), 4, mine); // two whole pieces, a then b
        int a = first.get(0)[0];
        int[] c = pick(p, all(16), 1, mine).get(0); // a third piece, half asked for
        assertTrue(c[0] != a && c[0] != first.get(2)[0]);
        p.released(a, 16384); // a's second block is open again: a started before c
        int[] next = pick(p, all(16), 1, mine).get(0);
        assertEquals(a, next[0], "the older piece first");
        assertEquals(16384, next[1]);
        int[] then = pick(p, all(16), 1, mine).get(0);
        assertEquals(c[0], then[0], "then the rest of the newer one");
    }

    @Test
    void aPieceCountsItsOpenBlocksThroughRequestsReleasesAndArrivals() {
        SplittableRandom r = new SplittableRandom(11);
        for (int round = 0; round < 200; round++) {
            int blocks = 1 + r.nextInt(70);
            PieceProgress p = new PieceProgress(0, 0, blocks);
            for (int op = 0; op < 300; op++) {
                int b = r.nextInt(blocks);
                switch (r.nextInt(3)) {
                    case 0 -> p.requested(b);
                    case 1 -> p.released(b);
                    default -> p.arrived(b);
                }
                int open = 0;
                int first = blocks;
                for (int i = blocks - 1; i >= 0; i--) {
                    if (p.requests[i] == 0 && !p.got(i)) {
                        open++;
                        first = i;
                    }
                }
                assertEquals(open, p.open, "open blocks, round " + round + " op " + op);
                assertEquals(first, p.firstOpen(), "first open block, round " + round + " op " + op);
            }
        }
    }

    @Test
    void rarestFirstAfterTheRandomStart() throws Exception {
        Metainfo m = torrent(10);
        Bitfield have = new Bitfield(10);
        for (int i = 0; i < Picker.RANDOM_FIRST_PIECES; i++) {
            have.set(i);
        }
        Picker<Object> p = new Picker<>(m, have, new SplittableRandom(1));
        for (int i = 0; i < 10; i++) {
            p.peerHas(i);
            p.peerHas(i);
        }
        p.peerHas(7);
        p.peerHas(5);
        p.peerHas(5); // 8 and 9 stay at availability 2, 6 too
        for (int i = 0; i < 10; i++) {
            if (i != 6) {
                p.peerHas(i);
            }
        }
        List<int[]> got = pick(p, all(10), 2, new HashSet<>());
        assertEquals(6, got.get(0)[0], "piece 6 is the rarest");
        assertEquals(2, got.size());
        assertEquals(6, got.get(1)[0], "a started piece is finished first");
    }

    /** A torrent of {@code pieces} pieces of {@code pieceLength} bytes each. */
    private static Metainfo torrent(int pieces, int pieceLength) throws Exception {
        return MetainfoParser.parse(Encoder.encode(Dicts.builder().put("info", Dicts.builder().put("name", "t")
            .put("length", (long) pieces * pieceLength).put("piece length", pieceLength)
            .put("pieces", new byte[pieces * 20]).build()).build()));
    }

    @Test
    void amongEquallyRarePiecesTheExtentIsRandom() throws Exception {
        int perExtent = 4;
        Metainfo m = torrent(40, Picker.EXTENT_BYTES / perExtent);
        Set<Integer> firstPicks = new HashSet<>();
        for (int seed = 0; seed < 20; seed++) {
            Bitfield have = new Bitfield(40);
            for (int i = 0; i < Picker.RANDOM_FIRST_PIECES; i++) {
                have.set(i);
            }
            Picker<Object> p = new Picker<>(m, have, new SplittableRandom(seed));
            for (int i = 0; i < 40; i++) {
                p.peerHas(i); // one seeder: every piece equally rare
            }
            int piece = pick(p, all(40), 1, new HashSet<>()).get(0)[0];
            assertTrue(piece >= Picker.RANDOM_FIRST_PIECES, "never a piece we have");
            assertEquals(0, piece % perExtent, "an extent starts at its first piece");
            firstPicks.add(piece);
        }
        assertTrue(firstPicks.size() >= 3, "ties go to a random extent: " + firstPicks);
    }

    @Test
    void equallyRarePiecesFollowInOrderWithinTheExtentUnlessARarerOneWaits() throws Exception {
        int n = 1200; // 32 KiB pieces: 512 to an extent
        int perExtent = Picker.EXTENT_BYTES / 32768;
        Metainfo m = torrent(n, 32768);
        Bitfield have = new Bitfield(n);
        for (int i = 0; i < Picker.RANDOM_FIRST_PIECES; i++) {
            have.set(i);
        }
        Picker<Object> p = new Picker<>(m, have, new SplittableRandom(7));
        for (int i = 0; i < n; i++) {
            p.peerHas(i);
            p.peerHas(i);
        }
        Set<Long> mine = new HashSet<>();
        int first = pick(p, all(n), 2, mine).get(0)[0];
        int extentStart = first / perExtent * perExtent;
        assertEquals(Math.max(extentStart, Picker.RANDOM_FIRST_PIECES), first);
        for (int k = 1; k <= 5; k++) {
            List<int[]> got = pick(p, all(n), 2, mine);
            assertEquals(2, got.size());
            assertEquals(first + k, got.get(0)[0], "the next piece of the extent");
        }
        int rare = (extentStart + perExtent + 100) % n; // in another extent, held by one peer fewer
        p.peerGone(single(n, rare));
        assertEquals(rare, pick(p, all(n), 2, mine).get(0)[0], "rarest first still comes first");
        int rareExtent = rare / perExtent * perExtent;
        assertEquals(rareExtent == 0 ? Picker.RANDOM_FIRST_PIECES : rareExtent, pick(p, all(n), 2, mine).get(0)[0],
            "then its extent, from its start");
    }

    private static Bitfield single(int n, int piece) {
        Bitfield b = new Bitfield(n);
        b.set(piece);
        return b;
    }

    @Test
    void lastBlockOfLastPieceIsShort() throws Exception {
        Metainfo m = torrent(3);
        Picker<Object> p = new Picker<>(m, new Bitfield(3), new SplittableRandom(2));
        Bitfield only2 = new Bitfield(3);
        only2.set(2);
        List<int[]> got = pick(p, only2, 10, new HashSet<>());
        assertEquals(2, got.size());
        assertEquals(16384, got.get(0)[2]);
        assertEquals(20000 - 16384, got.get(1)[2]);
    }

    @Test
    void endgameRequestsBlocksAgainFromOtherPeersOnly() throws Exception {
        Metainfo m = torrent(2);
        Picker<Object> p = new Picker<>(m, new Bitfield(2), new SplittableRandom(3));
        Set<Long> peerA = new HashSet<>();
        Set<Long> peerB = new HashSet<>();
        assertEquals(4, pick(p, all(2), 10, peerA).size());
        assertTrue(p.allRequested());
        assertEquals(0, pick(p, all(2), 10, peerA).size(), "never twice to the same peer");
        assertFalse(p.askedOfOthers(0, 0), "asked of A alone: nobody to cancel");
        List<int[]> dup = pick(p, all(2), 10, peerB);
        assertEquals(4, dup.size(), "endgame: B gets the same blocks");
        assertTrue(p.askedOfOthers(0, 0), "asked of A and B: whoever answers second hears a cancel");
        assertTrue(p.received(0, 0) == false);
        assertFalse(p.wanted(0, 0));
        assertTrue(p.received(0, 16384), "the piece is complete");
    }

    @Test
    void failedPieceIsWantedAgainAndVerifiedOnesAreNot() throws Exception {
        Metainfo m = torrent(1);
        Picker<Object> p = new Picker<>(m, new Bitfield(1), new SplittableRandom(4));
        pick(p, all(1), 10, new HashSet<>());
        p.received(0, 0);
        assertTrue(p.received(0, 16384));
        assertFalse(p.wants(all(1)), "being hashed");
        p.failed(0);
        assertTrue(p.wants(all(1)));
        assertEquals(2, pick(p, all(1), 10, new HashSet<>()).size());
        p.received(0, 0);
        p.received(0, 16384);
        p.verified(0);
        assertTrue(p.have().complete());
        assertEquals(0, pick(p, all(1), 10, new HashSet<>()).size());
    }

    @Test
    void releasedRequestsArePickedAgain() throws Exception {
        Metainfo m = torrent(1);
        Picker<Object> p = new Picker<>(m, new Bitfield(1), new SplittableRandom(5));
        pick(p, all(1), 10, new HashSet<>());
        p.released(0, 16384);
        List<int[]> again = pick(p, all(1), 1, new HashSet<>());
        assertEquals(1, again.size());
        assertEquals(16384, again.get(0)[1]);
    }

    /** A one-piece torrent whose two blocks {@code first} and {@code second} asked for came, then failed the hash. */
    private static Picker<Object> failedPiece(long seed, Object first, Object second) throws Exception {
        Picker<Object> p = new Picker<>(torrent(1), new Bitfield(1), new SplittableRandom(seed));
        Set<Long> mine = new HashSet<>();
        p.pick(all(1), 1, mine::contains, (piece, begin, length) -> mine.add(Picker.key(piece, Picker.blockOf(begin))), first);
        p.pick(all(1), 1, k -> false, (piece, begin, length) -> { }, second);
        p.received(0, 0);
        p.received(0, 16384);
        p.failed(0);
        return p;
    }

    @Test
    void aFailedPieceIsRefetchedFromOnePeerAlone() throws Exception {
        Object a = "peer a";
        Object b = "peer b";
        Picker<Object> p = failedPiece(6, a, b);
        assertEquals(2, pickAs(p, a, new HashSet<>()).size(), "the first to ask owns the retry");
        List<int[]> gotB = new ArrayList<>();
        p.pick(all(1), 10, k -> false, (piece, begin, length) -> gotB.add(new int[] {piece, begin}), b);
        assertEquals(0, gotB.size(), "not even in endgame");
        p.disown(a);
        p.released(0, 0);
        p.pick(all(1), 10, k -> false, (piece, begin, length) -> gotB.add(new int[] {piece, begin}), b);
        assertTrue(gotB.size() >= 1, "once the owner is gone, another peer may take it");
    }

    @Test
    void aRetriedPieceIsKeptFromPeersTheDownloadRefuses() throws Exception {
        Object suspect = "sent a bad block";
        Object other = "clean";
        Picker<Object> p = failedPiece(7, suspect, suspect);
        p.retryOwners((piece, who) -> who != suspect);
        List<int[]> got = new ArrayList<>();
        p.pick(all(1), 10, k -> false, (piece, begin, length) -> got.add(new int[] {piece, begin}), suspect);
        assertEquals(0, got.size(), "the suspect may not own the retry");
        got.addAll(pickAs(p, other, new HashSet<>()));
        assertEquals(2, got.size(), "a clean peer takes it");
    }

    /** A retry whose owner gives up starts over with the next owner: one peer's blocks only, so its verdict names it. */
    @Test
    void aRetryTakenFromItsOwnerStartsOver() throws Exception {
        Object a = "staller";
        Object b = "next";
        Picker<Object> p = failedPiece(8, a, b);
        List<Object> revoked = new ArrayList<>();
        p.onRevoke((piece, who) -> revoked.add(piece + " from " + who));
        assertEquals(2, pickAs(p, a, new HashSet<>()).size());
        p.received(0, 0); // one block of the retry came from the staller, the other never will
        p.disown(a);
        assertEquals(List.of("0 from staller"), revoked);
        assertEquals(2, pickAs(p, b, new HashSet<>()).size(), "both blocks again, from the next owner alone");
        assertFalse(p.received(0, 0), "a block of the new try, not a piece complete with the staller's");
        assertTrue(p.received(0, 16384));
    }
}
