package skiff.peer;

import java.io.IOException;
import java.nio.ByteBuffer;
import skiff.metainfo.Bitfield;

/**
 * The receive side of one connection: reads the stream, has the {@link FrameDecoder} frame and check
 * what came, records what the peer declares and tells the listener. Block payloads go from the
 * stream straight into storage; a big bitfield or an unknown message goes around the small buffer. Owned by the loop thread, like its connection.
 */
final class Inbox<S> {
    /** Small: holds headers and control messages only; block payloads bypass it. */
    static final int RECEIVE_BUFFER_BYTES = 2048;
    /** Bytes read per readiness event, so one fast peer cannot starve the others. */
    static final int READ_BUDGET_BYTES = 1 << 20;

    private final PeerConnection<S> conn;
    private final PeerStream channel;
    private TorrentShape shape;
    private PeerListener<S> listener;
    private final ByteBuffer in = ByteBuffer.allocate(RECEIVE_BUFFER_BYTES);
    private BlockPayload payload;
    private final LargeMessage large = new LargeMessage();
    private FrameDecoder decoder;
    /** Before the metadata: what the peer said it has, applied once the pieces are known (bounded). */
    private byte[] earlyBitfield;
    private boolean earlyHaveAll;
    private final java.util.List<Integer> earlyHaves = new java.util.ArrayList<>();
    static final int MAX_EARLY_HAVES = 100_000;
    private final FrameDecoder.Frame frame = new FrameDecoder.Frame();
    /** The id of the message {@link #large} collects. */
    private int largeId;

    Inbox(PeerConnection<S> conn, PeerStream channel, TorrentShape shape, PeerListener<S> listener, BlockSink sink) {
        this.conn = conn;
        this.channel = channel;
        this.shape = shape;
        this.listener = listener;
        this.payload = new BlockPayload(sink, shape.pieceLength());
        this.decoder = new FrameDecoder(shape.infoHash(), shape.pieceCount(), shape.pieceSize(), RECEIVE_BUFFER_BYTES);
    }

    boolean handshakeReceived() {
        return decoder.handshakeReceived();
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
            conn.counters.bytesDownloaded += n;
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
        byte[] body = large.completed();
        if (body != null) {
            onLarge(body);
        }
        return n;
    }

    /**
     * The torrent's shape is known now (a magnet's metadata came), and {@code listener} hears this
     * peer from here on. What the peer said it has before is applied; returns why it cannot be, or null.
     */
    String adopt(TorrentShape known, PeerListener<S> l, BlockSink sink) {
        shape = known;
        listener = l;
        decoder = decoder.withShape(known);
        payload = new BlockPayload(sink, known.pieceLength());
        if (earlyHaveAll) {
            conn.peerPieces.setAll();
        } else if (earlyBitfield != null) {
            Bitfield b = Bitfield.fromBytes(earlyBitfield, 0, earlyBitfield.length, known.pieceCount());
            if (b == null) {
                return "bitfield of " + earlyBitfield.length + " bytes for " + known.pieceCount() + " pieces";
            }
            for (int i = b.nextSet(0); i >= 0; i = b.nextSet(i + 1)) {
                conn.peerPieces.set(i);
            }
        }
        for (int piece : earlyHaves) {
            if (piece < 0 || piece >= known.pieceCount()) {
                return "have " + piece;
            }
            conn.peerPieces.set(piece);
        }
        earlyBitfield = null;
        earlyHaves.clear();
        return null;
    }

    /** A message collected apart from the buffer: a big bitfield or extended message. */
    private void onLarge(byte[] body) {
        if (largeId == Wire.BITFIELD) {
            onBitfield(body, 0, body.length);
        } else {
            extended(body, 0, body.length);
        }
    }

    /** An extended message (BEP 10): its first byte is our id for the extension, 0 for the handshake. */
    private void extended(byte[] b, int offset, int length) {
        int id = b[offset] & 0xff;
        if (id != 0) {
            listener.extended(conn, id, b, offset + 1, length - 1);
            return;
        }
        ExtensionHandshake h = ExtensionHandshake.parse(b, offset + 1, length - 1);
        if (h == null) {
            conn.close(CloseReason.BAD_EXTENSION_MESSAGE, "extension handshake is not a bencoded dictionary");
            return;
        }
        conn.extensions(h);
        listener.extensionHandshake(conn, h);
    }

    private void blockDone() throws IOException {
        boolean wanted = payload.wanted();
        int piece = payload.piece();
        int begin = payload.begin();
        int length = payload.length();
        if (wanted && !listener.blockStillWanted(conn, piece, begin)) {
            // another peer's copy came first: these bytes must not land on a piece maybe verified already
            payload.abandon();
            listener.blockAbandoned(conn, piece, begin, length);
            return;
        }
        payload.finish();
        if (wanted) {
            listener.blockReceived(conn, piece, begin, length);
        }
    }

    /** Acts on every complete frame in the receive buffer; leaves partial ones for the next read. */
    private void parseBuffered() throws IOException {
        in.flip();
        try {
            while (!conn.isClosed() && !payload.pending() && !large.pending()) { // a body being read comes straight from the stream
                switch (decoder.next(in, frame)) {
                    case MORE -> {
                        return;
                    }
                    case CLOSE -> conn.close(frame.reason, frame.detail);
                    case HANDSHAKE -> conn.handshaken(frame.peerId, frame.reserved);
                    case KEEP_ALIVE, IGNORED -> { }
                    case MESSAGE -> dispatch(frame);
                    case PIECE -> startPayload(frame.piece, frame.begin, frame.length);
                    case LARGE -> {
                        largeId = frame.id;
                        byte[] body = large.collect(frame.length, in);
                        if (body != null) {
                            onLarge(body);
                        }
                    }
                    case SKIP -> large.skip(frame.length, in);
                }
            }
        } finally {
            in.compact();
        }
    }

    private void startPayload(int piece, int begin, int length) throws IOException {
        boolean wanted = listener.blockStarting(conn, piece, begin, length);
        if (conn.isClosed()) {
            return;
        }
        conn.counters.bytesDownloaded += payload.start(piece, begin, length, wanted, in);
        if (wanted && !payload.wanted()) { // no buffer free to assemble it in: read, dropped, asked for again
            listener.blockAbandoned(conn, piece, begin, length);
        }
        if (!payload.pending()) {
            blockDone();
        }
    }

    private void dispatch(FrameDecoder.Frame f) {
        switch (f.id) {
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
                if (!shape.known()) {
                    if (earlyHaves.size() < MAX_EARLY_HAVES) {
                        earlyHaves.add(f.piece);
                    }
                    return;
                }
                if (!conn.peerPieces.get(f.piece)) {
                    conn.peerPieces.set(f.piece);
                    listener.have(conn, f.piece);
                }
            }
            case Wire.BITFIELD -> onBitfield(in.array(), in.arrayOffset() + f.offset, f.length);
            case Wire.REQUEST -> listener.request(conn, f.piece, f.begin, f.length);
            case Wire.CANCEL -> listener.cancel(conn, f.piece, f.begin, f.length);
            case Wire.REJECT -> listener.rejected(conn, f.piece, f.begin, f.length);
            case Wire.HAVE_ALL -> {
                if (!shape.known()) {
                    earlyHaveAll = true;
                    return;
                }
                conn.peerPieces.setAll();
                listener.bitfield(conn, conn.peerPieces);
            }
            case Wire.HAVE_NONE, Wire.SUGGEST, Wire.ALLOWED_FAST -> {
                // have none: the bitfield is already empty; suggest and allowed fast: advice we do not need to take
            }
            case Wire.EXTENDED -> extended(in.array(), in.arrayOffset() + f.offset, f.length);
            case Wire.PORT -> {
                int port = (in.get(f.offset) & 0xff) << 8 | in.get(f.offset + 1) & 0xff; // the decoder checked: 2 bytes
                if (port != 0) {
                    listener.port(conn, port);
                }
            }
            default -> {
                // nothing else reaches here: the decoder ignores ids it does not know
            }
        }
    }

    /** BEP 3 wants the bitfield first; clients in the wild send it late too, so it is merged in. */
    private void onBitfield(byte[] bytes, int offset, int length) {
        if (!shape.known()) {
            earlyBitfield = java.util.Arrays.copyOfRange(bytes, offset, offset + length);
            return;
        }
        Bitfield b = Bitfield.fromBytes(bytes, offset, length, shape.pieceCount());
        if (b == null) {
            conn.close(CloseReason.BAD_BITFIELD, length + " bytes for " + shape.pieceCount() + " pieces");
            return;
        }
        for (int i = b.nextSet(0); i >= 0; i = b.nextSet(i + 1)) {
            conn.peerPieces.set(i);
        }
        listener.bitfield(conn, conn.peerPieces);
    }
}
