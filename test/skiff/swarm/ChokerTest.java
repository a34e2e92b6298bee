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

class ChokerTest {
    private static List<Choker.Candidate> peers(double[] down, double[] up, boolean[] interested, boolean[] snubbed) {
        List<Choker.Candidate> out = new ArrayList<>();
        for (int i = 0; i < down.length; i++) {
            out.add(new Choker.Candidate("p" + i, interested[i], down[i], up[i], snubbed[i], Long.MIN_VALUE));
        }
        return out;
    }

    @Test
    void downloadingRewardsTheFastestUploadersToUsPlusOneOptimistic() {
        Choker c = new Choker(4, new SplittableRandom(1));
        double[] down = {100, 900, 50, 700, 800, 10, 0};
        boolean[] all = {true, true, true, true, true, true, true};
        Set<Object> u = c.choose(peers(down, new double[7], all, new boolean[7]), false);
        assertEquals(4, u.size());
        assertTrue(u.containsAll(Set.of("p1", "p4", "p3")), u.toString());
        Object optimistic = c.optimistic();
        assertFalse(Set.of("p1", "p4", "p3").contains(optimistic));
        assertTrue(u.contains(optimistic));
    }

    @Test
    void seedingRewardsThoseWhoTakeTheMost() {
        Choker c = new Choker(2, new SplittableRandom(2));
        double[] up = {5, 50, 500, 1};
        Set<Object> u = c.choose(peers(new double[4], up, new boolean[] {true, true, true, true}, new boolean[4]), true);
        assertTrue(u.contains("p2"), u.toString());
        assertEquals(2, u.size());
    }

    @Test
    void snubbersAndUninterestedPeersAreNotRewarded() {
        Choker c = new Choker(2, new SplittableRandom(3));
        double[] down = {1000, 900, 10, 5};
        Set<Object> u = c.choose(peers(down, new double[4], new boolean[] {false, true, true, true},
            new boolean[] {false, true, false, false}), false);
        assertFalse(u.contains("p0"), "not interested");
        assertTrue(u.contains("p2"), "the best non-snubbing peer: " + u);
    }

    @Test
    void fewerInterestedPeersThanSlotsAreAllUnchoked() {
        Choker c = new Choker(4, new SplittableRandom(4));
        Set<Object> u = c.choose(peers(new double[] {1, 2, 3}, new double[3], new boolean[] {true, false, true},
            new boolean[3]), false);
        assertEquals(Set.of("p0", "p2"), u);
    }

    @Test
    void optimisticSlotRotatesEveryThirtySeconds() {
        Choker c = new Choker(2, new SplittableRandom(5));
        double[] down = {100, 1, 1, 1, 1, 1, 1, 1, 1, 1};
        boolean[] all = new boolean[10];
        java.util.Arrays.fill(all, true);
        Set<Object> seen = new HashSet<>();
        Object last = null;
        int changes = 0;
        for (int round = 0; round < 30; round++) {
            c.choose(peers(down, new double[10], all, new boolean[10]), false);
            if (!c.optimistic().equals(last)) {
                changes++;
            }
            last = c.optimistic();
            seen.add(last);
        }
        assertTrue(changes <= 10, "rotates at most every third round: " + changes);
        assertTrue(seen.size() >= 3, "gives several peers a chance: " + seen);
        assertFalse(seen.contains("p0"), "the regular slot is not also the optimistic one");
    }

    @Test
    void theOptimisticSlotGoesToThePeerThatWaitedLongest() {
        Choker c = new Choker(1, new SplittableRandom(6));
        List<Choker.Candidate> peers = List.of(
            new Choker.Candidate("served-now", true, 0, 900, false, 50_000),
            new Choker.Candidate("served-earlier", true, 0, 0, false, 20_000),
            new Choker.Candidate("served-long-ago", true, 0, 0, false, 10_000));
        assertEquals(Set.of("served-long-ago"), c.choose(peers, true));
    }

    @Test
    void everyInterestedPeerGetsATurnInOrder() {
        // One slot, five peers, each unchoked peer's time noted as the round it was served:
        // over five rotations each peer is served once, none twice, whatever the lot says.
        Choker c = new Choker(1, new SplittableRandom(7));
        long[] lastUnchoked = new long[5];
        java.util.Arrays.fill(lastUnchoked, Long.MIN_VALUE);
        List<Object> served = new ArrayList<>();
        for (int round = 0; round < 5 * Choker.OPTIMISTIC_EVERY_ROUNDS; round++) {
            List<Choker.Candidate> peers = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                peers.add(new Choker.Candidate(i, true, 0, 0, false, lastUnchoked[i]));
            }
            Object chosen = c.choose(peers, true).iterator().next();
            lastUnchoked[(Integer) chosen] = round;
            if (served.isEmpty() || !served.get(served.size() - 1).equals(chosen)) {
                served.add(chosen);
            }
        }
        assertEquals(5, served.size(), served.toString());
        assertEquals(5, new HashSet<>(served).size(), "each served once: " + served);
    }

    private static List<Choker.Candidate> uploading(double... upRates) {
        List<Choker.Candidate> out = new ArrayList<>();
        for (int i = 0; i < upRates.length; i++) {
            out.add(new Choker.Candidate("u" + i, true, 0, upRates[i], false, Long.MIN_VALUE));
        }
        return out;
    }

    @Test
    void aFastUplinkUnchokesTheWholeCrowd() {
        Choker c = Choker.rateBased(4, new SplittableRandom(3));
        double[] rates = new double[12];
        java.util.Arrays.fill(rates, 1 << 20); // each unchoked peer took 1 MiB/s last round
        assertEquals(12, c.choose(uploading(rates), true).size());
        assertEquals(13, c.slots(), "one beyond the twelve that earned theirs");
    }

    @Test
    void aSlowUplinkKeepsTheLeastSlots() {
        Choker c = Choker.rateBased(4, new SplittableRandom(4));
        double[] rates = new double[12];
        java.util.Arrays.fill(rates, 2048); // 24 KiB/s in all: below one step each
        assertEquals(4, c.choose(uploading(rates), true).size());
        // the i-th fastest must take i steps: 3 earn theirs (100K, 50K, 12K >= 3 * 4K), the 4th (15K < 16K) not
        c.choose(uploading(100_000, 50_000, 12_288, 15_000, 0, 0, 0, 0), true);
        assertEquals(4, c.slots());
        c.choose(uploading(100_000, 50_000, 20_480, 20_480, 20_480, 0, 0), true);
        assertEquals(6, c.slots(), "five earned theirs: one more to try");
    }

    @Test
    void slotsGrowBetweenRoundsWhileEveryOpenSlotEarnsItsPlaceAndShrinkByHalvesWhenTheyDoNot() {
        Choker c = Choker.rateBased(4, new SplittableRandom(5));
        assertFalse(c.grow(uploading(1 << 20, 1 << 20, 1 << 20, 1024)), "the 4th slot does not earn its place");
        assertFalse(c.grow(uploading(1 << 20)), "one peer measured of four slots: too soon to tell");
        assertFalse(c.grow(uploading()), "nobody measured yet");
        assertEquals(4, c.slots());
        assertTrue(c.grow(uploading(20_480, 20_480)), "half the slots measured, each earning its place");
        assertEquals(8, c.slots(), "doubled: 40 KiB/s shared out would feed only 4 (1+2+3+4 steps)");
        assertTrue(c.grow(uploading(1 << 20, 1 << 20, 1 << 20, 1 << 20)));
        assertEquals(40, c.slots(), "4 MiB/s would feed 44 slots: opened at once, up to the most");
        assertFalse(c.grow(uploading(1 << 20, 1 << 20, 1 << 20, 1 << 20, 1 << 20, 1 << 20, 1 << 20, 1 << 20,
            1 << 20, 1 << 20, 1 << 20, 1 << 20, 1 << 20, 1 << 20, 1 << 20, 1 << 20, 1 << 20, 1 << 20, 1 << 20, 1 << 20)),
            "no more than the most");
        assertFalse(c.grow(uploading(new double[40])), "idle slots earn nothing");
        c.choose(uploading(new double[50]), true);
        assertEquals(20, c.slots(), "an idle round halves the slots, no more");
        c.choose(uploading(new double[50]), true);
        c.choose(uploading(new double[50]), true);
        c.choose(uploading(new double[50]), true);
        assertEquals(4, c.slots(), "down to four, never below");
    }

    @Test
    void aFixedNumberOfSlotsStaysFixed() {
        Choker c = new Choker(4, new SplittableRandom(6));
        double[] rates = new double[12];
        java.util.Arrays.fill(rates, 1 << 20);
        assertEquals(4, c.choose(uploading(rates), true).size());
        assertFalse(c.grow(uploading(1 << 20, 1 << 20, 1 << 20, 1 << 20)));
        assertEquals(4, c.slots());
    }
}
