package skiff.peer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.function.LongConsumer;
import skiff.loop.EventLoop;
import skiff.metainfo.Bitfield;
import skiff.metainfo.Metainfo;

/**
 * One live connection to a peer over a {@link PeerStream}: the state both ends have declared, the
 * messages we send (through the {@link Outbox}) and the connection's life from connect to close.
 * What the peer sends is framed, checked and recorded by its {@link Inbox}. Owned by the loop thread.
 */
public final class PeerConnection<S> implements PeerStream.Events {
    /** Outgoing control bytes queued at most (about 3000 requests, or a huge bitfield); a peer that will not read is dropped. */
    static final int MAX_SEND_BUFFER_BYTES = 64 << 10;
    /**
     * Requests a peer may have queued with us, told it as BEP 10's `reqq` (libtorrent's
     * max_allowed_in_request_queue is 2000 too); further ones are dropped, the peer kept.
     */
    public static final int MAX_QUEUED_UPLOADS = 2000;

    private final EventLoop loop;
    private final PeerStream stream;
    private final InetSocketAddress address;
    private final boolean outgoing;
    private PeerListener<S> listener;
    private final S state;
    private BlockSource source;
    private boolean started;

    private final Inbox<S> inbox;
    private final Outbox outbox;
    private final Messages send;
    private boolean handshakeSent;
    private byte[] pendingHandshake;
    private byte[] extensionOffer;
    private ExtensionHandshake extensions;
    private boolean closed;
    private final LongConsumer countUpload;

    // State the peer declared (BEP 3): set by the inbox, read by the swarm; ours is in Messages.
    boolean peerChoking = true;
    boolean peerInterested;
    Bitfield peerPieces;
    private byte[] peerId;

    /** What the connection moved and when. */
    final PeerCounters counters;

    /** {@code state}: the swarm's own bookkeeping for this peer, handed back by {@link #state()}. */
    public PeerConnection(EventLoop loop, PeerStream stream, InetSocketAddress address, boolean outgoing,
                          Metainfo metainfo, PeerListener<S> listener, BlockSink sink, S state) {
        this(loop, stream, address, outgoing, TorrentShape.of(metainfo), listener, sink, state);
    }

    /** A connection for a torrent of {@code shape}, which may be known by its info-hash alone. */
    public PeerConnection(EventLoop loop, PeerStream stream, InetSocketAddress address, boolean outgoing,
                          TorrentShape shape, PeerListener<S> listener, BlockSink sink, S state) {
        this.loop = loop;
        this.state = state;
        this.stream = stream;
        this.address = address;
        this.outgoing = outgoing;
        this.listener = listener;
        this.peerPieces = new Bitfield(Math.max(0, shape.pieceCount()));
        this.inbox = new Inbox<>(this, stream, shape, listener, sink);
        int bitfieldMessage = FrameDecoder.bitfieldMessageBytes(Math.max(0, shape.pieceCount()));
        this.outbox = new Outbox(Math.max(MAX_SEND_BUFFER_BYTES, bitfieldMessage + 4 + 1024), shape.pieceLength());
        this.send = new Messages(outbox, this);
        this.counters = new PeerCounters(loop.nowMillis());
        this.countUpload = n -> counters.bytesUploaded += n;
    }

    /** Enables serving blocks; without a source, requests are the listener's business only. */
    public void source(BlockSource source) {
        this.source = source;
    }


    /** The swarm's bookkeeping for this peer. */
    public S state() {
        return state;
    }

    /** What we say to the peer. */
    public Messages send() {
        return send;
    }

    public boolean amChoking() {
        return send.choking();
    }

    public boolean amInterested() {
        return send.interested();
    }

    public boolean peerChoking() {
        return peerChoking;
    }

    public boolean peerInterested() {
        return peerInterested;
    }

    /** The pieces the peer has declared (bitfield and haves); the swarm reads, never writes, it. */
    public Bitfield peerPieces() {
        return peerPieces;
    }

    /** The peer's id from its handshake, or null before it. */
    public byte[] peerId() {
        return peerId;
    }

    /** What the connection moved and when, for the swarm's rates and timeouts. */
    public PeerCounters counters() {
        return counters;
    }

    /**
     * Queues a block to send; false when the peer already has too many queued. Honest deep
     * pipelining is no attack: the request is dropped (BEP 6 will reject it) and the peer kept.
     */
    public boolean queueUpload(int piece, int begin, int length) {
        if (!outbox.queueUpload(piece, begin, length, MAX_QUEUED_UPLOADS)) {
            counters.droppedRequests++;
            send.reject(piece, begin, length); // BEP 6: said, not silent
            return false;
        }
        flush();
        return true;
    }

    public void cancelUpload(int piece, int begin, int length) {
        outbox.cancelUpload(piece, begin, length);
    }

    public int queuedUploads() {
        return outbox.queuedUploads();
    }

    public boolean uploadsWaiting() {
        return outbox.uploadsWaiting();
    }

    /** Starts the stream; an outgoing connection waits for connect, an incoming one starts reading. */
    public void register(byte[] ourHandshake) throws IOException {
        this.pendingHandshake = ourHandshake;
        started = true;
        stream.start(this);
    }

    public InetSocketAddress address() {
        return address;
    }

    public boolean outgoing() {
        return outgoing;
    }

    public boolean handshakeDone() {
        return inbox.handshakeReceived() && handshakeSent;
    }

    /** How the bytes travel (plain TCP, encrypted, ...), for the debug log. */
    public String transport() {
        return stream.transport();
    }

    public boolean socketConnected() {
        return stream.connected();
    }

    public boolean isClosed() {
        return closed;
    }

    public int queuedSendBytes() {
        return outbox.queuedBytes();
    }

    @Override
    public void connected() {
        if (closed) {
            return;
        }
        listener.connected(this);
        if (!closed && outgoing) {
            sendHandshake();
        }
    }

    @Override
    public void connectFailed(String why) {
        close(CloseReason.CONNECT_FAILED, why);
    }

    @Override
    public void readable() throws IOException {
        if (!closed) {
            inbox.readAvailable();
        }
    }

    @Override
    public void writable() {
        flush();
    }

    private void sendHandshake() {
        if (!handshakeSent && pendingHandshake != null) {
            handshakeSent = true;
            send.raw(pendingHandshake);
            flush();
        }
    }

    /** From the inbox, once the peer's handshake named our torrent. */
    void handshaken(byte[] id, byte[] reserved) {
        peerId = id;
        send.fast(Wire.supportsFast(reserved) && pendingHandshake != null
                && Wire.supportsFast(java.util.Arrays.copyOfRange(pendingHandshake, 20, 28)));
        sendHandshake(); // an incoming peer hears ours only once theirs checked out
        CloseReason refuse = listener.handshaken(this, id, reserved); // sends the bitfield (or have all/none), first
        if (refuse != null) {
            close(refuse, null);
            return;
        }
        if (Wire.supportsExtensions(reserved) && pendingHandshake != null
                && Wire.supportsExtensions(java.util.Arrays.copyOfRange(pendingHandshake, 20, 28))) {
            send.raw(extensionOffer != null ? extensionOffer : Wire.extensionHandshake(MAX_QUEUED_UPLOADS));
            flush();
        }
    }

    /**
     * A magnet's connection, kept when its metadata came: from now on it is of {@code shape}, heard
     * by {@code l}, its blocks go to {@code sink}, ours come from {@code blocks}. What the peer said it has
     * before is applied; a peer whose early bitfield or haves do not fit the torrent is closed.
     */
    public void adopt(TorrentShape shape, PeerListener<S> l, BlockSink sink, BlockSource blocks) {
        this.listener = l;
        this.source = blocks;
        this.peerPieces = new Bitfield(shape.pieceCount());
        outbox.shape(FrameDecoder.bitfieldMessageBytes(shape.pieceCount()) + 4 + 1024, shape.pieceLength());
        String bad = inbox.adopt(shape, l, sink);
        if (bad != null) {
            close(bad.startsWith("have") ? CloseReason.HAVE_OUT_OF_RANGE : CloseReason.BAD_BITFIELD, bad);
        }
    }

    /** A new extension handshake (BEP 10 allows one at any time): what we offer changed. */
    public void resendExtensions(byte[] message) {
        this.extensionOffer = message;
        if (extensions != null && !closed) {
            send.raw(message);
            flush();
        }
    }

    /** Our extension handshake (BEP 10) for this peer, sent after the handshakes if both sides set the bit. */
    public void offerExtensions(byte[] message) {
        this.extensionOffer = message;
    }

    /** The peer's extension handshake, or null before it (or without BEP 10). */
    public ExtensionHandshake extensions() {
        return extensions;
    }

    /** From the inbox: the peer's extension handshake; a later one updates the first (BEP 10). */
    void extensions(ExtensionHandshake h) {
        extensions = h;
    }

    /**
     * Sends {@code payload} as the peer's extension {@code name} (BEP 10); false when the peer does
     * not speak it (or has not said so yet).
     */
    public boolean sendExtended(String name, byte[] payload) {
        int id = extensions == null ? 0 : extensions.id(name);
        if (id == 0 || closed) {
            return false;
        }
        send.raw(Wire.extended(id, payload));
        flush();
        return true;
    }

    /** From the inbox: bytes arrived. */
    void heard() {
        counters.lastReceiveMillis = loop.nowMillis();
    }

    /** Whether both sides set BEP 6's bit: have all/none, reject, allowed fast and suggest are spoken. */
    public boolean fast() {
        return send.fast();
    }

    /** Whether we told the peer it may have {@code piece} while choked. */
    public boolean allowedFast(int piece) {
        return send.allowed(piece);
    }

    /** Writes what is queued, then blocks; asks for writability only while bytes are left over. */
    public void flush() {
        if (closed || !started || !stream.connected()) {
            return;
        }
        try {
            if (outbox.drain(stream, source, send.choking(), send::allowed, countUpload) > 0) {
                counters.lastSendMillis = loop.nowMillis();
            }
        } catch (IOException e) {
            close(CloseReason.IO_ERROR, e.getMessage());
            return;
        }
        stream.wantWrite(outbox.pending());
    }

    // ---- closing ----

    /** Closes after this turn's dispatch; the listener hears the reason once. */
    public void close(CloseReason reason, String detail) {
        if (closed) {
            return;
        }
        closed = true;
        int[] cut = inbox.abandon();
        stream.release();
        if (cut != null) {
            listener.blockAbandoned(this, cut[0], cut[1], cut[2]);
        }
        listener.closed(this, reason, detail);
    }

    @Override
    public void closed(Throwable cause) {
        if (!closed) {
            close(cause == null ? CloseReason.SHUTDOWN : CloseReason.IO_ERROR,
                    cause == null ? null : cause.getMessage() != null ? cause.getMessage() : cause.toString());
        }
    }

    @Override
    public String toString() {
        return name(address);
    }

    /** A peer's address for messages; a web seed's (an unresolved address) is its URL. */
    public static String name(InetSocketAddress a) {
        return a.isUnresolved() ? a.getHostString() : AddressText.of(a);
    }
}
