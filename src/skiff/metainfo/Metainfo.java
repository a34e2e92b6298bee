package skiff.metainfo;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/** A parsed, validated .torrent (BEP 3, with BEP 12 tiers, BEP 27 private, BEP 47 padding). */
public final class Metainfo {
    /** SHA-1 digest length: each piece hash and the info-hash (BEP 3). */
    public static final int HASH_BYTES = 20;

    private final String name;
    private final byte[] infoHash;
    private final ByteBuffer infoBytes; // read-only, a view of the torrent's bytes
    private final int pieceLength;
    /** Read-only, and a view of the torrent's bytes: a torrent near the size limit is not held twice. */
    private final ByteBuffer pieceHashes;
    private final List<FileEntry> files;
    private final boolean singleFile;
    private final long totalLength;
    private final List<List<String>> tiers;
    private final boolean isPrivate;
    private final List<String> urlList;
    private final Long creationDate;
    private final String comment;
    private final String createdBy;

    Metainfo(Builder b) {
        this.name = b.name;
        this.infoHash = b.infoHash.clone();
        this.infoBytes = b.infoBytes;
        this.pieceLength = b.pieceLength;
        this.pieceHashes = b.pieceHashes;
        this.files = List.copyOf(b.files);
        this.singleFile = b.singleFile;
        this.totalLength = b.totalLength;
        List<List<String>> copied = new ArrayList<>(b.tiers.size());
        for (List<String> tier : b.tiers) {
            copied.add(List.copyOf(tier));
        }
        this.tiers = List.copyOf(copied);
        this.isPrivate = b.isPrivate;
        this.urlList = List.copyOf(b.urlList);
        this.creationDate = b.creationDate;
        this.comment = b.comment;
        this.createdBy = b.createdBy;
    }

    public String name() {
        return name;
    }

    public byte[] infoHash() {
        return infoHash.clone();
    }

    public String infoHashHex() {
        return HexFormat.of().formatHex(infoHash);
    }

    /** The info dictionary's size in bytes: BEP 9's metadata_size. */
    public int infoSize() {
        return infoBytes.capacity();
    }

    /** {@code length} bytes of the info dictionary from {@code offset}, copied (BEP 9 serves it in 16 KiB pieces). */
    public byte[] infoBytes(int offset, int length) {
        byte[] out = new byte[length];
        infoBytes.get(offset, out);
        return out;
    }

    /** The original bencoded info dictionary, as hashed. */
    public byte[] infoBytes() {
        byte[] out = new byte[infoBytes.capacity()];
        infoBytes.get(0, out);
        return out;
    }

    public int pieceLength() {
        return pieceLength;
    }

    public int pieceCount() {
        return pieceHashes.capacity() / HASH_BYTES;
    }

    /** Length of piece {@code index}: the last one may be shorter. */
    public int pieceSize(int index) {
        long start = (long) index * pieceLength;
        return (int) Math.min(pieceLength, totalLength - start);
    }

    public byte[] pieceHash(int index) {
        byte[] h = new byte[HASH_BYTES];
        pieceHashes.get(index * HASH_BYTES, h);
        return h;
    }

    /** Whether {@code digest} equals the expected hash of piece {@code index}, without copying. */
    public boolean pieceHashMatches(int index, byte[] digest) {
        if (digest.length != HASH_BYTES) {
            return false;
        }
        int at = index * HASH_BYTES;
        for (int i = 0; i < HASH_BYTES; i++) {
            if (pieceHashes.get(at + i) != digest[i]) {
                return false;
            }
        }
        return true;
    }

    /** Files in torrent order; for a single-file torrent, one entry whose path is the name. */
    public List<FileEntry> files() {
        return files;
    }

    public boolean singleFile() {
        return singleFile;
    }

    public long totalLength() {
        return totalLength;
    }

    /** Tracker tiers (BEP 12); a lone {@code announce} becomes one tier of one. */
    public List<List<String>> tiers() {
        return tiers;
    }

    public boolean isPrivate() {
        return isPrivate;
    }

    /** Web seeds (BEP 19), kept for later use. */
    public List<String> urlList() {
        return urlList;
    }

    public Optional<Long> creationDate() {
        return Optional.ofNullable(creationDate);
    }

    public Optional<String> comment() {
        return Optional.ofNullable(comment);
    }

    public Optional<String> createdBy() {
        return Optional.ofNullable(createdBy);
    }

    static final class Builder {
        String name;
        byte[] infoHash;
        ByteBuffer infoBytes;
        int pieceLength;
        ByteBuffer pieceHashes;
        List<FileEntry> files;
        boolean singleFile;
        long totalLength;
        List<List<String>> tiers = List.of();
        boolean isPrivate;
        List<String> urlList = List.of();
        Long creationDate;
        String comment;
        String createdBy;
    }
}
