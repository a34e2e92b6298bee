package skiff.bencode;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A bencode byte string. Kept as raw bytes: keys and names are not always valid UTF-8. */
public final class BBytes implements BValue, Comparable<BBytes> {
    private final byte[] bytes;

    public BBytes(byte[] bytes) {
        this.bytes = bytes.clone();
    }

    private BBytes(byte[] owned, boolean unused) {
        this.bytes = owned;
    }

    /** Takes ownership of a fresh array the decoder made, sparing a copy. */
    static BBytes wrap(byte[] owned) {
        return new BBytes(owned, true);
    }

    public static BBytes of(String utf8) {
        return new BBytes(utf8.getBytes(StandardCharsets.UTF_8));
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    public int length() {
        return bytes.length;
    }

    /** Decodes as UTF-8, replacing malformed sequences instead of failing. */
    public String utf8() {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public int compareTo(BBytes other) {
        return Arrays.compareUnsigned(bytes, other.bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BBytes b && Arrays.equals(bytes, b.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return utf8();
    }
}
