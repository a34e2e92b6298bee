package skiff.utp;

import java.nio.ByteBuffer;

/**
 * One uTP packet (BEP 29): the 20-byte header, the selective-ack extension and the payload.
 * {@link #parse} refuses what a real client never sends (another version, an unknown type, an
 * extension chain that runs past the packet) and bounds everything it reads. One instance is
 * reused for every datagram on the loop thread: the payload is a view of the datagram, valid only
 * until the receiver returns.
 */
final class UtpPacket {
    /** BEP 29 packet types, in the high nibble of the first byte. */
    static final int ST_DATA = 0;
    static final int ST_FIN = 1;
    static final int ST_STATE = 2;
    static final int ST_RESET = 3;
    static final int ST_SYN = 4;
    /** BEP 29: the protocol version, in the low nibble of the first byte. */
    static final int VERSION = 1;
    static final int HEADER_BYTES = 20;
    /** BEP 29's extension types: 0 ends the chain, 1 is the selective ack. */
    static final int EXT_NONE = 0;
    static final int EXT_SACK = 1;
    /** Extensions read at most; real clients send one or two (libtorrent's close reason is a third kind). */
    static final int MAX_EXTENSIONS = 4;
    /**
     * Selective-ack bitmask bytes read at most. BEP 29 speaks of multiples of 4, but libtorrent
     * sends 1 to 3 bytes too; we send multiples of 4 and take any length up to this.
     */
    static final int MAX_SACK_BYTES = 64;

    int type;
    int connectionId;
    int timestampMicros;
    int timestampDifferenceMicros;
    long windowBytes;
    int seq;
    int ack;
    /** Selective-ack bitmask bytes (bit 0 of byte 0 is ack + 2), or 0 without one. */
    int sackLength;
    final byte[] sack = new byte[MAX_SACK_BYTES];
    ByteBuffer payload;
    /** A view of the buffer datagrams arrive in, made once for it: a datagram allocates nothing. */
    private ByteBuffer view;
    private ByteBuffer viewed;

    /**
     * Reads {@code datagram} (position to limit, which stays) into this packet; returns why it is
     * no uTP packet we take, or null. The payload is a view of {@code datagram}'s bytes.
     */
    String parse(ByteBuffer datagram) {
        if (viewed != datagram) {
            view = datagram.duplicate();
            viewed = datagram;
        }
        ByteBuffer d = view.clear().limit(datagram.limit()).position(datagram.position());
        if (d.remaining() < HEADER_BYTES) {
            return "shorter than a header";
        }
        int first = d.get() & 0xff;
        if ((first & 0x0f) != VERSION) {
            return "version " + (first & 0x0f);
        }
        type = first >>> 4;
        if (type > ST_SYN) {
            return "type " + type;
        }
        int extension = d.get() & 0xff;
        connectionId = d.getShort() & 0xffff;
        timestampMicros = d.getInt();
        timestampDifferenceMicros = d.getInt();
        windowBytes = d.getInt() & 0xffffffffL;
        seq = d.getShort() & 0xffff;
        ack = d.getShort() & 0xffff;
        sackLength = 0;
        for (int n = 0; extension != EXT_NONE; n++) {
            if (n == MAX_EXTENSIONS || d.remaining() < 2) {
                return "extension chain too long";
            }
            int next = d.get() & 0xff;
            int length = d.get() & 0xff;
            if (length > d.remaining()) {
                return "extension past the end";
            }
            if (extension == EXT_SACK) {
                if (length == 0 || length > MAX_SACK_BYTES) {
                    return "selective ack of " + length + " bytes";
                }
                d.get(sack, 0, length);
                sackLength = length;
            } else {
                d.position(d.position() + length); // an extension we do not speak: skipped, as BEP 29 asks
            }
            extension = next;
        }
        payload = d;
        return null;
    }

    /** Whether the selective ack marks {@code seq} (ack + 2 onward) as received. */
    boolean sacked(int seqNr) {
        int bit = (seqNr - ack - 2) & 0xffff;
        return bit < sackLength * 8 && (sack[bit >>> 3] & (1 << (bit & 7))) != 0;
    }

    /**
     * Writes a header into {@code out}: {@code sackBits} (may be null) become a selective-ack
     * extension of {@code sackBytes} bytes. The payload, if any, follows from the caller.
     */
    static void header(ByteBuffer out, int type, int connectionId, int timestampMicros, int differenceMicros,
                       long windowBytes, int seq, int ack, byte[] sackBits, int sackBytes) {
        out.put((byte) (type << 4 | VERSION));
        out.put((byte) (sackBytes > 0 ? EXT_SACK : EXT_NONE));
        out.putShort((short) connectionId);
        out.putInt(timestampMicros);
        out.putInt(differenceMicros);
        out.putInt((int) Math.min(windowBytes, 0xffffffffL));
        out.putShort((short) seq);
        out.putShort((short) ack);
        if (sackBytes > 0) {
            out.put((byte) EXT_NONE);
            out.put((byte) sackBytes);
            out.put(sackBits, 0, sackBytes);
        }
    }
}
