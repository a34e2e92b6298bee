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
 *
 * <p>Unless {@code --unchoke-slots} fixes their number, the slots follow the upload actually
 * achieved, as libtorrent's rate-based choker does: four at least, and more while every unchoked
 * peer earns its place, the i-th fastest taking at least i times {@link #RATE_STEP_BYTES} a second.
 * A fast uplink so serves a flash crowd at once instead of four at a time; a slow one keeps few
 * slots, each of them fast.
 */
public final class Choker {
    /** Rounds (of 10 s) between optimistic rotations: BEP 3's 30 seconds. */
    static final int OPTIMISTIC_EVERY_ROUNDS = 3;

    /** One peer's standing this round; {@code lastUnchokedMillis} is Long.MIN_VALUE for a peer never unchoked. */
    public record Candidate(Object id, boolean interested, double downRate, double upRate, boolean snubbed,
                            long lastUnchokedMillis) {
    }

    /** The marginal upload rate each further slot must earn, per slot already open (bytes/s). */
    static final double RATE_STEP_BYTES = 4096;
    /** The most slots a torrent opens, however fast its uplink (Transmission keeps 14). */
    static final int MAX_SLOTS = 40;

    private final int minSlots;
    private final boolean rateBased;
    private int slots;
    private final RandomGenerator random;
    private Object optimistic;
    private int round;

    /** A fixed number of slots. */
    public Choker(int slots, RandomGenerator random) {
        this(slots, false, random);
    }

    /** {@code --unchoke-slots}: a fixed number, or {@link Settings#AUTO_UNCHOKE_SLOTS} for slots that follow the upload. */
    static Choker forSetting(int slots, RandomGenerator random) {
        return slots == Settings.AUTO_UNCHOKE_SLOTS ? rateBased(Settings.DEFAULT_UNCHOKE_SLOTS, random) : new Choker(slots, random);
    }

    /** At least {@code minSlots}, more while the upload achieved grows with them. */
    public static Choker rateBased(int minSlots, RandomGenerator random) {
        return new Choker(minSlots, true, random);
    }

    private Choker(int slots, boolean rateBased, RandomGenerator random) {
        this.rateBased = rateBased;
        this.minSlots = Math.max(1, slots);
        this.slots = this.minSlots;
        this.random = random;
    }

    /** Upload slots open now. */
    public int slots() {
        return slots;
    }

    /**
     * Between rounds: when every unchoked peer whose rate is known earns its slot, and those are at
     * least half the slots, opens twice as many, or at once as many as the upload measured now
     * would earn were it only shared out (n slots while n(n+1)/2 steps fit in it): a crowd is
     * served within a second rather than a few rounds. Returns whether slots were added.
     */
    public boolean grow(List<Candidate> measured) {
        if (!rateBased || slots >= MAX_SLOTS || measured.isEmpty() || measured.size() * 2 < slots
                || earned(measured) < measured.size()) {
            return false;
        }
        double total = 0;
        for (Candidate c : measured) {
            total += c.upRate();
        }
        int affordable = (int) ((Math.sqrt(1 + 8 * total / RATE_STEP_BYTES) - 1) / 2);
        slots = Math.min(MAX_SLOTS, Math.max(slots * 2, affordable));
        return true;
    }

    /** How many of these peers earn a slot: the i-th fastest takes at least i steps a second. */
    private static int earned(List<Candidate> peers) {
        double[] rates = new double[peers.size()];
        for (int i = 0; i < rates.length; i++) {
            rates[i] = peers.get(i).upRate();
        }
        java.util.Arrays.sort(rates);
        int k = 0;
        while (k < rates.length && rates[rates.length - 1 - k] >= (k + 1) * RATE_STEP_BYTES) {
            k++;
        }
        return k;
    }

    /** The peers to unchoke this round; everyone else is choked. */
    public Set<Object> choose(List<Candidate> peers, boolean seeding) {
        // one slot beyond those the last round's rates earned: the next peer's chance to earn one
        if (rateBased) {
            slots = Math.max(minSlots, Math.min(MAX_SLOTS, Math.max(earned(peers) + 1, slots / 2)));
        }
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
