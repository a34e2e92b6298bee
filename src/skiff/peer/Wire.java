package skiff.peer;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Peer wire protocol constants and the handshake (BEP 3). Pure. */
public final class Wire {
    /** BEP 3: "\x13BitTorrent protocol", reserved(8), info_hash(20), peer_id(20). */
    public static final int HANDSHAKE_BYTES = 68;
    static final byte[] PROTOCOL = "BitTorrent protocol".getBytes(StandardCharsets.US_ASCII);
    /** BEP 3: the request unit; every client requests 16 KiB blocks and refuses more than that. */
    public static final int BLOCK_BYTES = 16 << 10;

    // Message ids (BEP 3).
    static final int CHOKE = 0;
    public static final int UNCHOKE = 1;
    static final int INTERESTED = 2;
    static final int NOT_INTERESTED = 3;
    static final int HAVE = 4;
    public static final int BITFIELD = 5;
    public static final int REQUEST = 6;
    public static final int PIECE = 7;
    public static final int CANCEL = 8;
    /** BEP 5: the DHT port; read and ignored until DHT exists. */
    static final int PORT = 9;
    /** BEP 10: an extension message; its first byte is the extension id, 0 for the extension handshake. */
    static final int EXTENDED = 20;
    // BEP 6, the Fast extension.
    static final int SUGGEST = 13;
    static final int HAVE_ALL = 14;
    static final int HAVE_NONE = 15;
    static final int REJECT = 16;
    static final int ALLOWED_FAST = 17;

    // Reserved bits: BEP 10 extension protocol (byte 5, 0x10) and BEP 6 Fast (byte 7, 0x04) are
    // advertised; BEP 5 DHT (byte 7, 0x01) comes later.
    static final int RESERVED_EXTENSION_BYTE = 5;
    static final int RESERVED_EXTENSION_BIT = 0x10;
    static final int RESERVED_FAST_BYTE = 7;
    static final int RESERVED_FAST_BIT = 0x04;
    /** BEP 5: the last reserved bit says the client runs a DHT node and understands PORT. */
    static final int RESERVED_DHT_BYTE = 7;
    static final int RESERVED_DHT_BIT = 0x01;
    /** BEP 6: the allowed fast set's size libtorrent and the BEP's example use. */
    public static final int ALLOWED_FAST_SET_SIZE = 10;

    private Wire() {
    }

    public static ByteBuffer handshake(byte[] infoHash, byte[] peerId, byte[] reserved) {
        ByteBuffer b = ByteBuffer.allocate(HANDSHAKE_BYTES);
        b.put((byte) PROTOCOL.length).put(PROTOCOL).put(reserved).put(infoHash).put(peerId);
        return b.flip();
    }

    /** The reserved bytes of our handshake: the extension protocol (BEP 10) and the Fast extension (BEP 6). */
    public static byte[] ourReserved() {
        return ourReserved(false);
    }

    /** Ours, with BEP 5's DHT bit when a DHT node runs (and the torrent is not private). */
    public static byte[] ourReserved(boolean dht) {
        byte[] r = new byte[8];
        if (dht) {
            r[RESERVED_DHT_BYTE] |= RESERVED_DHT_BIT;
        }
        r[RESERVED_EXTENSION_BYTE] |= RESERVED_EXTENSION_BIT;
        r[RESERVED_FAST_BYTE] |= RESERVED_FAST_BIT;
        return r;
    }

    public static boolean supportsExtensions(byte[] reserved) {
        return (reserved[RESERVED_EXTENSION_BYTE] & RESERVED_EXTENSION_BIT) != 0;
    }

    public static boolean supportsDht(byte[] reserved) {
        return (reserved[RESERVED_DHT_BYTE] & RESERVED_DHT_BIT) != 0;
    }

    static boolean supportsFast(byte[] reserved) {
        return (reserved[RESERVED_FAST_BYTE] & RESERVED_FAST_BIT) != 0;
    }

    /**
     * BEP 6's canonical allowed fast set for a peer at IPv4 {@code ip}: up to {@code k} distinct
     * pieces from SHA-1 rounds over the address's top three bytes and the info-hash. Empty for
     * IPv6, which the BEP does not define.
     */
    public static java.util.List<Integer> allowedFastSet(byte[] ip, byte[] infoHash, int pieceCount, int k) {
        java.util.List<Integer> set = new java.util.ArrayList<>();
        if (ip.length != 4 || pieceCount <= 0) {
            return set;
        }
        k = Math.min(k, pieceCount);
        byte[] x = new byte[24];
        x[0] = ip[0];
        x[1] = ip[1];
        x[2] = ip[2]; // the last byte masked off (0xFFFFFF00)
        System.arraycopy(infoHash, 0, x, 4, 20);
        java.security.MessageDigest sha1;
        try {
            sha1 = java.security.MessageDigest.getInstance("SHA-1");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        for (int rounds = 0; set.size() < k && rounds < 1000; rounds++) {
            x = sha1.digest(x);
            for (int i = 0; i < 5 && set.size() < k; i++) {
                long y = ByteBuffer.wrap(x, i * 4, 4).getInt() & 0xffffffffL;
                int index = (int) (y % pieceCount);
                if (!set.contains(index)) {
                    set.add(index);
                }
            }
        }
        return set;
    }

    /**
     * The whole BEP 10 extension handshake message: no extensions yet, only `reqq`, the number of
     * requests we queue for a peer. Without it deep pipeliners (Transmission asks for about ten
     * seconds of blocks) overrun any limit we keep.
     */
    static byte[] extensionHandshake(int reqq) {
        byte[] dict = skiff.bencode.Encoder.encode(skiff.bencode.Dicts.builder()
            .put("m", skiff.bencode.Dicts.builder().build()).put("reqq", reqq).build());
        return ByteBuffer.allocate(4 + 2 + dict.length).putInt(2 + dict.length).put((byte) EXTENDED).put((byte) 0)
            .put(dict).array();
    }

    /** A whole extended message (BEP 10): {@code payload} under the peer's id {@code id} for the extension. */
    static byte[] extended(int id, byte[] payload) {
        return ByteBuffer.allocate(4 + 2 + payload.length).putInt(2 + payload.length).put((byte) EXTENDED).put((byte) id)
            .put(payload).array();
    }

    /** Whether the 68 bytes at {@code b}'s position open with the BitTorrent protocol string. */
    static boolean isProtocol(ByteBuffer b) {
        int p = b.position();
        if (b.get(p) != PROTOCOL.length) {
            return false;
        }
        for (int i = 0; i < PROTOCOL.length; i++) {
            if (b.get(p + 1 + i) != PROTOCOL[i]) {
                return false;
            }
        }
        return true;
    }

    /** The exact payload length (after the id) a message id must have, or -1 for variable ones. */
    static int fixedLength(int id) {
        return switch (id) {
            case CHOKE, UNCHOKE, INTERESTED, NOT_INTERESTED, HAVE_ALL, HAVE_NONE -> 0;
            case HAVE, SUGGEST, ALLOWED_FAST -> 4;
            case REQUEST, CANCEL, REJECT -> 12;
            case PORT -> 2;
            default -> -1;
        };
    }
}
