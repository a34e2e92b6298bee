package skiff.storage;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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

    private final Storage storage;
    private final Path path;

    public ResumeFile(Storage storage) {
        this.storage = storage;
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
                Path p = storage.path(i);
                FileTime t = Files.getLastModifiedTime(p);
                out.add(new long[] {Files.size(p), t.toMillis()});
            } catch (IOException e) {
                out.add(new long[] {-1, -1});
            }
        }
        return out;
    }

    /**
     * On {@code workers}: forces the data to disk, then records {@code verified} (in that order, so
     * the resume file never vouches for unflushed data); {@code after} hears the error, or null, on {@code loop}.
     */
    public void saveAfterFlush(Bitfield verified, java.util.concurrent.Executor workers, java.util.concurrent.Executor loop,
                               java.util.function.Consumer<IOException> after) {
        workers.execute(() -> {
            IOException error = null;
            try {
                flushData();
                save(verified);
            } catch (IOException e) {
                error = e;
            }
            IOException result = error;
            loop.execute(() -> after.accept(result));
        });
    }

    /** Forces every file's data to disk. Blocking: run it on a worker. */
    public void flushData() throws IOException {
        List<FileEntry> files = storage.map().files();
        for (int i = 0; i < files.size(); i++) {
            if (files.get(i).padding() || files.get(i).length() == 0) {
                continue;
            }
            Path p = storage.path(i);
            if (Files.exists(p)) {
                try (var ch = java.nio.channels.FileChannel.open(p, java.nio.file.StandardOpenOption.WRITE)) {
                    ch.force(true);
                }
            }
        }
    }
}
