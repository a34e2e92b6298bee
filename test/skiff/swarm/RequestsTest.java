package skiff.swarm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestsTest {
    private static List<Long> keys(Requests r) {
        List<Long> out = new ArrayList<>();
        r.forEach(out::add);
        return out;
    }

    @Test
    void keepsOrderThroughHolesAndGrowth() {
        Requests r = new Requests();
        for (long k = 0; k < 40; k++) { // past the first ring's 16 slots
            r.add(k, 1000 + k);
        }
        assertEquals(40, r.size());
        assertTrue(r.remove(0), "the head, as when a peer answers in order");
        assertTrue(r.remove(7), "a hole in the middle");
        assertFalse(r.remove(7), "only once");
        assertFalse(r.remove(99));
        assertEquals(38, r.size());
        assertEquals(1001, r.oldestMillis());
        assertTrue(r.contains(8));
        assertFalse(r.contains(7));
        for (long k = 40; k < 100; k++) {
            r.add(k, 1000 + k);
        }
        List<Long> want = new ArrayList<>();
        for (long k = 1; k < 100; k++) {
            if (k != 7) {
                want.add(k);
            }
        }
        assertEquals(want, keys(r));
    }

    @Test
    void expireTakesTheOldOnesAndTheHeadMovesPastThem() {
        Requests r = new Requests();
        r.add(1, 10);
        r.add(2, 20);
        r.add(3, 30);
        List<Long> gone = new ArrayList<>();
        assertEquals(2, r.expire(20, gone::add));
        assertEquals(List.of(1L, 2L), gone);
        assertEquals(30, r.oldestMillis());
        assertEquals(List.of(3L), keys(r));
        r.clear();
        assertTrue(r.isEmpty());
        assertEquals(List.of(), keys(r));
    }

    @Test
    void aRingFullOfHolesIsPackedNotGrown() {
        Requests r = new Requests();
        for (int round = 0; round < 1000; round++) { // a steady state: one asked, one answered
            r.add(round, round);
            r.add(100_000 + round, round);
            assertTrue(r.remove(100_000 + round), "answered out of order: a hole behind the head");
            assertTrue(r.remove(round));
        }
        assertTrue(r.isEmpty());
        r.add(5, 5);
        assertEquals(List.of(5L), keys(r));
        assertEquals(5, r.oldestMillis());
    }

    /** Against a plain list, through random adds, removals, piece drops, expiry and growth: contains agrees throughout. */
    @Test
    void membershipAgreesWithAPlainListThroughEveryChange() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(5);
        for (int round = 0; round < 8; round++) {
            Requests r = new Requests();
            List<long[]> model = new ArrayList<>(); // {key, millis}
            long now = 0;
            for (int step = 0; step < 2000; step++) {
                now++;
                int op = random.nextInt(10);
                long key = ((long) random.nextInt(12) << 32) | random.nextInt(16);
                if (op < 5 && model.stream().noneMatch(m -> m[0] == key)) {
                    r.add(key, now);
                    model.add(new long[] {key, now});
                } else if (op < 8) {
                    boolean had = model.removeIf(m -> m[0] == key);
                    assertEquals(had, r.remove(key));
                } else if (op == 8) {
                    int piece = random.nextInt(12);
                    List<Long> dropped = new ArrayList<>();
                    r.removePiece(piece, dropped::add);
                    assertEquals(model.stream().filter(m -> (int) (m[0] >>> 32) == piece).count(), dropped.size());
                    model.removeIf(m -> (int) (m[0] >>> 32) == piece);
                } else if (random.nextInt(20) == 0) {
                    r.clear();
                    model.clear();
                } else {
                    long cutoff = now - random.nextInt(50);
                    int n = r.expire(cutoff, k -> { });
                    assertEquals(model.stream().filter(m -> m[1] <= cutoff).count(), n);
                    model.removeIf(m -> m[1] <= cutoff);
                }
                assertEquals(model.size(), r.size());
                java.util.Set<Long> live = new java.util.HashSet<>();
                for (long[] m : model) {
                    live.add(m[0]);
                }
                for (int piece = 0; piece < 12; piece++) {
                    for (int block = 0; block < 16; block++) {
                        long k = ((long) piece << 32) | block;
                        assertEquals(live.contains(k), r.contains(k), "round " + round + " step " + step);
                    }
                }
            }
        }
    }
}
