package skiff.swarm;

import java.util.function.LongConsumer;

/**
 * The blocks asked of one peer, oldest first, each with the time it was asked: a ring of
 * primitive keys, so the per-block path boxes nothing. Peers answer in the order asked, so the
 * block that arrives is almost always at the head; a removal elsewhere leaves a hole that the
 * head skips later. Beside the ring, an open-addressing set of the live keys answers "asked of
 * this peer already?" in constant time: the endgame asks it of every block in flight, for every
 * block that arrives, and a scan of a deep queue there cost the loop 5% of a swarm download.
 */
final class Requests {
    private static final long HOLE = -1; // keys are piece << 32 | block, never negative

    private long[] keys = new long[16];
    private long[] millis = new long[16];
    private int head; // index of the oldest slot, which is never a hole unless the ring is empty
    private int used; // slots from head on, holes included
    private int live;
    /** The live keys, linear probing, HOLE for empty; twice the ring's slots. */
    private long[] index = emptyIndex(32);

    void add(long key, long atMillis) {
        if (used == keys.length) {
            regrow();
        }
        int i = (head + used++) & (keys.length - 1);
        keys[i] = key;
        millis[i] = atMillis;
        live++;
        indexAdd(key);
    }

    /** Forgets the request for {@code key}; false when there was none. */
    boolean remove(long key) {
        int mask = keys.length - 1;
        for (int k = 0; k < used; k++) {
            int i = (head + k) & mask;
            if (keys[i] == key) {
                keys[i] = HOLE;
                live--;
                indexRemove(key);
                skipHoles();
                return true;
            }
        }
        return false;
    }

    boolean contains(long key) {
        int mask = index.length - 1;
        for (int i = slot(key, mask); index[i] != HOLE; i = (i + 1) & mask) {
            if (index[i] == key) {
                return true;
            }
        }
        return false;
    }

    int size() {
        return live;
    }

    boolean isEmpty() {
        return live == 0;
    }

    /** When the oldest request was sent; only while not empty. */
    long oldestMillis() {
        return millis[head];
    }

    /** Every key, oldest first. */
    void forEach(LongConsumer action) {
        int mask = keys.length - 1;
        for (int k = 0; k < used; k++) {
            long key = keys[(head + k) & mask];
            if (key != HOLE) {
                action.accept(key);
            }
        }
    }

    void clear() {
        head = 0;
        used = 0;
        live = 0;
        java.util.Arrays.fill(index, HOLE);
    }

    /** Removes every request for blocks of {@code piece}, handing each key to {@code into}. */
    void removePiece(int piece, LongConsumer into) {
        int mask = keys.length - 1;
        for (int k = 0; k < used; k++) {
            int i = (head + k) & mask;
            if (keys[i] != HOLE && (int) (keys[i] >>> 32) == piece) {
                into.accept(keys[i]);
                indexRemove(keys[i]);
                keys[i] = HOLE;
                live--;
            }
        }
        skipHoles();
    }

    /** Removes the requests sent at or before {@code cutoffMillis}, handing each key to {@code into}; returns how many. */
    int expire(long cutoffMillis, LongConsumer into) {
        int mask = keys.length - 1;
        int n = 0;
        for (int k = 0; k < used; k++) {
            int i = (head + k) & mask;
            if (keys[i] != HOLE && millis[i] <= cutoffMillis) {
                into.accept(keys[i]);
                indexRemove(keys[i]);
                keys[i] = HOLE;
                live--;
                n++;
            }
        }
        skipHoles();
        return n;
    }

    private void skipHoles() {
        while (used > 0 && keys[head] == HOLE) {
            head = (head + 1) & (keys.length - 1);
            used--;
        }
    }

    /** Full: packs the live requests in order, into a ring twice their number (a power of two, at least 16). */
    private void regrow() {
        int capacity = Math.max(16, Integer.highestOneBit(Math.max(1, live)) << 2);
        long[] k2 = new long[capacity];
        long[] m2 = new long[capacity];
        int mask = keys.length - 1;
        int n = 0;
        for (int k = 0; k < used; k++) {
            int i = (head + k) & mask;
            if (keys[i] != HOLE) {
                k2[n] = keys[i];
                m2[n++] = millis[i];
            }
        }
        keys = k2;
        millis = m2;
        head = 0;
        used = n;
        index = emptyIndex(2 * capacity);
        for (int i = 0; i < n; i++) {
            indexAdd(k2[i]);
        }
    }

    private static long[] emptyIndex(int slots) {
        long[] t = new long[slots];
        java.util.Arrays.fill(t, HOLE);
        return t;
    }

    /** A key's home slot: piece and block numbers are small and dense, so they are mixed first. */
    private static int slot(long key, int mask) {
        return (int) ((key * 0x9E3779B97F4A7C15L) >>> 40) & mask;
    }

    private void indexAdd(long key) {
        int mask = index.length - 1;
        int i = slot(key, mask);
        while (index[i] != HOLE) {
            i = (i + 1) & mask;
        }
        index[i] = key;
    }

    /** Deletes one copy of {@code key}, moving later keys of the probe run back so none is cut off. */
    private void indexRemove(long key) {
        int mask = index.length - 1;
        int i = slot(key, mask);
        while (index[i] != key) {
            if (index[i] == HOLE) {
                return;
            }
            i = (i + 1) & mask;
        }
        for (int j = (i + 1) & mask; index[j] != HOLE; j = (j + 1) & mask) {
            int home = slot(index[j], mask);
            // index[j] may move to the gap at i unless its home lies in the cyclic range (i, j]
            boolean homeBetween = i <= j ? (home > i && home <= j) : (home > i || home <= j);
            if (!homeBetween) {
                index[i] = index[j];
                i = j;
            }
        }
        index[i] = HOLE;
    }
}
