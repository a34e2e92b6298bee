package skiff.dht;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.random.RandomGenerator;

/** A 160-bit DHT id (BEP 5): node ids and info-hashes live in one space, compared by XOR distance. */
public final class NodeId {
    public static final int BYTES = 20;
    public static final int BITS = BYTES * 8;

    private final byte[] bytes;

    private NodeId(byte[] bytes) {
        this.bytes = bytes;
    }

    /** Copies exactly 20 bytes; anything else is no id. */
    public static NodeId of(byte[] b) {
        if (b == null || b.length != BYTES) {
            throw new IllegalArgumentException("a node id is 20 bytes, not " + (b == null ? "none" : b.length));
        }
        return new NodeId(b.clone());
    }

    static NodeId of(byte[] b, int offset) {
        return new NodeId(Arrays.copyOfRange(b, offset, offset + BYTES));
    }

    public static NodeId random(RandomGenerator random) {
        byte[] b = new byte[BYTES];
        random.nextBytes(b);
        return new NodeId(b);
    }

    /** A random id sharing the first {@code bits} bits with this one: a target inside one bucket's range. */
    NodeId randomWithPrefix(int bits, RandomGenerator random) {
        byte[] b = new byte[BYTES];
        random.nextBytes(b);
        for (int i = 0; i < bits; i++) {
            int mask = 0x80 >>> (i & 7);
            b[i >> 3] = (byte) ((b[i >> 3] & ~mask) | (bytes[i >> 3] & mask));
        }
        return new NodeId(b);
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    void copyTo(byte[] out, int offset) {
        System.arraycopy(bytes, 0, out, offset, BYTES);
    }

    /** Leading bits this id shares with {@code other}: 160 for itself, 0 when the first bits differ. */
    int commonPrefixBits(NodeId other) {
        for (int i = 0; i < BYTES; i++) {
            int x = (bytes[i] ^ other.bytes[i]) & 0xff;
            if (x != 0) {
                return i * 8 + Integer.numberOfLeadingZeros(x) - 24;
            }
        }
        return BITS;
    }

    /** Negative when {@code a} is closer to this id than {@code b} (XOR metric), zero when equally close. */
    int closer(NodeId a, NodeId b) {
        for (int i = 0; i < BYTES; i++) {
            int da = (a.bytes[i] ^ bytes[i]) & 0xff;
            int db = (b.bytes[i] ^ bytes[i]) & 0xff;
            if (da != db) {
                return da < db ? -1 : 1;
            }
        }
        return 0;
    }

    /** Bit {@code i}, counting from the most significant. */
    boolean bit(int i) {
        return (bytes[i >> 3] & (0x80 >>> (i & 7))) != 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NodeId n && Arrays.equals(bytes, n.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return HexFormat.of().formatHex(bytes);
    }
}
