import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import skiff.bencode.Dicts;
import skiff.bencode.Encoder;
import skiff.metainfo.Bitfield;
import skiff.metainfo.Metainfo;
import skiff.metainfo.MetainfoParser;
import skiff.swarm.Picker;

/**
 * make bench-picker: the piece picker alone, as a swarm of seeds drives it. PEERS peers that have
 * every piece each keep 64 requests out; a random one delivers its oldest block, then asks for
 * more, until every piece is in. Prints the CPU time spent choosing blocks, for a 1 GiB torrent of
 * 256 KiB pieces and a 40 GiB one of 1 MiB pieces, three times each (the first includes the JIT's
 * warm-up). Run with the building JDK on build/classes and the image's JVM options (C2 kept to
 * SHA-1, as in the image: the picker runs as C1 compiles it).
 */
public final class PickerBench {
    private static final int PEERS = 30;
    private static final int PIPELINE = 64;

    public static void main(String[] args) throws Exception {
        run(4096, 256 << 10);
        run(40_000, 1 << 20);
    }

    private static void run(int pieces, int pieceLength) throws Exception {
        Metainfo m = MetainfoParser.parse(Encoder.encode(Dicts.builder().put("info", Dicts.builder().put("name", "t")
            .put("length", (long) pieces * pieceLength).put("piece length", pieceLength)
            .put("pieces", new byte[pieces * 20]).build()).build()));
        Bitfield all = new Bitfield(pieces);
        for (int i = 0; i < pieces; i++) {
            all.set(i);
        }
        for (int rep = 1; rep <= 3; rep++) {
            Bitfield have = new Bitfield(pieces);
            Picker<Integer> p = new Picker<>(m, have, new SplittableRandom(rep));
            for (int k = 0; k < PEERS; k++) {
                for (int i = 0; i < pieces; i++) {
                    p.peerHas(i);
                }
            }
            List<ArrayDeque<long[]>> out = new ArrayList<>();
            for (int k = 0; k < PEERS; k++) {
                out.add(new ArrayDeque<>());
            }
            SplittableRandom r = new SplittableRandom(100 + rep);
            long picks = 0;
            long blocks = 0;
            long pickNanos = 0;
            long limit = (long) pieces * (pieceLength / 16384) * 2; // every loop ends
            while (have.count() < pieces && blocks < limit) {
                int k = r.nextInt(PEERS);
                ArrayDeque<long[]> q = out.get(k);
                long[] b = q.poll();
                if (b != null) {
                    blocks++;
                    if (p.received((int) b[0], (int) b[1])) {
                        p.verified((int) b[0]);
                    }
                }
                long t = System.nanoTime();
                p.pick(all, PIPELINE - q.size(), key -> false, (piece, begin, length) -> q.add(new long[] {piece, begin}), k);
                pickNanos += System.nanoTime() - t;
                picks++;
            }
            if (have.count() < pieces) {
                throw new IllegalStateException("the download did not finish: " + have.count() + " of " + pieces);
            }
            System.out.printf("%,d pieces of %d KiB, round %d: %,d blocks, %,d picks, %.1f ms choosing (%.2f us a pick)%n",
                pieces, pieceLength >> 10, rep, blocks, picks, pickNanos / 1e6, pickNanos / 1e3 / picks);
        }
    }
}
