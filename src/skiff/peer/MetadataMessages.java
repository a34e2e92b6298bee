package skiff.peer;

import java.util.Arrays;
import skiff.bencode.BDict;
import skiff.bencode.BInt;
import skiff.bencode.BValue;
import skiff.bencode.BencodeException;
import skiff.bencode.Decoder;
import skiff.bencode.Dicts;
import skiff.bencode.Encoder;

/**
 * The metadata exchange's messages (BEP 9, {@code ut_metadata}): request, data (a dictionary,
 * then the piece's bytes) and reject. Pure; a message from a peer is checked, never trusted.
 */
public final class MetadataMessages {
    /** BEP 9: the metadata travels in 16 KiB pieces, the last one shorter. */
    public static final int PIECE_BYTES = 16 << 10;
    public static final int REQUEST = 0;
    public static final int DATA = 1;
    public static final int REJECT = 2;

    /** A message from a peer: its type, piece, the total size (data only, else -1) and where the data is. */
    public record Message(int type, int piece, int totalSize, byte[] bytes, int dataOffset, int dataLength) {
    }

    private MetadataMessages() {
    }

    public static byte[] request(int piece) {
        return Encoder.encode(Dicts.builder().put("msg_type", REQUEST).put("piece", piece).build());
    }

    public static byte[] reject(int piece) {
        return Encoder.encode(Dicts.builder().put("msg_type", REJECT).put("piece", piece).build());
    }

    /** Piece {@code piece} of metadata of {@code totalSize} bytes, whose bytes are {@code bytes}: its dictionary, then them. */
    public static byte[] data(int piece, int totalSize, byte[] bytes) {
        byte[] dict = Encoder.encode(Dicts.builder().put("msg_type", DATA).put("piece", piece)
            .put("total_size", totalSize).build());
        byte[] out = Arrays.copyOf(dict, dict.length + bytes.length);
        System.arraycopy(bytes, 0, out, dict.length, bytes.length);
        return out;
    }

    /** The bytes of piece {@code piece} of metadata of {@code totalSize} bytes: where they start, and how many. */
    public static int pieceLength(int piece, int totalSize) {
        return Math.max(0, Math.min(PIECE_BYTES, totalSize - piece * PIECE_BYTES));
    }

    public static int pieceCount(int metadataSize) {
        return (metadataSize + PIECE_BYTES - 1) / PIECE_BYTES;
    }

    /** The payload after the extended message's id byte; null if it is no ut_metadata message. */
    public static Message parse(byte[] b, int offset, int length) {
        byte[] m = Arrays.copyOfRange(b, offset, offset + length);
        Decoder.Prefix p;
        try {
            p = Decoder.decodePrefix(m, 0, m.length);
        } catch (BencodeException e) {
            return null;
        }
        if (!(p.value() instanceof BDict d) || !(d.get("msg_type") instanceof BInt type) || !(d.get("piece") instanceof BInt piece)
                || piece.value() < 0 || piece.value() >= pieceCount(ExtensionHandshake.MAX_METADATA_BYTES)) {
            return null;
        }
        int t = (int) Math.max(-1, Math.min(3, type.value()));
        if (t == DATA) {
            BValue size = d.get("total_size");
            if (!(size instanceof BInt s) || s.value() < 1 || s.value() > ExtensionHandshake.MAX_METADATA_BYTES
                    || m.length - p.end() > PIECE_BYTES) {
                return null;
            }
            return new Message(t, (int) piece.value(), (int) s.value(), m, p.end(), m.length - p.end());
        }
        return (t == REQUEST || t == REJECT) && p.end() == m.length ? new Message(t, (int) piece.value(), -1, m, p.end(), 0) : null;
    }
}
