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
    static final int UNCHOKE = 1;
    static final int INTERESTED = 2;
    static final int NOT_INTERESTED = 3;
    static final int HAVE = 4;
    static final int BITFIELD = 5;
    static final int REQUEST = 6;
    static final int PIECE = 7;
    static final int CANCEL = 8;
    /** BEP 5: the DHT port; read and ignored until DHT exists. */
    static final int PORT = 9;
    /** BEP 10: an extension message; its first byte is the extension id, 0 for the extension handshake. */
    static final int EXTENDED = 20;

    // Reserved bits: BEP 10 extension protocol (byte 5, 0x10) is advertised, for the handshake's `reqq`;
    // BEP 6 Fast (byte 7, 0x04) and BEP 5 DHT (byte 7, 0x01) come later.
    static final int RESERVED_EXTENSION_BYTE = 5;
    static final int RESERVED_EXTENSION_BIT = 0x10;

    private Wire() {
    }

    public static ByteBuffer handshake(byte[] infoHash, byte[] peerId, byte[] reserved) {
        ByteBuffer b = ByteBuffer.allocate(HANDSHAKE_BYTES);
        b.put((byte) PROTOCOL.length).put(PROTOCOL).put(reserved).put(infoHash).put(peerId);
        return b.flip();
    }

    /** The reserved bytes of our handshake: the extension protocol (BEP 10) only. */
    public static byte[] ourReserved() {
        byte[] r = new byte[8];
        r[RESERVED_EXTENSION_BYTE] |= RESERVED_EXTENSION_BIT;
        return r;
    }

    public static boolean supportsExtensions(byte[] reserved) {
        return (reserved[RESERVED_EXTENSION_BYTE] & RESERVED_EXTENSION_BIT) != 0;
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
            case CHOKE, UNCHOKE, INTERESTED, NOT_INTERESTED -> 0;
            case HAVE -> 4;
            case REQUEST, CANCEL -> 12;
            case PORT -> 2;
            default -> -1;
        };
    }
}
