package skiff.bencode;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A bencode byte string. Kept as raw bytes: keys and names are not always valid UTF-8. A decoded
 * one is a view of the decoder's input, so a torrent's piece hashes are never copied whole.
 */
public final class BBytes implements BValue, Comparable<BBytes> {
    private final byte[] array;
    private final int offset;
    private final int length;

    public BBytes(byte[] bytes) {
        this(bytes.clone(), 0, bytes.length);
    }

    private BBytes(byte[] array, int offset, int length) {
        this.array = array;
        this.offset = offset;
        this.length = length;
    }

    /** A view of {@code length} bytes of the decoder's input, which nothing changes afterwards. */
    static BBytes view(byte[] input, int offset, int length) {
        return new BBytes(input, offset, length);
    }

    public static BBytes of(String utf8) {
        return new BBytes(utf8.getBytes(StandardCharsets.UTF_8));
    }

    public byte[] bytes() {
        return Arrays.copyOfRange(array, offset, offset + length);
    }

    /** The bytes without a copy, read-only: for large values kept whole (a torrent's piece hashes). */
    public ByteBuffer asReadOnlyBuffer() {
        return ByteBuffer.wrap(array, offset, length).slice().asReadOnlyBuffer();
    }

    public int length() {
        return length;
    }

    /** Decodes as UTF-8, replacing malformed sequences instead of failing. */
    public String utf8() {
        return new String(array, offset, length, StandardCharsets.UTF_8);
    }

    @Override
    public int compareTo(BBytes other) {
        return Arrays.compareUnsigned(array, offset, offset + length, other.array, other.offset, other.offset + other.length);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BBytes b
                && Arrays.equals(array, offset, offset + length, b.array, b.offset, b.offset + b.length);
    }

    @Override
    public int hashCode() {
        int h = 1;
        for (int i = offset; i < offset + length; i++) {
            h = 31 * h + array[i];
        }
        return h;
    }

    @Override
    public String toString() {
        return utf8();
    }
}
