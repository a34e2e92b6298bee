package skiff.metainfo;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import skiff.bencode.BencodeException;
import skiff.bencode.Decoder;

/**
 * Seeded, reproducible mutation of real torrents: the parsers must return a value or throw their
 * documented exception, nothing else. Bounded in count and in time.
 */
class MutationTest {
    private static final long SEED = 0x5eedL;
    private static final int ITERATIONS = 40_000;
    private static final long TIME_LIMIT_NANOS = 20_000_000_000L;

    @Test
    void mutatedTorrentsOnlyEverThrowTheDocumentedExceptions() throws Exception {
        List<byte[]> corpus = new ArrayList<>();
        try (Stream<Path> files = Files.list(Path.of("test/fixtures/torrents"))) {
            for (Path p : (Iterable<Path>) files::iterator) {
                if (p.toString().endsWith(".torrent")) {
                    corpus.add(Files.readAllBytes(p));
                }
            }
        }
        assertTrue(corpus.size() >= 4);
        SplittableRandom random = new SplittableRandom(SEED);
        long deadline = System.nanoTime() + TIME_LIMIT_NANOS;
        int parsed = 0;
        int i = 0;
        for (; i < ITERATIONS && System.nanoTime() < deadline; i++) {
            byte[] input = mutate(corpus.get(random.nextInt(corpus.size())), random);
            try {
                MetainfoParser.parse(input);
                parsed++;
            } catch (MetainfoException expected) {
                // documented
            } catch (Throwable t) {
                fail("iteration " + i + " (seed " + SEED + "): " + t, t);
            }
            try {
                Decoder.decode(input);
            } catch (BencodeException expected) {
                // documented
            } catch (Throwable t) {
                fail("decoder, iteration " + i + ": " + t, t);
            }
        }
        assertTrue(i >= 1000, "too few iterations in the time allowed: " + i);
        assertTrue(parsed > 0, "no mutant parsed at all; the mutator is too destructive");
    }

    static byte[] mutate(byte[] original, SplittableRandom r) {
        byte[] b = original.clone();
        int edits = 1 + r.nextInt(4);
        for (int e = 0; e < edits && b.length > 0; e++) {
            int at = r.nextInt(b.length);
            switch (r.nextInt(6)) {
                case 0 -> b[at] = (byte) r.nextInt(256);
                case 1 -> b[at] = (byte) "0123456789:ilde-".charAt(r.nextInt(16));
                case 2 -> b = java.util.Arrays.copyOf(b, at); // truncate
                case 3 -> { // delete a run
                    int len = Math.min(b.length - at, 1 + r.nextInt(16));
                    byte[] c = new byte[b.length - len];
                    System.arraycopy(b, 0, c, 0, at);
                    System.arraycopy(b, at + len, c, at, b.length - at - len);
                    b = c;
                }
                case 4 -> { // duplicate a run
                    int len = Math.min(b.length - at, 1 + r.nextInt(32));
                    byte[] c = new byte[b.length + len];
                    System.arraycopy(b, 0, c, 0, at + len);
                    System.arraycopy(b, at, c, at + len, b.length - at);
                    b = c;
                }
                default -> b[at] ^= (byte) (1 << r.nextInt(8));
            }
        }
        return b;
    }
}
