package skiff.swarm;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * Tit-for-tat (BEP 3): every round, unchoke the interested peers that give us the most while we
 * download, or that take the most while we seed (the fastest uploads finish pieces for the swarm
 * soonest; libtorrent's round-robin is the alternative we chose against for simplicity), and keep
 * one optimistic unchoke that rotates every few rounds so newcomers get a chance. The optimistic
 * slot goes to the interested peer that has waited longest since it was last unchoked
 * (libtorrent's rule: everyone gets a turn, in order, rather than by lot). Peers that have
 * snubbed us are not rewarded while we download. Pure: rates in, a set out.
 */
public final class Choker {
    /** Rounds (of 10 s) between optimistic rotations: BEP 3's 30 seconds. */
    static final int OPTIMISTIC_EVERY_ROUNDS = 3;

    /** One peer's standing this round; {@code lastUnchokedMillis} is Long.MIN_VALUE for a peer never unchoked. */
    public record Candidate(Object id, boolean interested, double downRate, double upRate, boolean snubbed,
                            long lastUnchokedMillis) {
    }

    private final int slots;
    private final RandomGenerator random;
    private Object optimistic;
    private int round;

    public Choker(int slots, RandomGenerator random) {
        this.slots = Math.max(1, slots);
        this.random = random;
    }

    /** The peers to unchoke this round; everyone else is choked. */
    public Set<Object> choose(List<Candidate> peers, boolean seeding) {
        List<Candidate> interested = new ArrayList<>();
        for (Candidate c : peers) {
            if (c.interested()) {
                interested.add(c);
            }
        }
        Set<Object> unchoke = new HashSet<>();
        if (interested.size() <= slots) {
            interested.forEach(c -> unchoke.add(c.id()));
            return unchoke;
        }
        Comparator<Candidate> best = seeding
                ? Comparator.comparingDouble(Candidate::upRate).reversed()
                : Comparator.comparing(Candidate::snubbed).thenComparing(Comparator.comparingDouble(Candidate::downRate).reversed());
        interested.sort(best);
        for (int i = 0; i < slots - 1; i++) {
            unchoke.add(interested.get(i).id());
        }
        boolean rotate = round++ % OPTIMISTIC_EVERY_ROUNDS == 0 || optimistic == null
                || !contains(interested, optimistic) || unchoke.contains(optimistic);
        if (rotate) {
            optimistic = longestWaiting(interested.subList(slots - 1, interested.size())).id();
        }
        unchoke.add(optimistic);
        return unchoke;
    }

    private static boolean contains(List<Candidate> candidates, Object id) {
        for (Candidate c : candidates) {
            if (c.id().equals(id)) {
                return true;
            }
        }
        return false;
    }

    /** The candidate unchoked longest ago; ties (peers never unchoked) are drawn by lot. */
    Candidate longestWaiting(List<Candidate> candidates) {
        long oldest = Long.MAX_VALUE;
        List<Candidate> ties = new ArrayList<>();
        for (Candidate c : candidates) {
            if (c.lastUnchokedMillis() < oldest) {
                oldest = c.lastUnchokedMillis();
                ties.clear();
            }
            if (c.lastUnchokedMillis() == oldest) {
                ties.add(c);
            }
        }
        return ties.get(random.nextInt(ties.size()));
    }

    public Object optimistic() {
        return optimistic;
    }
}
