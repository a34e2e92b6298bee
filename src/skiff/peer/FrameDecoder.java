package skiff.peer;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.function.IntUnaryOperator;

/**
 * The peer wire protocol's framing (BEP 3), pure: given the bytes received so far, the next frame,
 * or why the connection must close. Every length and range is checked the moment its header is in,
 * before anything is allocated or read for it. No I/O, and no state but whether the handshake has
 * come: the {@link Inbox} reads the stream and acts on frames, and the fuzz target drives this alone.
 */
public final class FrameDecoder {
    /** Unknown messages are skipped up to this size, then the peer is dropped. */
    static final int MAX_UNKNOWN_MESSAGE_BYTES = 1 << 20;
    /**
     * Extended messages (BEP 10) at most: the handshake's own bound, above a metadata piece (16 KiB
     * and its dictionary) and any PEX message.
     */
    static final int MAX_EXTENDED_MESSAGE_BYTES = ExtensionHandshake.MAX_BYTES + 1;
    private static final int PIECE_HEADER_BYTES = 9;
    /** Before the metadata a bitfield is kept up to this size (half a million pieces), to apply once the pieces are known. */
    static final int MAX_EARLY_BITFIELD_BYTES = 64 << 10;

    /** What {@link #next} found at the buffer's position. */
    public enum Kind {
        /** Not enough bytes yet: nothing was consumed. */
        MORE,
        /** The peer's 68-byte handshake, for our torrent: {@link Frame#reserved} and {@link Frame#peerId}. */
        HANDSHAKE,
        KEEP_ALIVE,
        /** A whole message with its body in the buffer from {@link Frame#offset}, {@link Frame#length} bytes; have, request and cancel decoded and checked. */
        MESSAGE,
        /** A cancel of a block that cannot exist (BEP 3 allows cancels to cross), or, before the metadata, a have or request: ignored. */
        IGNORED,
        /** A block's header, checked against the torrent: its {@link Frame#length} payload bytes follow in the stream. */
        PIECE,
        /** A bitfield or extended message larger than the buffer: its {@link Frame#length} body bytes follow in the stream, to be collected. */
        LARGE,
        /** A message id we do not speak: its {@link Frame#length} body bytes follow, to be skipped. */
        SKIP,
        /** The peer broke the protocol: {@link Frame#reason} and {@link Frame#detail} say how. */
        CLOSE
    }

    /** One decoded frame; reused from call to call, read it before the next. */
    public static final class Frame {
        public Kind kind;
        public int id;
        /** For have, request, cancel and piece. */
        public int piece;
        public int begin;
        /** A message body's bytes (for request and cancel: the block's length), a block's payload bytes, or the bytes to collect or skip. */
        public int length;
        /** Where a {@link Kind#MESSAGE}'s body starts in the buffer. */
        public int offset;
        public CloseReason reason;
        public String detail;
        public byte[] reserved;
        public byte[] peerId;

        public Frame() {
            // filled by next()
        }
    }

    private final byte[] infoHash;
    private final int pieceCount;
    private final IntUnaryOperator pieceSize;
    private final int maxMessageBytes;
    private final int bufferCapacity;
    private boolean handshakeReceived;

    /** {@code pieceSize}: each piece's length; {@code bufferCapacity}: the receive buffer's, past which a bitfield is collected apart. */
    public FrameDecoder(byte[] infoHash, int pieceCount, IntUnaryOperator pieceSize, int bufferCapacity) {
        this.infoHash = infoHash.clone();
        this.pieceCount = pieceCount;
        this.pieceSize = pieceSize;
        this.bufferCapacity = bufferCapacity;
        // shape unknown (a magnet link before its metadata): a bitfield of any size is skipped
        this.maxMessageBytes = Math.max(Math.max(PIECE_HEADER_BYTES + Wire.BLOCK_BYTES, 1 + MAX_EXTENDED_MESSAGE_BYTES),
            pieceCount < 0 ? MAX_UNKNOWN_MESSAGE_BYTES : bitfieldMessageBytes(pieceCount));
    }

    /** The bitfield message's length (id and body): the one message whose size the torrent sets. */
    static int bitfieldMessageBytes(int pieceCount) {
        return 1 + (pieceCount + 7) / 8;
    }

    /** The same stream, now of a known shape (a magnet's metadata came): the handshake stays received. */
    FrameDecoder withShape(TorrentShape shape) {
        FrameDecoder d = new FrameDecoder(shape.infoHash(), shape.pieceCount(), shape.pieceSize(), bufferCapacity);
        d.handshakeReceived = handshakeReceived;
        return d;
    }

    public boolean handshakeReceived() {
        return handshakeReceived;
    }

    /**
     * Decodes the frame at {@code in}'s position (a flipped buffer), consuming it, except for
     * {@link Kind#MORE} and {@link Kind#CLOSE}. For PIECE, LARGE_BITFIELD and SKIP only the
     * header is consumed: the body follows. Returns {@code f.kind}.
     */
    public Kind next(ByteBuffer in, Frame f) {
        f.reason = null;
        f.detail = null;
        if (!handshakeReceived) {
            return handshake(in, f);
        }
        if (in.remaining() < 4) {
            return f.kind = Kind.MORE;
        }
        int length = in.getInt(in.position());
        if (length == 0) {
            in.position(in.position() + 4);
            return f.kind = Kind.KEEP_ALIVE;
        }
        if (length < 0 || length > maxMessageBytes) {
            return close(f, CloseReason.MESSAGE_TOO_LONG, "length " + Integer.toUnsignedString(length));
        }
        if (in.remaining() < 5) {
            return f.kind = Kind.MORE;
        }
        int id = in.get(in.position() + 4) & 0xff;
        int body = length - 1;
        f.id = id;
        int fixed = Wire.fixedLength(id);
        if (fixed >= 0 && body != fixed) {
            return close(f, CloseReason.BAD_MESSAGE_SIZE, "id " + id + " with " + body + " bytes");
        }
        if (id == Wire.PIECE) {
            if (pieceCount < 0) {
                return close(f, CloseReason.BLOCK_BEFORE_METADATA, null); // we ask for none before we know the pieces
            }
            return piece(in, f, body);
        }
        if (id == Wire.BITFIELD && pieceCount < 0 && body > MAX_EARLY_BITFIELD_BYTES) {
            in.position(in.position() + 5); // too big to keep until we know the pieces
            f.length = body;
            return f.kind = Kind.SKIP;
        }
        if (id == Wire.EXTENDED && body < 1) {
            return close(f, CloseReason.BAD_MESSAGE_SIZE, "extended message without its id");
        }
        if (id == Wire.EXTENDED && body > MAX_EXTENDED_MESSAGE_BYTES) {
            return close(f, CloseReason.MESSAGE_TOO_LONG, "extended message of " + body + " bytes");
        }
        if ((id == Wire.BITFIELD || id == Wire.EXTENDED) && 4 + length > bufferCapacity) {
            in.position(in.position() + 5); // body bounded above: the piece count, or the extended limit
            f.length = body;
            return f.kind = Kind.LARGE;
        }
        if (fixed < 0 && id != Wire.BITFIELD && id != Wire.EXTENDED) {
            if (body > MAX_UNKNOWN_MESSAGE_BYTES) {
                return close(f, CloseReason.MESSAGE_TOO_LONG, "unknown message id " + id);
            }
            in.position(in.position() + 5);
            f.length = body;
            return f.kind = Kind.SKIP;
        }
        if (in.remaining() < 4 + length) {
            return f.kind = Kind.MORE;
        }
        f.offset = in.position() + 5;
        f.length = body;
        Kind k = checked(in, f);
        if (k != Kind.CLOSE) {
            in.position(in.position() + 4 + length);
        }
        return k;
    }

    private Kind handshake(ByteBuffer in, Frame f) {
        if (in.remaining() < Wire.HANDSHAKE_BYTES) {
            return f.kind = Kind.MORE;
        }
        if (!Wire.isProtocol(in)) {
            return close(f, CloseReason.NOT_BITTORRENT, null);
        }
        int p = in.position();
        byte[] hash = new byte[20];
        in.get(p + 28, hash);
        if (!Arrays.equals(hash, infoHash)) {
            return close(f, CloseReason.WRONG_INFO_HASH, null);
        }
        f.reserved = new byte[8];
        f.peerId = new byte[20];
        in.get(p + 20, f.reserved);
        in.get(p + 48, f.peerId);
        in.position(p + Wire.HANDSHAKE_BYTES);
        handshakeReceived = true;
        return f.kind = Kind.HANDSHAKE;
    }

    private Kind piece(ByteBuffer in, Frame f, int body) {
        if (body <= 8 || body - 8 > Wire.BLOCK_BYTES) {
            return close(f, CloseReason.BAD_MESSAGE_SIZE, "piece of " + body + " bytes");
        }
        if (in.remaining() < 4 + PIECE_HEADER_BYTES) {
            return f.kind = Kind.MORE;
        }
        int p = in.position();
        f.piece = in.getInt(p + 5);
        f.begin = in.getInt(p + 9);
        f.length = body - 8;
        if (!inRange(f.piece, f.begin, f.length)) {
            return close(f, CloseReason.PIECE_OUT_OF_RANGE, "piece " + f.piece + " begin " + f.begin + " length " + f.length);
        }
        in.position(p + 4 + PIECE_HEADER_BYTES);
        return f.kind = Kind.PIECE;
    }

    /** Decodes and checks a whole message's fields. */
    private Kind checked(ByteBuffer in, Frame f) {
        int at = f.offset;
        switch (f.id) {
            case Wire.HAVE -> {
                f.piece = in.getInt(at);
                if (pieceCount < 0) {
                    return f.kind = Kind.MESSAGE; // kept until the pieces are known, checked then
                }
                if (f.piece < 0 || f.piece >= pieceCount) {
                    return close(f, CloseReason.HAVE_OUT_OF_RANGE, "have " + f.piece);
                }
            }
            case Wire.HAVE_ALL, Wire.HAVE_NONE -> {
                // before the metadata too: kept, like a bitfield
            }
            case Wire.SUGGEST, Wire.ALLOWED_FAST -> {
                f.piece = in.getInt(at);
                if (pieceCount < 0 || f.piece < 0 || f.piece >= pieceCount) {
                    return f.kind = Kind.IGNORED; // advice about a piece that cannot exist: harmless
                }
            }
            case Wire.REQUEST, Wire.CANCEL, Wire.REJECT -> {
                if (pieceCount < 0) {
                    return f.kind = Kind.IGNORED; // nothing to serve yet
                }
                f.piece = in.getInt(at);
                f.begin = in.getInt(at + 4);
                int length = in.getInt(at + 8);
                if (!inRange(f.piece, f.begin, length)) {
                    if (f.id != Wire.REQUEST) {
                        return f.kind = Kind.IGNORED; // a stray cancel or reject is harmless
                    }
                    return close(f, CloseReason.REQUEST_OUT_OF_RANGE, "request " + f.piece + "/" + f.begin + "/" + length);
                }
                f.length = length;
            }
            default -> {
                // choke, unchoke, interested, not interested, bitfield (its bits checked by the Bitfield), port
            }
        }
        return f.kind = Kind.MESSAGE;
    }

    private boolean inRange(int piece, int begin, int length) {
        return piece >= 0 && piece < pieceCount && begin >= 0 && length > 0
                && (long) begin + length <= pieceSize.applyAsInt(piece);
    }

    private static Kind close(Frame f, CloseReason reason, String detail) {
        f.reason = reason;
        f.detail = detail;
        return f.kind = Kind.CLOSE;
    }
}
