package skiff.swarm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class BlameTest {
    private static final InetSocketAddress HONEST = new InetSocketAddress("127.0.0.1", 1001);
    private static final InetSocketAddress LIAR = new InetSocketAddress("127.0.0.1", 1002);

    @Test
    void aSoleContributorIsGuilty() {
        Blame b = new Blame(piece -> 2);
        b.received(0, 0, LIAR);
        b.received(0, 1, LIAR);
        assertEquals(List.of(LIAR), b.bad(0, new long[] {1, 2}));
    }

    @Test
    void sharedBlameIsSettledWhenThePieceVerifies() {
        long[][] disk = {{10, 99}}; // block 1 was corrupt when the piece failed
        Blame b = new Blame(piece -> 2);
        b.received(0, 0, HONEST);
        b.received(0, 1, LIAR);
        assertEquals(List.of(), b.bad(0, disk[0].clone()), "two contributors: nobody is certain yet");
        assertTrue(b.suspected(0, LIAR) && b.suspected(0, HONEST), "both sent blocks of the bad version");
        assertFalse(b.suspected(1, LIAR), "another piece");
        disk[0] = new long[] {10, 20}; // refetched; block 0 came out the same, block 1 differs
        b.received(0, 0, HONEST);
        b.received(0, 1, HONEST);
        assertEquals(List.of(LIAR), b.good(0, disk[0].clone()));
        assertEquals(List.of(), b.good(1, null), "nothing to settle for a piece that never failed");
    }

    /** A peer that owned a retry and gave it up (choked, stalled, left) is a suspect of that piece. */
    @Test
    void aRetryOwnerThatGaveUpBecomesASuspect() {
        InetSocketAddress staller = new InetSocketAddress("127.0.0.1", 1003);
        long[][] disk = {{10, 99}};
        Blame b = new Blame(piece -> 2);
        b.received(0, 0, HONEST);
        b.received(0, 1, LIAR);
        b.bad(0, disk[0].clone());
        assertFalse(b.suspected(0, staller));
        b.gaveUp(0, staller);
        assertTrue(b.suspected(0, staller));
        b.gaveUp(1, staller);
        assertFalse(b.suspected(1, staller), "only a piece under suspicion keeps suspects");
        disk[0] = new long[] {10, 20};
        b.received(0, 0, HONEST);
        b.received(0, 1, HONEST);
        assertEquals(List.of(LIAR), b.good(0, disk[0].clone()), "the staller sent no block of the bad version: never named");
    }
}
