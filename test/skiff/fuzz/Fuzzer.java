package skiff.fuzz;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A seeded mutation fuzzer: takes inputs from a corpus, mutates them (bit flips, interesting
 * numbers, splices, truncations, duplications), and runs a target on each. Any exception but the
 * documented ones, any Error, and any allocation far beyond what the input justifies is a failure.
 */
final class Fuzzer {
    /** A target runs one input; it may throw only what its parser documents (caught inside). */
    interface Target {
        void run(byte[] input) throws Exception;
    }

    record Failure(byte[] input, Throwable error, String what) {
    }

    record Report(String name, long inputs, List<Failure> failures) {
    }

    /** Allocation allowed per input: a fixed allowance plus this many bytes per input byte. */
    static final long BASE_ALLOCATION_BYTES = 4L << 20;
    static final long ALLOCATION_PER_INPUT_BYTE = 64;
    private static final int[] INTERESTING = {0, 1, -1, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff,
        0x80000000, 0xffffffff, 16384, 16385, 19, 68};

    private final com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    Report run(String name, List<byte[]> corpus, Target target, long maxInputs, long maxMillis, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<Failure> failures = new java.util.ArrayList<>();
        long deadline = System.nanoTime() + maxMillis * 1_000_000;
        long n = 0;
        long tid = Thread.currentThread().getId();
        for (; n < maxInputs && (n % 256 != 0 || System.nanoTime() < deadline); n++) {
            byte[] input = n < corpus.size() ? corpus.get((int) n) : mutate(corpus.get(r.nextInt(corpus.size())), corpus, r);
            long before = threads.getThreadAllocatedBytes(tid);
            try {
                target.run(input);
            } catch (Throwable t) {
                if (failures.size() < 20) {
                    failures.add(new Failure(input, t, t.toString()));
                }
                continue;
            }
            long allocated = threads.getThreadAllocatedBytes(tid) - before;
            if (allocated > BASE_ALLOCATION_BYTES + ALLOCATION_PER_INPUT_BYTE * input.length && failures.size() < 20) {
                failures.add(new Failure(input, null, "allocated " + allocated + " bytes for an input of " + input.length));
            }
        }
        return new Report(name, n, failures);
    }

    static byte[] mutate(byte[] original, List<byte[]> corpus, SplittableRandom r) {
        byte[] b = original.clone();
        int edits = 1 + r.nextInt(6);
        for (int e = 0; e < edits; e++) {
            if (b.length == 0) {
                b = new byte[] {(byte) r.nextInt(256)};
                continue;
            }
            int at = r.nextInt(b.length);
            switch (r.nextInt(9)) {
                case 0 -> b[at] ^= (byte) (1 << r.nextInt(8));
                case 1 -> b[at] = (byte) r.nextInt(256);
                case 2 -> { // an interesting 32-bit number, big-endian, as the wire uses
                    int v = INTERESTING[r.nextInt(INTERESTING.length)];
                    for (int k = 0; k < 4 && at + k < b.length; k++) {
                        b[at + k] = (byte) (v >>> (24 - 8 * k));
                    }
                }
                case 3 -> b = java.util.Arrays.copyOf(b, at);
                case 4 -> { // delete a run
                    int len = Math.min(b.length - at, 1 + r.nextInt(32));
                    byte[] c = new byte[b.length - len];
                    System.arraycopy(b, 0, c, 0, at);
                    System.arraycopy(b, at + len, c, at, b.length - at - len);
                    b = c;
                }
                case 5 -> { // duplicate a run
                    int len = Math.min(b.length - at, 1 + r.nextInt(64));
                    byte[] c = new byte[b.length + len];
                    System.arraycopy(b, 0, c, 0, at + len);
                    System.arraycopy(b, at, c, at + len, b.length - at);
                    b = c;
                }
                case 6 -> { // splice in part of another corpus entry
                    byte[] other = corpus.get(r.nextInt(corpus.size()));
                    if (other.length > 0) {
                        int from = r.nextInt(other.length);
                        int len = Math.min(other.length - from, 1 + r.nextInt(64));
                        byte[] c = new byte[b.length + len];
                        System.arraycopy(b, 0, c, 0, at);
                        System.arraycopy(other, from, c, at, len);
                        System.arraycopy(b, at, c, at + len, b.length - at);
                        b = c;
                    }
                }
                case 7 -> b[at] = (byte) "0123456789:ilde-".charAt(r.nextInt(16));
                default -> { // a digit run: length prefixes and integers grow huge
                    byte[] digits = String.valueOf(r.nextLong() >>> r.nextInt(64)).getBytes();
                    byte[] c = new byte[b.length + digits.length];
                    System.arraycopy(b, 0, c, 0, at);
                    System.arraycopy(digits, 0, c, at, digits.length);
                    System.arraycopy(b, at, c, at + digits.length, b.length - at);
                    b = c;
                }
            }
        }
        return b;
    }
}
