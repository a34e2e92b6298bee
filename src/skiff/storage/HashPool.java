package skiff.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.zip.CRC32C;
import skiff.metainfo.Metainfo;

/**
 * Verifies pieces with SHA-1 on the worker pool and posts each verdict back to the loop.
 * Workers read the files with positional reads (the page cache the mapped writes went to), so no
 * mapped window is ever shared with them.
 */
public final class HashPool {
    /** What a verification found. MISSING: the data is not (all) on disk. */
    public enum Verdict { GOOD, BAD, MISSING }

    /** Receives a verdict on the loop, with the CRC-32C of each 16 KiB block when they were asked for or the piece is bad. */
    public interface Done {
        void verdict(Verdict verdict, long[] blockChecksums);
    }

    /**
     * Hash jobs handed to the workers at once; the rest wait here, in order. The workers also run
     * fsync, allocation and DNS: a full pool must slow hashing down, never fail a download.
     */
    static final int MAX_JOBS_IN_FLIGHT = 2;
    private static final int CHUNK_BYTES = 64 << 10;
    private static final int BLOCK_BYTES = 16 << 10;

    private record Job(int index, boolean sums, Done done) {
    }

    private final Metainfo metainfo;
    private final FileMap map;
    private final Storage storage; // its paths are made per read: any thread
    private final Executor workers;
    private final Executor loop;
    private final ThreadLocal<ByteBuffer> buffers;
    private final ThreadLocal<MessageDigest> digests;
    private final ArrayDeque<Job> waiting = new ArrayDeque<>();
    private int running;

    /**
     * What each worker thread hashes with: a read buffer and a digest. One per process (the
     * session's), so that every torrent's pool shares them instead of 64 KiB of direct memory per
     * torrent and worker.
     */
    public static final class Scratch {
        private final ThreadLocal<ByteBuffer> buffers = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(CHUNK_BYTES));
        /** One digest per worker: getInstance looks the provider up and constructs reflectively each call. */
        private final ThreadLocal<MessageDigest> digests = ThreadLocal.withInitial(HashPool::newSha1);

        public Scratch() {
            // the thread-locals fill on each worker's first hash
        }
    }

    public HashPool(Storage storage, Executor workers, Executor loop) {
        this(storage, workers, loop, new Scratch());
    }

    public HashPool(Storage storage, Executor workers, Executor loop, Scratch scratch) {
        this.buffers = scratch.buffers;
        this.digests = scratch.digests;
        this.map = storage.map();
        this.metainfo = map.metainfo();
        this.storage = storage;
        this.workers = workers;
        this.loop = loop;
    }

    /** Jobs submitted and not yet answered; callers bound their own queue with it. */
    public int inFlight() {
        return running + waiting.size();
    }

    /** Hashes piece {@code index}; {@code done} runs on the loop with the verdict. Loop thread only. */
    public void verify(int index, Consumer<Verdict> done) {
        verify(index, false, (v, sums) -> done.accept(v));
    }

    /**
     * Hashes piece {@code index} on a worker; with {@code blockChecksums}, or when the piece is bad,
     * the verdict comes with each block's CRC-32C, read on the worker too (a piece may be 512 MiB:
     * never on the loop). Loop thread only.
     */
    public void verify(int index, boolean blockChecksums, Done done) {
        waiting.add(new Job(index, blockChecksums, done));
        submit();
    }

    private void submit() {
        while (running < MAX_JOBS_IN_FLIGHT && !waiting.isEmpty()) {
            Job job = waiting.peek();
            try {
                workers.execute(() -> {
                    Verdict v = hash(job.index(), null);
                    long[] sums = null;
                    if (job.sums() || v == Verdict.BAD) {
                        sums = new long[(metainfo.pieceSize(job.index()) + BLOCK_BYTES - 1) / BLOCK_BYTES];
                        if (hash(job.index(), sums) == Verdict.MISSING) {
                            sums = null;
                        }
                    }
                    long[] result = sums;
                    loop.execute(() -> {
                        running--;
                        job.done().verdict(v, result);
                        submit();
                    });
                });
            } catch (RejectedExecutionException e) {
                return; // the pool is full (or stopping): the job waits for the next verdict or request
            }
            waiting.poll();
            running++;
        }
    }

    /** Runs on a worker: the SHA-1 verdict. */
    Verdict hash(int index) {
        return hash(index, null);
    }

    /**
     * Runs on a worker. With {@code sums} null: the SHA-1 verdict. Otherwise fills {@code sums} with
     * each block's CRC-32C instead and returns GOOD, or MISSING if the data is not all there.
     */
    private Verdict hash(int index, long[] sums) {
        MessageDigest sha1 = digests.get();
        sha1.reset();
        BlockSums blocks = sums == null ? null : new BlockSums(sums);
        ByteBuffer buf = buffers.get();
        List<FileMap.Segment> segments = new ArrayList<>(2);
        map.segments(map.pieceOffset(index), metainfo.pieceSize(index), segments::add);
        for (FileMap.Segment s : segments) {
            if (s.padding()) {
                feedZeros(sha1, blocks, buf, s.length());
                continue;
            }
            try (FileChannel ch = FileChannel.open(storage.path(s.file()), StandardOpenOption.READ)) {
                if (ch.size() < s.fileOffset() + s.length()) {
                    return Verdict.MISSING;
                }
                long pos = s.fileOffset();
                long end = pos + s.length();
                while (pos < end) {
                    buf.clear();
                    buf.limit((int) Math.min(CHUNK_BYTES, end - pos));
                    int n = ch.read(buf, pos);
                    if (n <= 0) {
                        return Verdict.MISSING;
                    }
                    buf.flip();
                    feed(sha1, blocks, buf);
                    pos += n;
                }
            } catch (IOException e) {
                return Verdict.MISSING;
            }
        }
        if (blocks != null) {
            blocks.finish();
            return Verdict.GOOD;
        }
        return metainfo.pieceHashMatches(index, sha1.digest()) ? Verdict.GOOD : Verdict.BAD;
    }

    private static void feed(MessageDigest sha1, BlockSums blocks, ByteBuffer bytes) {
        if (blocks == null) {
            sha1.update(bytes);
        } else {
            blocks.update(bytes);
        }
    }

    /** CRC-32C per 16 KiB block of a piece, fed its bytes in order: what blame compares between versions. */
    private static final class BlockSums {
        private final long[] out;
        private final CRC32C crc = new CRC32C();
        private int block;
        private int inBlock;

        BlockSums(long[] out) {
            this.out = out;
        }

        void update(ByteBuffer bytes) {
            while (bytes.hasRemaining()) {
                int take = Math.min(bytes.remaining(), BLOCK_BYTES - inBlock);
                int limit = bytes.limit();
                bytes.limit(bytes.position() + take);
                crc.update(bytes);
                bytes.limit(limit);
                inBlock += take;
                if (inBlock == BLOCK_BYTES) {
                    out[block++] = crc.getValue();
                    crc.reset();
                    inBlock = 0;
                }
            }
        }

        void finish() {
            if (inBlock > 0) {
                out[block] = crc.getValue();
            }
        }
    }

    private static MessageDigest newSha1() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void feedZeros(MessageDigest sha1, BlockSums blocks, ByteBuffer buf, int length) {
        int left = length;
        while (left > 0) {
            int n = Math.min(left, CHUNK_BYTES);
            buf.clear();
            for (int i = 0; i < n; i++) {
                buf.put((byte) 0);
            }
            buf.flip();
            feed(sha1, blocks, buf);
            left -= n;
        }
    }
}
