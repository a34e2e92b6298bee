package skiff.storage;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Supplier;
import skiff.bencode.BBytes;
import skiff.bencode.BDict;
import skiff.bencode.BInt;
import skiff.bencode.BList;
import skiff.bencode.BValue;
import skiff.bencode.BencodeException;
import skiff.bencode.Decoder;
import skiff.bencode.Dicts;
import skiff.bencode.Encoder;
import skiff.metainfo.Bitfield;
import skiff.metainfo.FileEntry;

/**
 * Which pieces were verified, kept beside the data in {@code .skiff/INFOHASH.resume} and
 * trusted only while every file still has the length and modification time recorded with it.
 * Written atomically: a temporary file, forced, then renamed over the old one.
 */
public final class ResumeFile {
    /** A resume file larger than this is not ours. */
    static final int MAX_BYTES = 4 << 20;
    private static final int VERSION = 1;

    /**
     * Files in one flush from which one syncfs per filesystem beats an fsync per file: starting
     * {@code sync} costs a few milliseconds, an fsync of a freshly written small file 0.55 ms.
     */
    static final int SYNCFS_MIN_FILES = 16;

    private final Storage storage;
    private final SyncFs syncFs;
    private final Path path;
    private final ArrayDeque<Runnable> waiting = new ArrayDeque<>(); // loop thread, as the four below
    private final BitSet finished = new BitSet(); // files finished since the last early flush started
    private boolean flushAll; // every unflushed file, at the next early flush
    private boolean flushQueued;
    private boolean busy;

    public ResumeFile(Storage storage) {
        this(storage, SyncFs.system());
    }

    ResumeFile(Storage storage, SyncFs syncFs) {
        this.storage = storage;
        this.syncFs = syncFs;
        this.path = storage.root().resolve(".skiff").resolve(storage.map().metainfo().infoHashHex() + ".resume");
    }

    public Path path() {
        return path;
    }

    /** The recorded pieces if the resume file is valid and every file is unchanged since; else null. Blocking. */
    public Bitfield load() {
        try {
            if (!Files.isRegularFile(path) || Files.size(path) > MAX_BYTES) {
                return null;
            }
            return parse(Files.readAllBytes(path), fileStamps());
        } catch (IOException e) {
            return null;
        }
    }

    /** Pure: the pieces in {@code bytes} when they match the torrent and the current file stamps. */
    Bitfield parse(byte[] bytes, List<long[]> stamps) {
        BValue v;
        try {
            v = Decoder.decode(bytes, MAX_BYTES);
        } catch (BencodeException e) {
            return null;
        }
        if (!(v instanceof BDict d) || !(d.get("version") instanceof BInt ver) || ver.value() != VERSION) {
            return null;
        }
        if (!(d.get("info-hash") instanceof BBytes h) || !Arrays.equals(h.bytes(), storage.map().metainfo().infoHash())) {
            return null;
        }
        if (!(d.get("files") instanceof BList files) || files.items().size() != stamps.size()) {
            return null;
        }
        for (int i = 0; i < stamps.size(); i++) {
            long[] want = stamps.get(i);
            if (!(files.items().get(i) instanceof BList pair) || pair.items().size() != 2
                    || !(pair.items().get(0) instanceof BInt len) || !(pair.items().get(1) instanceof BInt mtime)
                    || len.value() != want[0] || mtime.value() != want[1]) {
                return null;
            }
        }
        if (!(d.get("pieces") instanceof BBytes pieces)) {
            return null;
        }
        byte[] raw = pieces.bytes();
        return Bitfield.fromBytes(raw, 0, raw.length, storage.map().metainfo().pieceCount());
    }

    /** Writes the verified pieces with the files' current stamps. Blocking: run it on a worker. */
    public void save(Bitfield pieces) throws IOException {
        List<BValue> files = new ArrayList<>();
        for (long[] s : fileStamps()) {
            files.add(new BList(List.of(new BInt(s[0]), new BInt(s[1]))));
        }
        BDict d = Dicts.builder().put("version", VERSION).put("info-hash", storage.map().metainfo().infoHash())
                .put("pieces", pieces.toBytes()).put("files", new BList(files)).build();
        Files.createDirectories(path.getParent());
        Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
        try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.WRITE, java.nio.file.StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(java.nio.ByteBuffer.wrap(Encoder.encode(d)));
            ch.force(true);
        }
        try {
            Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** [length, mtime millis] per file; -1s for padding or missing files. */
    List<long[]> fileStamps() {
        List<long[]> out = new ArrayList<>();
        List<FileEntry> files = storage.map().files();
        for (int i = 0; i < files.size(); i++) {
            if (files.get(i).padding()) {
                out.add(new long[] {-1, -1});
                continue;
            }
            try {
                BasicFileAttributes a = Files.readAttributes(storage.path(i), BasicFileAttributes.class); // one stat
                out.add(new long[] {a.size(), a.lastModifiedTime().toMillis()});
            } catch (IOException e) {
                out.add(new long[] {-1, -1});
            }
        }
        return out;
    }

    /**
     * On {@code workers}: forces the files written since their last flush to disk, then records
     * {@code verified} (in that order, so the resume file never vouches for unflushed data);
     * {@code after} hears the error, or null, on {@code loop}. Called on {@code loop}.
     */
    public void saveAfterFlush(Bitfield verified, Executor workers, Executor loop, Consumer<IOException> after) {
        serially(storage::takeUnflushed, verified, workers, loop, after);
    }

    /**
     * Every piece of {@code file} is verified: it is forced to disk soon, on a worker, so that the
     * flush before the last save has little left. Files finished while a flush runs go together in
     * the next. Called on {@code loop}.
     */
    public void flushSoon(int file, Executor workers, Executor loop) {
        finished.set(file);
        queueFlush(workers, loop);
    }

    /**
     * As {@link #flushSoon}, for every file written since its last flush: a big file's data goes to
     * disk while the download goes on, instead of in one long fsync at its end.
     */
    public void flushAllSoon(Executor workers, Executor loop) {
        flushAll = true;
        queueFlush(workers, loop);
    }

    private void queueFlush(Executor workers, Executor loop) {
        if (flushQueued) {
            return;
        }
        flushQueued = true;
        serially(() -> {
            flushQueued = false;
            int[] take = storage.takeUnflushed(flushAll ? null : finished);
            finished.clear();
            flushAll = false;
            return take;
        }, null, workers, loop, error -> { });
    }

    /**
     * One flush or save at a time, in the order asked: a save must not vouch for files that
     * another flush, still running, has taken to force. A job takes its files when it starts.
     */
    private void serially(Supplier<int[]> take, Bitfield verified, Executor workers, Executor loop,
                          Consumer<IOException> after) {
        if (busy) {
            waiting.add(() -> serially(take, verified, workers, loop, after));
            return;
        }
        busy = true;
        int[] files = take.get();
        if (files.length == 0 && verified == null) {
            done(files, null, after);
            return;
        }
        workers.execute(() -> {
            IOException error = null;
            try {
                flushData(files);
                if (verified != null) {
                    save(verified);
                }
            } catch (IOException e) {
                error = e;
            }
            IOException result = error;
            loop.execute(() -> done(files, result, after));
        });
    }

    private void done(int[] files, IOException error, Consumer<IOException> after) {
        if (error != null) {
            storage.unflushed(files);
        }
        busy = false;
        after.accept(error);
        Runnable next = waiting.poll();
        if (next != null) {
            next.run();
        }
    }

    /**
     * Forces these files' data to disk. Blocking: run it on a worker. Only files written since
     * their last flush: a torrent may hold thousands of files, and forcing one with nothing new
     * still costs an open, an fsync and a close. Many at once go with one syncfs per filesystem
     * ({@link SyncFs}) where the system has it. Opened read-only, so that a seed's read-only
     * files flush too; a file not there (not selected, or removed) has nothing to force.
     */
    void flushData(int[] which) throws IOException {
        List<FileEntry> files = storage.map().files();
        int[] some = new int[which.length];
        int n = 0;
        for (int i : which) {
            if (!files.get(i).padding() && files.get(i).length() > 0) {
                some[n++] = i;
            }
        }
        if (n >= SYNCFS_MIN_FILES && syncFs.sync(folders(some, n))) {
            return;
        }
        for (int k = 0; k < n; k++) {
            try (var ch = java.nio.channels.FileChannel.open(storage.path(some[k]), java.nio.file.StandardOpenOption.READ)) {
                ch.force(true);
            } catch (java.nio.file.NoSuchFileException e) {
                // nothing of it to force
            }
        }
    }

    /** The folders that exist of those holding these files: a syncfs of each forces its filesystem. */
    private Set<Path> folders(int[] some, int n) {
        Set<Path> out = new LinkedHashSet<>();
        Set<Path> seen = new HashSet<>();
        for (int k = 0; k < n; k++) {
            Path dir = storage.path(some[k]).getParent();
            if (seen.add(dir) && Files.isDirectory(dir)) {
                out.add(dir);
            }
        }
        return out;
    }
}
