package skiff.peer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.function.LongConsumer;
import skiff.loop.EventLoop;
import skiff.loop.Handler;
import skiff.metainfo.Bitfield;
import skiff.metainfo.Metainfo;

/**
 * One live connection to a peer: the wire codec on a non-blocking socket and the state both ends
 * have declared. Every length is checked against its bound the moment its header arrives; block
 * payloads go from the socket straight into storage. Owned by the loop thread.
 */
public final class PeerConnection implements Handler {
    /** Small: holds headers and control messages only; block payloads bypass it. */
    static final int RECEIVE_BUFFER_BYTES = 2048;
    /** Outgoing control bytes queued at most (about 3000 requests, or a huge bitfield); a peer that will not read is dropped. */
    static final int MAX_SEND_BUFFER_BYTES = 64 << 10;
    /** Unknown messages (extensions we never advertised) are skipped up to this size, then the peer is dropped. */
    static final int MAX_UNKNOWN_MESSAGE_BYTES = 1 << 20;
    /** Bytes read per readiness event, so one fast peer cannot starve the others. */
    static final int READ_BUDGET_BYTES = 1 << 20;
    /** Requests a peer may have queued with us (libtorrent's max_allowed_in_request_queue); more is a flood. */
    public static final int MAX_QUEUED_UPLOADS = 500;
    private static final int PIECE_HEADER_BYTES = 9;

    private final EventLoop loop;
    private final SocketChannel channel;
    private final InetSocketAddress address;
    private final boolean outgoing;
    private final Metainfo metainfo;
    private final byte[] infoHash;
    private final PeerListener listener;
    private BlockSource source;
    private final int maxMessageBytes;
    private SelectionKey key;

    private ByteBuffer in = ByteBuffer.allocate(RECEIVE_BUFFER_BYTES);
    private final Outbox outbox;
    private boolean handshakeReceived;
    private boolean handshakeSent;
    private byte[] pendingHandshake;
    private boolean anyMessage;
    private boolean closed;

    private final BlockPayload payload;
    private final LongConsumer countUpload = n -> this.bytesUploaded += n;
    private final LargeMessage large = new LargeMessage();

    // State both ends have declared (BEP 3).
    public boolean amChoking = true;
    public boolean amInterested;
    public boolean peerChoking = true;
    public boolean peerInterested;
    public final Bitfield peerPieces;
    public byte[] peerId;

    // Counters the swarm turns into rates.
    public long bytesDownloaded;
    public long bytesUploaded;
    public long lastReceiveMillis;
    public long lastSendMillis;
    public final long createdMillis;
    /** Free for the swarm's per-connection bookkeeping. */
    public Object attachment;

    public PeerConnection(EventLoop loop, SocketChannel channel, InetSocketAddress address, boolean outgoing,
                          Metainfo metainfo, PeerListener listener, BlockSink sink) {
        this.loop = loop;
        this.channel = channel;
        this.address = address;
        this.outgoing = outgoing;
        this.metainfo = metainfo;
        this.infoHash = metainfo.infoHash();
        this.listener = listener;
        this.payload = new BlockPayload(sink, metainfo.pieceLength());
        this.peerPieces = new Bitfield(metainfo.pieceCount());
        int bitfieldMessage = 1 + (metainfo.pieceCount() + 7) / 8;
        this.maxMessageBytes = Math.max(PIECE_HEADER_BYTES + Wire.BLOCK_BYTES, bitfieldMessage);
        this.outbox = new Outbox(Math.max(MAX_SEND_BUFFER_BYTES, bitfieldMessage + 4 + 1024), metainfo.pieceLength());
        this.createdMillis = loop.nowMillis();
        this.lastReceiveMillis = createdMillis;
        this.lastSendMillis = createdMillis;
    }

    /** Enables serving blocks; without a source, requests are the listener's business only. */
    public void source(BlockSource source) {
        this.source = source;
    }

    /** Queues a block to send; false when the peer already has too many queued (a flood). */
    public boolean queueUpload(int piece, int begin, int length) {
        if (!outbox.queueUpload(piece, begin, length, MAX_QUEUED_UPLOADS)) {
            return false;
        }
        flush();
        return true;
    }

    public void cancelUpload(int piece, int begin, int length) {
        outbox.cancelUpload(piece, begin, length);
    }

    /** BEP 3: choking a peer discards the requests it made. */
    public void clearUploads() {
        outbox.clearUploads();
    }

    public int queuedUploads() {
        return outbox.queuedUploads();
    }

    public boolean uploadsWaiting() {
        return outbox.uploadsWaiting();
    }

    /** Registers with the loop; an outgoing connection waits for connect, an incoming one starts reading. */
    public void register(byte[] ourHandshake) throws IOException {
        this.pendingHandshake = ourHandshake;
        int ops = outgoing && !channel.isConnected() ? SelectionKey.OP_CONNECT : SelectionKey.OP_READ;
        key = loop.register(channel, ops, this);
        if (outgoing && channel.isConnected()) {
            onConnected();
        }
    }

    public InetSocketAddress address() {
        return address;
    }

    public boolean outgoing() {
        return outgoing;
    }

    public boolean handshakeDone() {
        return handshakeReceived && handshakeSent;
    }

    public boolean socketConnected() {
        return channel.isConnected();
    }

    public boolean isClosed() {
        return closed;
    }

    public int queuedSendBytes() {
        return outbox.queuedBytes();
    }

    @Override
    public void ready(SelectionKey k) throws IOException {
        if (closed) {
            return;
        }
        if (k.isConnectable()) {
            try {
                if (!channel.finishConnect()) {
                    return;
                }
            } catch (IOException e) {
                close(CloseReason.CONNECT_FAILED, e.getMessage());
                return;
            }
            k.interestOps(SelectionKey.OP_READ);
            onConnected();
            if (closed) {
                return;
            }
        }
        if (k.isValid() && k.isWritable()) {
            flush();
        }
        if (!closed && k.isValid() && k.isReadable()) {
            readAvailable();
        }
    }

    private void onConnected() {
        listener.connected(this);
        if (!closed) {
            sendHandshake();
        }
    }

    private void sendHandshake() {
        if (!handshakeSent && pendingHandshake != null) {
            handshakeSent = true;
            enqueue(pendingHandshake);
            flush();
        }
    }

    // ---- receiving ----

    private void readAvailable() throws IOException {
        int budget = READ_BUDGET_BYTES;
        while (budget > 0 && !closed) {
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
                close(CloseReason.END_OF_STREAM, null);
                return;
            }
            if (n == 0) {
                return;
            }
            budget -= n;
            lastReceiveMillis = loop.nowMillis();
            parseBuffered();
        }
    }

    private int readPayload() throws IOException {
        int n = payload.read(channel, in);
        if (n < 0) {
            close(CloseReason.END_OF_STREAM, null);
            return -1;
        }
        int after = payload.spill();
        if (n > 0) {
            lastReceiveMillis = loop.nowMillis();
            bytesDownloaded += n;
            if (!payload.pending()) {
                blockDone();
            }
        }
        if (after > 0 && !closed) {
            parseBuffered();
        }
        return n + after;
    }

    private int readLarge() throws IOException {
        int n = large.read(channel, in);
        if (n < 0) {
            close(CloseReason.END_OF_STREAM, null);
            return -1;
        }
        lastReceiveMillis = loop.nowMillis();
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
            listener.blockReceived(this, piece, begin, length);
        }
    }

    /** Parses every complete message in the receive buffer; leaves partial ones for the next read. */
    private void parseBuffered() throws IOException {
        in.flip();
        try {
            while (!closed) {
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
                    close(CloseReason.MESSAGE_TOO_LONG, "length " + Integer.toUnsignedString(length));
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
            close(CloseReason.BAD_MESSAGE_SIZE, "id " + id + " with " + body + " bytes");
            return false;
        }
        if (id == Wire.PIECE) {
            if (body <= 8 || body - 8 > Wire.BLOCK_BYTES) {
                close(CloseReason.BAD_MESSAGE_SIZE, "piece of " + body + " bytes");
                return false;
            }
            if (in.remaining() < 4 + PIECE_HEADER_BYTES) {
                return false;
            }
            in.position(in.position() + 5);
            startPayload(in.getInt(), in.getInt(), body - 8);
            return !closed;
        }
        if (id == Wire.BITFIELD && 4 + length > in.capacity()) {
            in.position(in.position() + 5);
            byte[] bitfield = large.collect(body, in); // body <= maxMessageBytes, which the piece count bounds
            if (bitfield != null) {
                onBitfield(bitfield, 0, bitfield.length);
            }
            return !closed;
        }
        if (fixed < 0 && id != Wire.BITFIELD) {
            // An id we do not speak: skip it whole, within a bound.
            if (body > MAX_UNKNOWN_MESSAGE_BYTES) {
                close(CloseReason.MESSAGE_TOO_LONG, "unknown message id " + id);
                return false;
            }
            in.position(in.position() + 5);
            large.skip(body, in);
            anyMessage = true;
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
        if (piece < 0 || piece >= metainfo.pieceCount() || begin < 0 || length <= 0
                || (long) begin + length > metainfo.pieceSize(piece)) {
            close(CloseReason.PIECE_OUT_OF_RANGE, "piece " + piece + " begin " + begin + " length " + length);
            return;
        }
        anyMessage = true;
        boolean wanted = listener.blockStarting(this, piece, begin, length);
        if (closed) {
            return;
        }
        bytesDownloaded += payload.start(piece, begin, length, wanted, in);
        if (!payload.pending()) {
            blockDone();
        }
    }

    private void dispatch(int id, int at, int body) {
        anyMessage = true;
        switch (id) {
            case Wire.CHOKE -> {
                peerChoking = true;
                listener.choked(this, true);
            }
            case Wire.UNCHOKE -> {
                peerChoking = false;
                listener.choked(this, false);
            }
            case Wire.INTERESTED -> {
                peerInterested = true;
                listener.interested(this, true);
            }
            case Wire.NOT_INTERESTED -> {
                peerInterested = false;
                listener.interested(this, false);
            }
            case Wire.HAVE -> {
                int piece = in.getInt(at);
                if (piece < 0 || piece >= metainfo.pieceCount()) {
                    close(CloseReason.HAVE_OUT_OF_RANGE, "have " + piece);
                    return;
                }
                if (!peerPieces.get(piece)) {
                    peerPieces.set(piece);
                    listener.have(this, piece);
                }
            }
            case Wire.BITFIELD -> onBitfield(in.array(), in.arrayOffset() + at, body);
            case Wire.REQUEST, Wire.CANCEL -> {
                int piece = in.getInt(at);
                int begin = in.getInt(at + 4);
                int length = in.getInt(at + 8);
                if (piece < 0 || piece >= metainfo.pieceCount() || begin < 0 || length <= 0
                        || (long) begin + length > metainfo.pieceSize(piece)) {
                    if (id == Wire.REQUEST) {
                        close(CloseReason.REQUEST_OUT_OF_RANGE, "request " + piece + "/" + begin + "/" + length);
                    }
                    return; // a stray cancel is harmless
                }
                if (id == Wire.REQUEST) {
                    listener.request(this, piece, begin, length);
                } else {
                    listener.cancel(this, piece, begin, length);
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
            close(CloseReason.BAD_BITFIELD, length + " bytes for " + metainfo.pieceCount() + " pieces");
            return;
        }
        for (int i = b.nextSet(0); i >= 0; i = b.nextSet(i + 1)) {
            peerPieces.set(i);
        }
        listener.bitfield(this, peerPieces);
    }

    private void onHandshake() {
        if (!Wire.isProtocol(in)) {
            close(CloseReason.NOT_BITTORRENT, null);
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
            close(CloseReason.WRONG_INFO_HASH, null);
            return;
        }
        handshakeReceived = true;
        peerId = id;
        sendHandshake(); // an incoming peer hears ours only once theirs checked out
        CloseReason refuse = listener.handshaken(this, id, reserved);
        if (refuse != null) {
            close(refuse, null);
        }
    }

    // ---- sending ----

    public void sendChoke(boolean choke) {
        if (amChoking == choke) {
            return;
        }
        amChoking = choke;
        if (choke) {
            clearUploads();
        }
        simple(choke ? Wire.CHOKE : Wire.UNCHOKE);
    }

    public void sendInterested(boolean interested) {
        if (amInterested != interested) {
            amInterested = interested;
            simple(interested ? Wire.INTERESTED : Wire.NOT_INTERESTED);
        }
    }

    public void sendHave(int piece) {
        if (!ensure(9)) {
            return;
        }
        outbox.buffer().putInt(5).put((byte) Wire.HAVE).putInt(piece);
        flush();
    }

    public void sendBitfield(Bitfield pieces) {
        byte[] b = pieces.toBytes();
        if (!ensure(5 + b.length)) {
            return;
        }
        outbox.buffer().putInt(1 + b.length).put((byte) Wire.BITFIELD).put(b);
        flush();
    }

    /** Queues a request without flushing; call {@link #flush()} after a batch. */
    public void queueRequest(int piece, int begin, int length) {
        triple(Wire.REQUEST, piece, begin, length);
    }

    public void sendCancel(int piece, int begin, int length) {
        triple(Wire.CANCEL, piece, begin, length);
        flush();
    }

    public void sendKeepAlive() {
        if (!ensure(4)) {
            return;
        }
        outbox.buffer().putInt(0);
        flush();
    }

    private void simple(int id) {
        if (!ensure(5)) {
            return;
        }
        outbox.buffer().putInt(1).put((byte) id);
        flush();
    }

    private void triple(int id, int a, int b, int c) {
        if (!ensure(17)) {
            return;
        }
        outbox.buffer().putInt(13).put((byte) id).putInt(a).putInt(b).putInt(c);
    }

    private void enqueue(byte[] bytes) {
        if (ensure(bytes.length)) {
            outbox.buffer().put(bytes);
        }
    }

    /** Makes room for {@code more} bytes; false (and the connection closing) past the bound. */
    private boolean ensure(int more) {
        if (closed) {
            return false;
        }
        if (!outbox.ensure(more)) {
            close(CloseReason.SEND_QUEUE_FULL, outbox.queuedBytes() + more + " bytes queued");
            return false;
        }
        return true;
    }

    /** Writes what is queued, then blocks; asks for writability only while bytes are left over. */
    public void flush() {
        if (closed || key == null || !channel.isConnected()) {
            return;
        }
        try {
            if (outbox.drain(channel, source, amChoking, countUpload) > 0) {
                lastSendMillis = loop.nowMillis();
            }
        } catch (IOException e) {
            close(CloseReason.IO_ERROR, e.getMessage());
            return;
        }
        if (key.isValid()) {
            int ops = key.interestOps();
            int want = outbox.pending() ? ops | SelectionKey.OP_WRITE : ops & ~SelectionKey.OP_WRITE;
            if (want != ops) {
                key.interestOps(want);
            }
        }
    }

    // ---- closing ----

    /** Closes after this turn's dispatch; the listener hears the reason once. */
    public void close(CloseReason reason, String detail) {
        if (closed) {
            return;
        }
        closed = true;
        boolean cut = payload.pending() && payload.wanted();
        int piece = payload.piece();
        int begin = payload.begin();
        int length = payload.length();
        payload.abandon();
        if (key != null) {
            loop.close(key, null);
        } else {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing to do
            }
        }
        if (cut) {
            listener.blockAbandoned(this, piece, begin, length);
        }
        listener.closed(this, reason, detail);
    }

    @Override
    public void closed(Throwable cause) {
        if (!closed) {
            close(cause == null ? CloseReason.SHUTDOWN : CloseReason.IO_ERROR, cause == null ? null : cause.toString());
        }
    }

    @Override
    public String toString() {
        return address.getAddress().getHostAddress() + ":" + address.getPort();
    }
}
