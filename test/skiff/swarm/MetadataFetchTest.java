package skiff.swarm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.MessageDigest;
import java.util.List;
import org.junit.jupiter.api.Test;
import skiff.peer.MetadataMessages;

/** BEP 9's fetch: pieces spread over peers, lies dropped, the whole checked against the info-hash. */
class MetadataFetchTest {
    private final byte[] meta = new byte[40_000];
    private final byte[] hash;

    MetadataFetchTest() throws Exception {
        new java.util.SplittableRandom(3).nextBytes(meta);
        hash = MessageDigest.getInstance("SHA-1").digest(meta);
    }

    private String send(MetadataFetch<String> f, String who, int piece, byte[] from) {
        int off = piece * MetadataMessages.PIECE_BYTES;
        return f.received(who, piece, from.length, from, off, MetadataMessages.pieceLength(piece, from.length));
    }

    @Test
    void piecesAreSpreadOverPeersAndTheWholeIsChecked() {
        MetadataFetch<String> f = new MetadataFetch<>(hash);
        assertTrue(f.offered(meta.length));
        assertFalse(f.offered(meta.length + 1), "one size is agreed; a peer offering another cannot serve");
        assertFalse(f.offered(0));
        assertEquals(List.of(0, 1), f.next("a", 0), "two at once per peer");
        assertEquals(List.of(2), f.next("b", 0));
        assertEquals(List.of(), f.next("c", 0), "nothing left to ask");
        assertNull(send(f, "a", 0, meta));
        assertTrue(send(f, "c", 2, meta).contains("not asked"), "an unasked piece drops the peer");
        f.release("b"); // b left: piece 2 is free again
        assertEquals(List.of(2), f.next("c", 1));
        assertNull(send(f, "c", 2, meta));
        assertTrue(f.received("a", 1, meta.length, new byte[100], 0, 100).contains("100 bytes"), "a short piece");
        assertNull(send(f, "a", 1, meta));
        assertTrue(f.complete());
        assertTrue(f.matches(f.data()));
        assertArrayEquals(meta, f.data());
    }

    @Test
    void aStalePieceIsAskedOfAnotherAndBadMetadataIsFetchedAgain() {
        MetadataFetch<String> f = new MetadataFetch<>(hash);
        f.offered(meta.length);
        assertEquals(List.of(0, 1), f.next("slow", 0));
        assertEquals(List.of(2), f.next("b", 0));
        long later = MetadataFetch.REQUEST_TIMEOUT_MILLIS + 1;
        assertEquals(List.of(0), f.next("b", later), "unanswered too long: asked of another, within its share");
        byte[] lie = meta.clone();
        lie[5] ^= 1;
        assertNull(send(f, "b", 0, lie));
        assertNull(send(f, "b", 2, lie));
        assertEquals(List.of(1), f.next("b", later));
        assertNull(send(f, "b", 1, lie));
        assertNull(send(f, "slow", 0, meta), "a late answer to a piece asked again is no lie");
        assertTrue(f.complete());
        assertFalse(f.matches(f.data()));
        assertEquals(List.of("b"), f.failed(), "one peer sent it all: it is the one to drop");
        assertFalse(f.complete());
        f.rejected("c", 0, 100);
        assertEquals(List.of(), f.next("c", 200), "a peer that rejected rests");
        assertEquals(2, f.next("d", 200).size());
    }
}
