package skiff.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import skiff.metainfo.Metainfo;

/**
 * Verifies pieces with SHA-1 on the worker pool and posts each verdict back to the loop.
 * Workers read the files with positional reads (the page cache the mapped writes went to), so no
 * mapped window is ever shared with them.
 */
public final class HashPool {
    /** What a verification found. MISSING: the data is not (all) on disk. */
    public enum Verdict { GOOD, BAD, MISSING }

    private static final int CHUNK_BYTES = 64 << 10;

    private final Metainfo metainfo;
    private final FileMap map;
    private final Path[] paths;
    private final Executor workers;
    private final Executor loop;
    private final ThreadLocal<ByteBuffer> buffers = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(CHUNK_BYTES));
    /** One digest per worker: getInstance looks the provider up and constructs reflectively each call. */
    private final ThreadLocal<MessageDigest> digests = ThreadLocal.withInitial(HashPool::newSha1);
    private int inFlight;

    public HashPool(Storage storage, Executor workers, Executor loop) {
        this.map = storage.map();
        this.metainfo = map.metainfo();
        this.paths = new Path[map.files().size()];
        for (int i = 0; i < paths.length; i++) {
            paths[i] = storage.path(i);
        }
        this.workers = workers;
        this.loop = loop;
    }

    /** Jobs submitted and not yet answered; callers bound their own queue with it. */
    public int inFlight() {
        return inFlight;
    }

    /** Hashes piece {@code index}; {@code done} runs on the loop with the verdict. Loop thread only. */
    public void verify(int index, Consumer<Verdict> done) {
        inFlight++;
        try {
            workers.execute(() -> {
                Verdict v = hash(index);
                loop.execute(() -> {
                    inFlight--;
                    done.accept(v);
                });
            });
        } catch (RejectedExecutionException e) {
            inFlight--;
            done.accept(Verdict.MISSING);
        }
    }

    /** Runs on a worker. */
    Verdict hash(int index) {
        MessageDigest sha1 = digests.get();
        sha1.reset();
        ByteBuffer buf = buffers.get();
        List<FileMap.Segment> segments = new ArrayList<>(2);
        map.segments(map.pieceOffset(index), metainfo.pieceSize(index), segments::add);
        for (FileMap.Segment s : segments) {
            if (s.padding()) {
                feedZeros(sha1, buf, s.length());
                continue;
            }
            try (FileChannel ch = FileChannel.open(paths[s.file()], StandardOpenOption.READ)) {
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
                    sha1.update(buf);
                    pos += n;
                }
            } catch (IOException e) {
                return Verdict.MISSING;
            }
        }
        return metainfo.pieceHashMatches(index, sha1.digest()) ? Verdict.GOOD : Verdict.BAD;
    }

    private static MessageDigest newSha1() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void feedZeros(MessageDigest sha1, ByteBuffer buf, int length) {
        int left = length;
        while (left > 0) {
            int n = Math.min(left, CHUNK_BYTES);
            buf.clear();
            for (int i = 0; i < n; i++) {
                buf.put((byte) 0);
            }
            buf.flip();
            sha1.update(buf);
            left -= n;
        }
    }
}
