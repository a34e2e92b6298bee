package skiff.webseed;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import skiff.metainfo.FileEntry;
import skiff.metainfo.Metainfo;

/**
 * Where a torrent's bytes are on a web seed (BEP 19): one URL per file, and a range of the
 * torrent's byte stream cut at file ends into ranges of those files. Pure.
 */
final class SeedFiles {
    /** A range of one file; {@code padding}: a BEP 47 padding file, zeros that no server holds. */
    record Part(int file, long offset, long length, boolean padding) {
    }

    private final Metainfo metainfo;
    private final URI[] uris;

    /** @throws IllegalArgumentException for a URL that is not http(s) with a host */
    SeedFiles(Metainfo metainfo, String url) {
        this.metainfo = metainfo;
        URI base = parse(url);
        List<FileEntry> files = metainfo.files();
        this.uris = new URI[files.size()];
        String path = base.getRawPath() == null || base.getRawPath().isEmpty() ? "/" : base.getRawPath();
        for (int i = 0; i < files.size(); i++) {
            if (files.get(i).padding()) {
                continue;
            }
            String p;
            if (metainfo.singleFile()) {
                // BEP 19: a URL ending in '/' names a folder that holds the file under the torrent's name
                p = path.endsWith("/") ? path + encode(metainfo.name()) : path;
            } else {
                StringBuilder b = new StringBuilder(path.endsWith("/") ? path : path + "/").append(encode(metainfo.name()));
                for (String element : files.get(i).path()) {
                    b.append('/').append(encode(element));
                }
                p = b.toString();
            }
            uris[i] = URI.create(base.getScheme() + "://" + base.getRawAuthority() + p
                    + (base.getRawQuery() == null ? "" : "?" + base.getRawQuery()));
        }
    }

    /** A web seed's URL, checked: http or https, with a host. */
    static URI parse(String url) {
        URI u;
        try {
            u = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a URL: " + e.getReason());
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || u.getHost() == null || u.getRawAuthority() == null) {
            throw new IllegalArgumentException("not an http(s) URL with a host");
        }
        return u;
    }

    /** Where a file is: its URL, or where a redirect moved it. */
    URI uri(int file) {
        return uris[file];
    }

    /** A redirect moved {@code file} to {@code to}: it is asked for there from now on (this seed's connections only). */
    void move(int file, URI to) {
        uris[file] = to;
    }

    String displayPath(int file) {
        return metainfo.files().get(file).displayPath();
    }

    long fileLength(int file) {
        return metainfo.files().get(file).length();
    }

    /** The torrent range [{@code offset}, {@code offset + length}) as ranges of its files, in order. */
    List<Part> parts(long offset, long length) {
        List<Part> parts = new ArrayList<>(2);
        List<FileEntry> files = metainfo.files();
        int i = first(files, offset);
        long end = offset + length;
        while (offset < end && i < files.size()) {
            FileEntry f = files.get(i);
            long n = Math.min(end, f.offset() + f.length()) - offset;
            if (n > 0) {
                parts.add(new Part(i, offset - f.offset(), n, f.padding()));
                offset += n;
            }
            i++;
        }
        return parts;
    }

    /** The file holding {@code offset}: a binary search, as a torrent may hold tens of thousands. */
    private static int first(List<FileEntry> files, long offset) {
        int lo = 0;
        int hi = files.size() - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (files.get(mid).offset() <= offset) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    /** Percent-encodes one path element: UTF-8, every byte but RFC 3986's unreserved ones. */
    static String encode(String element) {
        StringBuilder b = new StringBuilder();
        for (byte x : element.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~') {
                b.append((char) c);
            } else {
                b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return b.toString();
    }
}
