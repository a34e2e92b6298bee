package skiff.metainfo;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import skiff.bencode.BBytes;
import skiff.bencode.BDict;
import skiff.bencode.BInt;
import skiff.bencode.BList;
import skiff.bencode.BValue;
import skiff.bencode.BencodeException;
import skiff.bencode.Decoder;

/** Turns .torrent bytes into a {@link Metainfo}, or a {@link MetainfoException} with one clear line. */
public final class MetainfoParser {
    /** Larger .torrent files are refused before decoding (libtorrent's default cap is 10 MiB). */
    public static final int MAX_TORRENT_BYTES = 16 << 20;
    /** Pieces beyond 512 MiB are not used in practice and would strain a small host. */
    public static final int MAX_PIECE_LENGTH = 512 << 20;
    /** A bound on files so a torrent cannot make us hold millions of entries. */
    public static final int MAX_FILES = 100_000;
    /** Trackers beyond this are ignored; real torrents list a few dozen at most. */
    public static final int MAX_TRACKERS = 200;
    /** Announce URLs longer than this are ignored. */
    public static final int MAX_URL_BYTES = 2048;

    private MetainfoParser() {
    }

    public static Metainfo parse(byte[] torrent) throws MetainfoException {
        if (torrent.length > MAX_TORRENT_BYTES) {
            throw new MetainfoException("torrent file is larger than " + (MAX_TORRENT_BYTES >> 20) + " MiB");
        }
        BValue root;
        try {
            root = Decoder.decode(torrent, MAX_TORRENT_BYTES);
        } catch (BencodeException e) {
            throw new MetainfoException("not a valid torrent file (bencode: " + e.getMessage() + ")");
        }
        if (!(root instanceof BDict top)) {
            throw new MetainfoException("not a valid torrent file (top level is not a dictionary)");
        }
        if (!(top.get("info") instanceof BDict info)) {
            throw new MetainfoException("torrent has no 'info' dictionary");
        }
        BDict.Span span = top.span("info").orElseThrow();
        int infoLength = span.end() - span.start();
        Metainfo.Builder b = new Metainfo.Builder();
        // Views, not copies: a torrent near the size limit must fit a small heap once, not thrice.
        b.infoBytes = java.nio.ByteBuffer.wrap(torrent, span.start(), infoLength).slice().asReadOnlyBuffer();
        b.infoHash = sha1(torrent, span.start(), infoLength);
        parseInfo(info, b);
        b.tiers = tiers(top);
        b.urlList = urlList(top.get("url-list"));
        if (top.get("creation date") instanceof BInt d) {
            b.creationDate = d.value();
        }
        b.comment = preferUtf8(top, "comment");
        b.createdBy = preferUtf8(top, "created by");
        return new Metainfo(b);
    }

    /** Parses a bare info dictionary (as fetched by BEP 9 later), with its given bytes. */
    static void parseInfo(BDict info, Metainfo.Builder b) throws MetainfoException {
        String name = preferUtf8(info, "name");
        if (name == null) {
            throw new MetainfoException("torrent info has no 'name'");
        }
        long pieceLength = requireInt(info, "piece length");
        if (pieceLength <= 0 || pieceLength > MAX_PIECE_LENGTH) {
            throw new MetainfoException("piece length " + pieceLength + " is out of range (1 to " + MAX_PIECE_LENGTH + ")");
        }
        if (!(info.get("pieces") instanceof BBytes pieces)) {
            if (info.get("meta version") instanceof BInt v && v.value() == 2) {
                throw new MetainfoException("BitTorrent v2-only torrents are not supported");
            }
            throw new MetainfoException("torrent info has no 'pieces'");
        }
        if (pieces.length() % Metainfo.HASH_BYTES != 0) {
            throw new MetainfoException("'pieces' length " + pieces.length() + " is not a multiple of 20");
        }
        b.name = name;
        b.pieceLength = (int) pieceLength;
        b.pieceHashes = pieces.asReadOnlyBuffer();
        b.isPrivate = info.get("private") instanceof BInt p && p.value() == 1;

        if (info.has("files")) {
            b.singleFile = false;
            b.files = multiFile(name, info.get("files"));
        } else {
            b.singleFile = true;
            long length = requireInt(info, "length");
            if (length < 0) {
                throw new MetainfoException("file length " + length + " is negative");
            }
            PathSafety.check(List.of(name), "file name");
            b.files = List.of(new FileEntry(List.of(name), length, 0, false));
        }
        long total = 0;
        for (FileEntry f : b.files) {
            total += f.length(); // cannot overflow: each length was checked while summing offsets
        }
        b.totalLength = total;
        if (total == 0) {
            throw new MetainfoException("torrent holds no data (total length 0)");
        }
        long expectedPieces = (total + pieceLength - 1) / pieceLength;
        long actualPieces = pieces.length() / Metainfo.HASH_BYTES;
        if (expectedPieces != actualPieces) {
            throw new MetainfoException("torrent lists " + actualPieces + " piece hashes but its "
                    + total + " bytes need " + expectedPieces);
        }
    }

    private static List<FileEntry> multiFile(String name, BValue filesValue) throws MetainfoException {
        PathSafety.check(List.of(name), "folder name");
        if (!(filesValue instanceof BList list)) {
            throw new MetainfoException("'files' is not a list");
        }
        if (list.items().isEmpty()) {
            throw new MetainfoException("'files' is empty");
        }
        if (list.items().size() > MAX_FILES) {
            throw new MetainfoException("torrent lists more than " + MAX_FILES + " files");
        }
        List<FileEntry> files = new ArrayList<>(list.items().size());
        Set<String> seenFiles = new HashSet<>();
        Set<String> seenFolders = new HashSet<>();
        long offset = 0;
        for (BValue item : list.items()) {
            if (!(item instanceof BDict f)) {
                throw new MetainfoException("an entry of 'files' is not a dictionary");
            }
            long length = requireInt(f, "length");
            if (length < 0) {
                throw new MetainfoException("file length " + length + " is negative");
            }
            BValue pathValue = f.get("path.utf-8") instanceof BList ? f.get("path.utf-8") : f.get("path");
            if (!(pathValue instanceof BList parts)) {
                throw new MetainfoException("a file entry has no 'path' list");
            }
            List<String> path = new ArrayList<>(parts.items().size());
            for (BValue part : parts.items()) {
                if (!(part instanceof BBytes s)) {
                    throw new MetainfoException("a file path holds a non-string component");
                }
                path.add(s.utf8());
                if (path.size() > PathSafety.MAX_DEPTH) {
                    break; // check() reports it
                }
            }
            PathSafety.check(path, "file path");
            boolean padding = f.get("attr") instanceof BBytes attr && attr.utf8().indexOf('p') >= 0;
            if (!padding) {
                checkNoClash(path, seenFiles, seenFolders);
            }
            files.add(new FileEntry(path, length, offset, padding));
            try {
                offset = Math.addExact(offset, length);
            } catch (ArithmeticException e) {
                throw new MetainfoException("total length overflows 64 bits");
            }
        }
        return files;
    }

    /** Two entries with one path, or a file that is also a folder of another, would overwrite data. */
    private static void checkNoClash(List<String> path, Set<String> files, Set<String> folders)
            throws MetainfoException {
        String joined = String.join("/", path);
        if (files.contains(joined) || folders.contains(joined)) {
            throw new MetainfoException("file path '" + PathSafety.printable(joined) + "' appears twice");
        }
        StringBuilder prefix = new StringBuilder();
        for (int i = 0; i < path.size() - 1; i++) {
            if (i > 0) {
                prefix.append('/');
            }
            prefix.append(path.get(i));
            if (files.contains(prefix.toString())) {
                throw new MetainfoException("'" + PathSafety.printable(prefix.toString()) + "' is both a file and a folder");
            }
            folders.add(prefix.toString());
        }
        files.add(joined);
    }

    private static List<List<String>> tiers(BDict top) {
        List<List<String>> tiers = new ArrayList<>();
        int count = 0;
        if (top.get("announce-list") instanceof BList list) {
            for (BValue tierValue : list.items()) {
                if (!(tierValue instanceof BList tierList)) {
                    continue; // tolerated: a malformed tier costs that tier only
                }
                List<String> tier = new ArrayList<>();
                for (BValue url : tierList.items()) {
                    if (url instanceof BBytes s && s.length() > 0 && s.length() <= MAX_URL_BYTES
                            && count < MAX_TRACKERS && !tier.contains(s.utf8())) {
                        tier.add(s.utf8());
                        count++;
                    }
                }
                if (!tier.isEmpty()) {
                    tiers.add(tier);
                }
            }
        }
        // BEP 12: when announce-list is present and usable, announce is ignored.
        if (tiers.isEmpty() && top.get("announce") instanceof BBytes a && a.length() > 0 && a.length() <= MAX_URL_BYTES) {
            tiers.add(List.of(a.utf8()));
        }
        return tiers;
    }

    private static List<String> urlList(BValue v) {
        List<String> urls = new ArrayList<>();
        if (v instanceof BBytes s && s.length() > 0 && s.length() <= MAX_URL_BYTES) {
            urls.add(s.utf8());
        } else if (v instanceof BList l) {
            for (BValue item : l.items()) {
                if (item instanceof BBytes s && s.length() > 0 && s.length() <= MAX_URL_BYTES && urls.size() < MAX_TRACKERS) {
                    urls.add(s.utf8());
                }
            }
        }
        return urls;
    }

    private static String preferUtf8(BDict d, String key) {
        if (d.get(key + ".utf-8") instanceof BBytes s) {
            return s.utf8();
        }
        return d.get(key) instanceof BBytes s ? s.utf8() : null;
    }

    private static long requireInt(BDict d, String key) throws MetainfoException {
        if (d.get(key) instanceof BInt i) {
            return i.value();
        }
        throw new MetainfoException("torrent " + (d.has(key) ? "has a non-integer '" : "has no '") + key + "'");
    }

    static byte[] sha1(byte[] bytes, int offset, int length) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-1");
            md.update(bytes, offset, length);
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required of every JDK", e);
        }
    }
}
