package skiff.metainfo;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import skiff.bencode.BList;
import skiff.bencode.BValue;
import skiff.bencode.Dicts;
import skiff.bencode.Encoder;

/**
 * Builds a .torrent from a file or folder, as mktorrent does: files in byte order of their
 * relative paths, the same info keys, so the same inputs give the same info-hash.
 */
public final class TorrentCreator {
    /** Auto piece size aims for about this many pieces, as common tools do. */
    private static final long TARGET_PIECES = 1500;
    private static final int MIN_AUTO_PIECE = 16 << 10;
    private static final int MAX_AUTO_PIECE = 16 << 20;

    /** What to put beside the info dictionary; a pieceLength of 0 means choose one. */
    public record Options(List<List<String>> tiers, int pieceLength, boolean isPrivate,
                          String comment, String createdBy, Long creationDate, List<String> webSeeds) {
    }

    private record Source(Path file, List<String> path, long length) {
    }

    private TorrentCreator() {
    }

    /** Hashes pieces on {@code pool} (a few in flight) and returns the bencoded torrent. */
    public static byte[] create(Path root, Options options, ExecutorService pool)
            throws IOException, MetainfoException, InterruptedException {
        if (!Files.exists(root)) {
            throw new MetainfoException("no such file or folder"); // the caller names the path
        }
        String name = root.toAbsolutePath().normalize().getFileName().toString();
        boolean single = Files.isRegularFile(root);
        List<Source> sources = single ? List.of(new Source(root, List.of(name), Files.size(root))) : walk(root);
        long total = 0;
        for (Source s : sources) {
            total += s.length();
        }
        if (total == 0) {
            throw new MetainfoException("nothing to share: it holds no data");
        }
        int pieceLength = options.pieceLength() > 0 ? options.pieceLength() : autoPieceLength(total);
        if (pieceLength > MetainfoParser.MAX_PIECE_LENGTH) {
            throw new MetainfoException("piece size " + pieceLength + " is above the limit of " + MetainfoParser.MAX_PIECE_LENGTH);
        }
        byte[] pieces = hashAll(sources, total, pieceLength, pool);

        Dicts info = Dicts.builder();
        if (single) {
            info.put("length", total);
        } else {
            List<BValue> files = new ArrayList<>();
            for (Source s : sources) {
                files.add(Dicts.builder().put("length", s.length()).putStrings("path", s.path()).build());
            }
            info.put("files", new BList(files));
        }
        info.put("name", name).put("piece length", pieceLength).put("pieces", pieces);
        if (options.isPrivate()) {
            info.put("private", 1);
        }

        Dicts top = Dicts.builder();
        List<List<String>> tiers = options.tiers();
        if (!tiers.isEmpty()) {
            top.put("announce", tiers.get(0).get(0));
            if (tiers.size() > 1 || tiers.get(0).size() > 1) {
                List<BValue> list = new ArrayList<>();
                for (List<String> tier : tiers) {
                    list.add(BList.ofStrings(tier));
                }
                top.put("announce-list", new BList(list));
            }
        }
        if (options.comment() != null) {
            top.put("comment", options.comment());
        }
        if (options.createdBy() != null) {
            top.put("created by", options.createdBy());
        }
        if (options.creationDate() != null) {
            top.put("creation date", options.creationDate());
        }
        top.put("info", info.build());
        if (!options.webSeeds().isEmpty()) {
            top.putStrings("url-list", options.webSeeds());
        }
        return Encoder.encode(top.build());
    }

    /** Highest power of two at or below total/TARGET_PIECES, kept within 16 KiB to 16 MiB. */
    public static int autoPieceLength(long total) {
        long want = Math.max(1, total / TARGET_PIECES);
        long size = Long.highestOneBit(want);
        return (int) Math.max(MIN_AUTO_PIECE, Math.min(MAX_AUTO_PIECE, size));
    }

    private static List<Source> walk(Path root) throws IOException, MetainfoException {
        List<Source> out = new ArrayList<>();
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                if (!Files.isRegularFile(p)) {
                    continue;
                }
                List<String> parts = new ArrayList<>();
                for (Path part : root.relativize(p)) {
                    parts.add(part.toString());
                }
                PathSafety.check(parts, "file path");
                out.add(new Source(p, parts, Files.size(p)));
            }
        }
        if (out.size() > MetainfoParser.MAX_FILES) {
            throw new MetainfoException("more than " + MetainfoParser.MAX_FILES + " files");
        }
        Comparator<Source> byBytes = (a, b) -> Arrays.compareUnsigned(joined(a), joined(b));
        out.sort(byBytes);
        return out;
    }

    private static byte[] joined(Source s) {
        return String.join("/", s.path()).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] hashAll(List<Source> sources, long total, int pieceLength, ExecutorService pool)
            throws IOException, InterruptedException {
        int pieceCount = (int) ((total + pieceLength - 1) / pieceLength);
        byte[] hashes = new byte[pieceCount * Metainfo.HASH_BYTES];
        int maxInFlight = 4; // bounds memory to a few pieces whatever the torrent's size
        ArrayDeque<Future<byte[]>> inFlight = new ArrayDeque<>();
        int done = 0;
        int fileIndex = 0;
        FileChannel channel = null;
        try {
            for (int piece = 0; piece < pieceCount; piece++) {
                int size = (int) Math.min(pieceLength, total - (long) piece * pieceLength);
                ByteBuffer buf = ByteBuffer.allocate(size);
                while (buf.hasRemaining()) {
                    Source source = sources.get(fileIndex);
                    if (channel == null) {
                        channel = FileChannel.open(source.file(), StandardOpenOption.READ);
                    }
                    long leftInFile = source.length() - channel.position();
                    if (leftInFile == 0) {
                        channel.close();
                        channel = null;
                        fileIndex++;
                        continue;
                    }
                    int oldLimit = buf.limit();
                    buf.limit((int) Math.min(oldLimit, buf.position() + leftInFile));
                    int n = channel.read(buf);
                    buf.limit(oldLimit);
                    if (n < 0) {
                        throw new IOException("file shrank while hashing: " + source.file());
                    }
                }
                byte[] data = buf.array();
                inFlight.add(pool.submit(() -> MessageDigest.getInstance("SHA-1").digest(data)));
                if (inFlight.size() >= maxInFlight) {
                    done = collect(inFlight.poll(), hashes, done);
                }
            }
            while (!inFlight.isEmpty()) {
                done = collect(inFlight.poll(), hashes, done);
            }
        } finally {
            if (channel != null) {
                channel.close();
            }
            inFlight.forEach(f -> f.cancel(true));
        }
        return hashes;
    }

    private static int collect(Future<byte[]> f, byte[] hashes, int index) throws InterruptedException, IOException {
        try {
            System.arraycopy(f.get(), 0, hashes, index * Metainfo.HASH_BYTES, Metainfo.HASH_BYTES);
            return index + 1;
        } catch (ExecutionException e) {
            throw new IOException("hashing failed: " + e.getCause());
        }
    }
}
