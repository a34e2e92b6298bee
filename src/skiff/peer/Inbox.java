package skiff.peer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import skiff.metainfo.Bitfield;
import skiff.metainfo.Metainfo;

/**
 * The receive side of one connection: frames the socket's bytes into messages, checks every length
 * and range the moment its header arrives, records what the peer declares and tells the listener.
 * Block payloads go from the socket straight into storage; a big bitfield or an unknown message
 * goes around the small buffer. Owned by the loop thread, like its connection.
 */
final class Inbox {
    /** Small: holds headers and control messages only; block payloads bypass it. */
    static final int RECEIVE_BUFFER_BYTES = 2048;
    /** Unknown messages (extensions we never advertised) are skipped up to this size, then the peer is dropped. */
    static final int MAX_UNKNOWN_MESSAGE_BYTES = 1 << 20;
    /** Bytes read per readiness event, so one fast peer cannot starve the others. */
    static final int READ_BUDGET_BYTES = 1 << 20;
    private static final int PIECE_HEADER_BYTES = 9;

    private final PeerConnection conn;
    private final PeerStream channel;
    private final Metainfo metainfo;
    private final byte[] infoHash;
    private final PeerListener listener;
    private final int maxMessageBytes;
    private final ByteBuffer in = ByteBuffer.allocate(RECEIVE_BUFFER_BYTES);
    private final BlockPayload payload;
    private final LargeMessage large = new LargeMessage();
    private boolean handshakeReceived;

    Inbox(PeerConnection conn, PeerStream channel, Metainfo metainfo, PeerListener listener, BlockSink sink) {
        this.conn = conn;
        this.channel = channel;
        this.metainfo = metainfo;
        this.infoHash = metainfo.infoHash();
        this.listener = listener;
        this.payload = new BlockPayload(sink, metainfo.pieceLength());
        this.maxMessageBytes = Math.max(PIECE_HEADER_BYTES + Wire.BLOCK_BYTES, bitfieldMessageBytes(metainfo));
    }

    /** The bitfield message's length (id and body): the one message whose size the torrent sets. */
    static int bitfieldMessageBytes(Metainfo metainfo) {
        return 1 + (metainfo.pieceCount() + 7) / 8;
    }

    boolean handshakeReceived() {
        return handshakeReceived;
    }

    /** Reads and handles what the socket has, up to the budget. */
    void readAvailable() throws IOException {
        int budget = READ_BUDGET_BYTES;
        while (budget > 0 && !conn.isClosed()) {
            if (payload.pending()) {
                int n = readPayload();
                if (n <= 0) {
                    return;
                }
                budget -= n;
                continue;
            }
            if (large.pending()) {
                int n = readLarge();
                if (n <= 0) {
                    return;
                }
                budget -= n;
                continue;
            }
            int n = channel.read(in);
            if (n < 0) {
                conn.close(CloseReason.END_OF_STREAM, null);
                return;
            }
            if (n == 0) {
                return;
            }
            budget -= n;
            conn.heard();
            parseBuffered();
        }
    }

    /**
     * Drops a block being received, for a closing connection: its piece, begin and length when the
     * block was wanted (it must be asked for again), else null.
     */
    int[] abandon() {
        int[] cut = payload.pending() && payload.wanted()
                ? new int[] {payload.piece(), payload.begin(), payload.length()} : null;
        payload.abandon();
        return cut;
    }

    private int readPayload() throws IOException {
        int n = payload.read(channel, in);
        if (n < 0) {
            conn.close(CloseReason.END_OF_STREAM, null);
            return -1;
        }
        int after = payload.spill();
        if (n > 0) {
            conn.heard();
            conn.bytesDownloaded += n;
            if (!payload.pending()) {
                blockDone();
            }
        }
        if (after > 0 && !conn.isClosed()) {
            parseBuffered();
        }
        return n + after;
    }

    private int readLarge() throws IOException {
        int n = large.read(channel, in);
        if (n < 0) {
            conn.close(CloseReason.END_OF_STREAM, null);
            return -1;
        }
        conn.heard();
        byte[] bitfield = large.completed();
        if (bitfield != null) {
            onBitfield(bitfield, 0, bitfield.length);
        }
        return n;
    }

    private void blockDone() throws IOException {
        boolean wanted = payload.wanted();
        int piece = payload.piece();
        int begin = payload.begin();
        int length = payload.length();
        payload.finish();
        if (wanted) {
            listener.blockReceived(conn, piece, begin, length);
        }
    }

    /** Parses every complete message in the receive buffer; leaves partial ones for the next read. */
    private void parseBuffered() throws IOException {
        in.flip();
        try {
            while (!conn.isClosed()) {
                if (!handshakeReceived) {
                    if (in.remaining() < Wire.HANDSHAKE_BYTES) {
                        break;
                    }
                    onHandshake();
                    continue;
                }
                if (in.remaining() < 4) {
                    break;
                }
                int length = in.getInt(in.position());
                if (length == 0) { // keep-alive
                    in.position(in.position() + 4);
                    continue;
                }
                if (length < 0 || length > maxMessageBytes) {
                    conn.close(CloseReason.MESSAGE_TOO_LONG, "length " + Integer.toUnsignedString(length));
                    return;
                }
                if (in.remaining() < 5) {
                    break;
                }
                int id = in.get(in.position() + 4) & 0xff;
                if (!startMessage(id, length)) {
                    break;
                }
                if (payload.pending() || large.pending()) {
                    break; // the rest comes straight from the socket
                }
            }
        } finally {
            in.compact();
        }
    }

    /** Handles the message at the buffer's position if enough of it is in; false to wait for more bytes. */
    private boolean startMessage(int id, int length) throws IOException {
        int body = length - 1;
        int fixed = Wire.fixedLength(id);
        if (fixed >= 0 && body != fixed) {
            conn.close(CloseReason.BAD_MESSAGE_SIZE, "id " + id + " with " + body + " bytes");
            return false;
        }
        if (id == Wire.PIECE) {
            if (body <= 8 || body - 8 > Wire.BLOCK_BYTES) {
                conn.close(CloseReason.BAD_MESSAGE_SIZE, "piece of " + body + " bytes");
                return false;
            }
            if (in.remaining() < 4 + PIECE_HEADER_BYTES) {
                return false;
            }
            in.position(in.position() + 5);
            startPayload(in.getInt(), in.getInt(), body - 8);
            return !conn.isClosed();
        }
        if (id == Wire.BITFIELD && 4 + length > in.capacity()) {
            in.position(in.position() + 5);
            byte[] bitfield = large.collect(body, in); // body <= maxMessageBytes, which the piece count bounds
            if (bitfield != null) {
                onBitfield(bitfield, 0, bitfield.length);
            }
            return !conn.isClosed();
        }
        if (fixed < 0 && id != Wire.BITFIELD) {
            // An id we do not speak: skip it whole, within a bound.
            if (body > MAX_UNKNOWN_MESSAGE_BYTES) {
                conn.close(CloseReason.MESSAGE_TOO_LONG, "unknown message id " + id);
                return false;
            }
            in.position(in.position() + 5);
            large.skip(body, in);
            return true;
        }
        if (in.remaining() < 4 + length) {
            return false;
        }
        int start = in.position() + 5;
        in.position(in.position() + 4 + length);
        dispatch(id, start, body);
        return true;
    }

    private void startPayload(int piece, int begin, int length) throws IOException {
        if (!inRange(piece, begin, length)) {
            conn.close(CloseReason.PIECE_OUT_OF_RANGE, "piece " + piece + " begin " + begin + " length " + length);
            return;
        }
        boolean wanted = listener.blockStarting(conn, piece, begin, length);
        if (conn.isClosed()) {
            return;
        }
        conn.bytesDownloaded += payload.start(piece, begin, length, wanted, in);
        if (!payload.pending()) {
            blockDone();
        }
    }

    private boolean inRange(int piece, int begin, int length) {
        return piece >= 0 && piece < metainfo.pieceCount() && begin >= 0 && length > 0
                && (long) begin + length <= metainfo.pieceSize(piece);
    }

    private void dispatch(int id, int at, int body) {
        switch (id) {
            case Wire.CHOKE -> {
                conn.peerChoking = true;
                listener.choked(conn, true);
            }
            case Wire.UNCHOKE -> {
                conn.peerChoking = false;
                listener.choked(conn, false);
            }
            case Wire.INTERESTED -> {
                conn.peerInterested = true;
                listener.interested(conn, true);
            }
            case Wire.NOT_INTERESTED -> {
                conn.peerInterested = false;
                listener.interested(conn, false);
            }
            case Wire.HAVE -> {
                int piece = in.getInt(at);
                if (piece < 0 || piece >= metainfo.pieceCount()) {
                    conn.close(CloseReason.HAVE_OUT_OF_RANGE, "have " + piece);
                    return;
                }
                if (!conn.peerPieces.get(piece)) {
                    conn.peerPieces.set(piece);
                    listener.have(conn, piece);
                }
            }
            case Wire.BITFIELD -> onBitfield(in.array(), in.arrayOffset() + at, body);
            case Wire.REQUEST, Wire.CANCEL -> {
                int piece = in.getInt(at);
                int begin = in.getInt(at + 4);
                int length = in.getInt(at + 8);
                if (!inRange(piece, begin, length)) {
                    if (id == Wire.REQUEST) {
                        conn.close(CloseReason.REQUEST_OUT_OF_RANGE, "request " + piece + "/" + begin + "/" + length);
                    }
                    return; // a stray cancel is harmless
                }
                if (id == Wire.REQUEST) {
                    listener.request(conn, piece, begin, length);
                } else {
                    listener.cancel(conn, piece, begin, length);
                }
            }
            default -> {
                // PORT (BEP 5): read and ignored until DHT exists
            }
        }
    }

    /** BEP 3 wants the bitfield first; clients in the wild send it late too, so it is merged in. */
    private void onBitfield(byte[] bytes, int offset, int length) {
        Bitfield b = Bitfield.fromBytes(bytes, offset, length, metainfo.pieceCount());
        if (b == null) {
            conn.close(CloseReason.BAD_BITFIELD, length + " bytes for " + metainfo.pieceCount() + " pieces");
            return;
        }
        for (int i = b.nextSet(0); i >= 0; i = b.nextSet(i + 1)) {
            conn.peerPieces.set(i);
        }
        listener.bitfield(conn, conn.peerPieces);
    }

    private void onHandshake() {
        if (!Wire.isProtocol(in)) {
            conn.close(CloseReason.NOT_BITTORRENT, null);
            return;
        }
        int p = in.position();
        byte[] reserved = new byte[8];
        byte[] hash = new byte[20];
        byte[] id = new byte[20];
        in.get(p + 20, reserved);
        in.get(p + 28, hash);
        in.get(p + 48, id);
        in.position(p + Wire.HANDSHAKE_BYTES);
        if (!Arrays.equals(hash, infoHash)) {
            conn.close(CloseReason.WRONG_INFO_HASH, null);
            return;
        }
        handshakeReceived = true;
        conn.handshaken(id, reserved);
    }
}
