package skiff.bencode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Strict bencode decoder (BEP 3) over a byte array. Pure: bytes in, a value or a
 * {@link BencodeException} out. Every limit is checked before any work or allocation.
 */
public final class Decoder {
    /** Nesting deeper than this is never legitimate and would only cost stack. */
    public static final int MAX_DEPTH = 64;
    /** Default input cap: larger than any sane .torrent (libtorrent refuses over 10 MiB metadata). */
    public static final int DEFAULT_MAX_INPUT_BYTES = 16 << 20;
    /** Digits in a 64-bit integer plus sign; longer runs are rejected before parsing. */
    private static final int MAX_INT_CHARS = 20;

    private final byte[] in;
    private final int end;
    private int pos;

    private Decoder(byte[] in, int start, int end) {
        this.in = in;
        this.pos = start;
        this.end = end;
    }

    /** Decodes exactly one value that must span the whole input. */
    public static BValue decode(byte[] input) throws BencodeException {
        return decode(input, DEFAULT_MAX_INPUT_BYTES);
    }

    public static BValue decode(byte[] input, int maxInputBytes) throws BencodeException {
        if (input.length > maxInputBytes) {
            throw new BencodeException("input of " + input.length + " bytes exceeds limit of " + maxInputBytes, 0);
        }
        Decoder d = new Decoder(input, 0, input.length);
        BValue v = d.value(0);
        if (d.pos != d.end) {
            throw new BencodeException("trailing data after value", d.pos);
        }
        return v;
    }

    /**
     * Decodes one value starting at {@code start} and returns it with the offset just past it;
     * for protocols where a bencoded prefix is followed by other bytes (BEP 9 metadata).
     */
    public static Prefix decodePrefix(byte[] input, int start, int maxInputBytes) throws BencodeException {
        if (start < 0 || start > input.length) {
            throw new BencodeException("start out of range", start);
        }
        int end = (int) Math.min(input.length, (long) start + maxInputBytes);
        Decoder d = new Decoder(input, start, end);
        BValue v = d.value(0);
        return new Prefix(v, d.pos);
    }

    public record Prefix(BValue value, int end) {
    }

    private BValue value(int depth) throws BencodeException {
        if (pos >= end) {
            throw new BencodeException("unexpected end of input", pos);
        }
        byte b = in[pos];
        if (b == 'i') {
            return integer();
        }
        if (b >= '0' && b <= '9') {
            return bytes();
        }
        if (b == 'l' || b == 'd') {
            if (depth >= MAX_DEPTH) {
                throw new BencodeException("nesting deeper than " + MAX_DEPTH, pos);
            }
            return b == 'l' ? list(depth + 1) : dict(depth + 1);
        }
        throw new BencodeException("unexpected byte 0x" + Integer.toHexString(b & 0xff), pos);
    }

    private BInt integer() throws BencodeException {
        int start = pos;
        pos++; // 'i'
        int e = indexOf((byte) 'e', pos, MAX_INT_CHARS + 1);
        if (e < 0) {
            throw new BencodeException("unterminated or overlong integer", start);
        }
        long v = parseLong(pos, e, true, start);
        pos = e + 1;
        return new BInt(v);
    }

    private BBytes bytes() throws BencodeException {
        int start = pos;
        int colon = indexOf((byte) ':', pos, MAX_INT_CHARS + 1);
        if (colon < 0) {
            throw new BencodeException("unterminated or overlong string length", start);
        }
        long len = parseLong(pos, colon, false, start);
        int remaining = end - (colon + 1);
        if (len > remaining) {
            throw new BencodeException("string length " + len + " exceeds the " + remaining + " bytes left", start);
        }
        pos = colon + 1 + (int) len;
        return BBytes.view(in, colon + 1, (int) len);
    }

    private BList list(int depth) throws BencodeException {
        pos++; // 'l'
        List<BValue> items = new ArrayList<>();
        while (true) {
            if (pos >= end) {
                throw new BencodeException("unterminated list", pos);
            }
            if (in[pos] == 'e') {
                pos++;
                return new BList(items);
            }
            items.add(value(depth));
        }
    }

    private BDict dict(int depth) throws BencodeException {
        pos++; // 'd'
        BBytes[] keys = new BBytes[4];
        BValue[] values = new BValue[4];
        int[] spans = new int[8];
        int n = 0;
        Set<BBytes> seen = null; // past a few keys, duplicates are found by hashing: a scan per key would be quadratic
        while (true) {
            if (pos >= end) {
                throw new BencodeException("unterminated dictionary", pos);
            }
            if (in[pos] == 'e') {
                pos++;
                return new BDict(Arrays.copyOf(keys, n), Arrays.copyOf(values, n), Arrays.copyOf(spans, 2 * n));
            }
            int keyAt = pos;
            if (in[pos] < '0' || in[pos] > '9') {
                throw new BencodeException("dictionary key is not a string", pos);
            }
            BBytes key = bytes();
            boolean duplicate = false;
            if (seen != null) {
                duplicate = !seen.add(key);
            } else {
                for (int i = 0; i < n && !duplicate; i++) {
                    duplicate = keys[i].equals(key);
                }
                if (n >= BDict.SCAN_KEYS) {
                    seen = new HashSet<>(Arrays.asList(keys).subList(0, n));
                    seen.add(key);
                }
            }
            if (duplicate) {
                throw new BencodeException("duplicate dictionary key '" + key + "'", keyAt);
            }
            if (n == keys.length) {
                keys = Arrays.copyOf(keys, 2 * n);
                values = Arrays.copyOf(values, 2 * n);
                spans = Arrays.copyOf(spans, 4 * n);
            }
            int valueAt = pos;
            keys[n] = key;
            values[n] = value(depth);
            spans[2 * n] = valueAt;
            spans[2 * n + 1] = pos;
            n++;
        }
    }

    private int indexOf(byte target, int from, int maxDistance) {
        int limit = (int) Math.min(end, (long) from + maxDistance);
        for (int i = from; i < limit; i++) {
            if (in[i] == target) {
                return i;
            }
        }
        return -1;
    }

    /** Parses [from, to) as a decimal; rejects empty, leading zeros, "-0" and 64-bit overflow. */
    private long parseLong(int from, int to, boolean signed, int errorAt) throws BencodeException {
        int i = from;
        boolean negative = false;
        if (signed && i < to && in[i] == '-') {
            negative = true;
            i++;
        }
        if (i == to) {
            throw new BencodeException("empty number", errorAt);
        }
        if (in[i] == '0' && (to - i > 1 || negative)) {
            throw new BencodeException("number with leading zero or negative zero", errorAt);
        }
        long v = 0;
        for (; i < to; i++) {
            int d = in[i] - '0';
            if (d < 0 || d > 9) {
                throw new BencodeException("bad digit in number", i);
            }
            // Accumulate negatively so that Long.MIN_VALUE is representable.
            if (v < (Long.MIN_VALUE + d) / 10) {
                throw new BencodeException("number overflows 64 bits", errorAt);
            }
            v = v * 10 - d;
        }
        if (!negative) {
            if (v == Long.MIN_VALUE) {
                throw new BencodeException("number overflows 64 bits", errorAt);
            }
            v = -v;
        }
        return v;
    }
}
