package skiff.metainfo;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * A magnet link (BEP 9): the v1 info-hash from {@code xt=urn:btih:} (40 hex or 32 base32
 * characters), the display name {@code dn}, each {@code tr} as a tier of its own in order, and
 * the peers of {@code x.pe}, the web seeds of {@code ws} (BEP 19's url-list, as libtorrent and
 * WebTorrent write them), and BEP 53's {@code so}: the files to download, as 0-based indices into
 * the info dictionary's list and ranges of them ({@code 0,2,4-6}), or null for all. Pure and strict:
 * bad input is one line, never a guess.
 */
public record MagnetLink(byte[] infoHash, String name, List<String> trackers, List<InetSocketAddress> peers,
                         List<String> webSeeds, String selectOnly) {
    /** Longer than any real magnet link (a few hundred trackers at most). */
    public static final int MAX_LENGTH = 64 << 10;
    static final int MAX_TRACKERS = 200;
    static final int MAX_PEERS = 200;
    static final int MAX_NAME_BYTES = 4096;
    /** so= lists of more than this are no selection a person made. */
    static final int MAX_SELECT_CHARS = 4096;
    private static final String BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    /** A copy: the record's array stays its own. */
    @Override
    public byte[] infoHash() {
        return infoHash.clone();
    }

    /** Whether a command-line argument is a magnet link rather than a .torrent file. */
    public static boolean looksLikeOne(String s) {
        return s.regionMatches(true, 0, "magnet:", 0, 7);
    }

    public String infoHashHex() {
        return HexFormat.of().formatHex(infoHash);
    }

    /** What to call the torrent before its metainfo comes: its {@code dn}, else its info-hash. */
    public String displayName() {
        return name != null && !name.isEmpty() ? name : infoHashHex();
    }

    /** The magnet URI of a torrent (BEP 9): its info-hash in hex, its name, every tracker in tier order. */
    public static String uri(Metainfo m) {
        StringBuilder b = new StringBuilder("magnet:?xt=urn:btih:").append(m.infoHashHex()).append("&dn=").append(encode(m.name()));
        for (List<String> tier : m.tiers()) {
            for (String url : tier) {
                b.append("&tr=").append(encode(url));
            }
        }
        for (String url : m.urlList()) {
            b.append("&ws=").append(encode(url));
        }
        return b.toString();
    }

    /** Percent-encoding of UTF-8, leaving RFC 3986's unreserved characters as they are. */
    private static String encode(String s) {
        StringBuilder b = new StringBuilder();
        for (byte x : s.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            char c = (char) (x & 0xff);
            if (c < 0x80 && (Character.isLetterOrDigit(c) || "-._~".indexOf(c) >= 0)) {
                b.append(c);
            } else {
                b.append('%').append(Character.toUpperCase(Character.forDigit((c >> 4) & 15, 16)))
                    .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return b.toString();
    }

    public static MagnetLink parse(String uri) throws MetainfoException {
        if (uri.length() > MAX_LENGTH) {
            throw new MetainfoException("magnet link longer than " + (MAX_LENGTH >> 10) + " KiB");
        }
        if (!looksLikeOne(uri) || uri.length() < 8 || uri.charAt(7) != '?') {
            throw new MetainfoException("not a magnet link (it starts with magnet:?)");
        }
        byte[] hash = null;
        boolean v2 = false;
        String name = null;
        List<String> trackers = new ArrayList<>();
        List<InetSocketAddress> peers = new ArrayList<>();
        List<String> webSeeds = new ArrayList<>();
        String selectOnly = null;
        for (String param : uri.substring(8).split("&")) {
            if (param.isEmpty()) {
                continue;
            }
            int eq = param.indexOf('=');
            String key = (eq < 0 ? param : param.substring(0, eq)).toLowerCase(Locale.ROOT);
            String value = eq < 0 ? "" : decode(param.substring(eq + 1), key.equals("dn"));
            switch (key) {
                case "xt" -> {
                    String lower = value.toLowerCase(Locale.ROOT);
                    if (lower.startsWith("urn:btih:")) {
                        byte[] h = infoHash(value.substring(9));
                        if (hash != null && !java.util.Arrays.equals(hash, h)) {
                            throw new MetainfoException("magnet link names two different info-hashes");
                        }
                        hash = h;
                    } else if (lower.startsWith("urn:btmh:")) {
                        v2 = true;
                    }
                }
                case "dn" -> {
                    if (value.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
                        throw new MetainfoException("magnet link's name (dn) is longer than " + MAX_NAME_BYTES + " bytes");
                    }
                    name = value;
                }
                case "tr" -> {
                    if (trackers.size() >= MAX_TRACKERS) {
                        throw new MetainfoException("magnet link lists more than " + MAX_TRACKERS + " trackers");
                    }
                    if (!value.isEmpty() && !trackers.contains(value)) {
                        trackers.add(value);
                    }
                }
                case "x.pe" -> {
                    if (peers.size() >= MAX_PEERS) {
                        throw new MetainfoException("magnet link lists more than " + MAX_PEERS + " peers");
                    }
                    peers.add(peer(value));
                }
                case "ws" -> {
                    if (webSeeds.size() >= MAX_TRACKERS) {
                        throw new MetainfoException("magnet link lists more than " + MAX_TRACKERS + " web seeds");
                    }
                    if (!value.isEmpty() && !webSeeds.contains(value)) {
                        webSeeds.add(value);
                    }
                }
                case "so" -> selectOnly = indices(value);
                default -> {
                    // xl, as, kt, and what other clients add: not needed to download
                }
            }
        }
        if (hash == null) {
            throw new MetainfoException(v2 ? "v2-only magnet links (btmh without btih) are not supported"
                    : "magnet link has no info-hash (xt=urn:btih:...)");
        }
        return new MagnetLink(hash, name, List.copyOf(trackers), List.copyOf(peers), List.copyOf(webSeeds), selectOnly);
    }

    /** BEP 53's {@code so}: indices from 0 and ranges of them, comma-separated ({@code 0,2,4-6}), checked. */
    private static String indices(String value) throws MetainfoException {
        if (value.length() > MAX_SELECT_CHARS) {
            throw new MetainfoException("magnet link's so= is longer than " + MAX_SELECT_CHARS + " characters");
        }
        for (String part : value.split(",", -1)) {
            int dash = part.indexOf('-');
            long from = index(dash < 0 ? part : part.substring(0, dash), value);
            long to = dash < 0 ? from : index(part.substring(dash + 1), value);
            if (to < from) {
                throw new MetainfoException("magnet link's so=" + value + " has a range backwards: " + part);
            }
        }
        return value;
    }

    private static long index(String digits, String whole) throws MetainfoException {
        if (digits.isEmpty() || digits.length() > 8 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new MetainfoException("magnet link's so=" + whole + " is not a list of file indices such as 0,2,4-6");
        }
        return Long.parseLong(digits);
    }

    /** 40 hex characters, or 32 base32 ones (RFC 4648, as early clients wrote them). */
    static byte[] infoHash(String s) throws MetainfoException {
        if (s.length() == 40) {
            try {
                return HexFormat.of().parseHex(s);
            } catch (IllegalArgumentException e) {
                throw new MetainfoException("magnet info-hash is not hexadecimal: " + printable(s));
            }
        }
        if (s.length() == 32) {
            byte[] out = new byte[20];
            long bits = 0;
            int have = 0;
            int o = 0;
            for (int i = 0; i < 32; i++) {
                int v = BASE32.indexOf(Character.toUpperCase(s.charAt(i)));
                if (v < 0) {
                    throw new MetainfoException("magnet info-hash is not base32: " + printable(s));
                }
                bits = bits << 5 | v;
                have += 5;
                if (have >= 8) {
                    out[o++] = (byte) (bits >>> (have - 8));
                    have -= 8;
                }
            }
            return out;
        }
        throw new MetainfoException("magnet info-hash must be 40 hex or 32 base32 characters, not " + s.length());
    }

    /**
     * The host of HOST:PORT or [IPv6]:PORT (as x.pe and --peer write a peer), or "" when there is
     * none: a bare IPv6 address is refused, since no one can tell which colon starts the port.
     */
    public static String hostOf(String value) {
        int colon = value.lastIndexOf(':');
        String host = colon < 0 ? "" : value.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            return host.substring(1, host.length() - 1);
        }
        return host.contains(":") ? "" : host;
    }

    /** HOST:PORT or [IPv6]:PORT, unresolved: names are looked up off the loop. */
    static InetSocketAddress peer(String value) throws MetainfoException {
        int colon = value.lastIndexOf(':');
        String host = hostOf(value);
        int port = -1;
        try {
            port = Integer.parseInt(value.substring(colon + 1));
        } catch (NumberFormatException | IndexOutOfBoundsException e) {
            // reported below
        }
        if (host.isEmpty() || port < 1 || port > 65_535) {
            throw new MetainfoException("magnet peer (x.pe) must be HOST:PORT or [IPv6]:PORT, not " + printable(value));
        }
        return InetSocketAddress.createUnresolved(host, port);
    }

    /** Percent-decoding to UTF-8, strict: a bad escape or bad UTF-8 is an error; '+' is a space in the name. */
    static String decode(String s, boolean plusIsSpace) throws MetainfoException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= s.length() || Character.digit(s.charAt(i + 1), 16) < 0 || Character.digit(s.charAt(i + 2), 16) < 0) {
                    throw new MetainfoException("magnet link has a bad percent-escape near " + printable(s.substring(i, Math.min(s.length(), i + 3))));
                }
                out.write(Character.digit(s.charAt(i + 1), 16) << 4 | Character.digit(s.charAt(i + 2), 16));
                i += 2;
            } else if (c == '+' && plusIsSpace) {
                out.write(' ');
            } else {
                int cp = s.codePointAt(i);
                byte[] b = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
                out.write(b, 0, b.length);
                i += Character.charCount(cp) - 1;
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(out.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw new MetainfoException("magnet link is not UTF-8 once decoded");
        }
    }

    private static String printable(String s) {
        String cut = s.length() > 60 ? s.substring(0, 60) + "..." : s;
        return PathSafety.printable(cut);
    }
}
