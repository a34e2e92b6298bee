package skiff.peer;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import skiff.metainfo.Metainfo;

/**
 * Drives the pure {@link FrameDecoder} with a hostile stream (the bytes after a valid handshake),
 * as the {@link Inbox} does: through a 2 KiB buffer, bodies the decoder hands out skipped. Fails
 * on an exception, on a frame outside the buffer or the torrent, on a full buffer the decoder
 * cannot make progress in (a wedged connection), and when cutting the stream into small reads
 * changes what is decoded.
 */
public final class FrameFuzzTarget {
    private final Metainfo meta;
    private final byte[] handshake;

    public FrameFuzzTarget(Metainfo meta) {
        this.meta = meta;
        this.handshake = Wire.handshake(meta.infoHash(), new byte[20], Wire.ourReserved()).array();
    }

    public void run(byte[] input) {
        byte[] stream = new byte[handshake.length + input.length];
        System.arraycopy(handshake, 0, stream, 0, handshake.length);
        System.arraycopy(input, 0, stream, handshake.length, input.length);
        int cut = 1 + (input.length == 0 ? 0 : (input[0] & 0xff) % 61);
        for (boolean known : new boolean[] {true, false}) { // and as a magnet link's connection, before the metadata
            List<String> whole = decode(stream, Inbox.RECEIVE_BUFFER_BYTES, known);
            List<String> pieces = decode(stream, cut, known);
            if (!whole.equals(pieces)) {
                throw new AssertionError("reads of " + cut + " bytes decode differently:\n" + whole + "\n" + pieces);
            }
        }
    }

    /** The frames of {@code stream} read {@code chunk} bytes at a time, one string each. */
    List<String> decode(byte[] stream, int chunk, boolean known) {
        TorrentShape shape = known ? TorrentShape.of(meta) : TorrentShape.unknown(meta.infoHash());
        FrameDecoder d = new FrameDecoder(shape.infoHash(), shape.pieceCount(), shape.pieceSize(), Inbox.RECEIVE_BUFFER_BYTES);
        FrameDecoder.Frame f = new FrameDecoder.Frame();
        ByteBuffer in = ByteBuffer.allocate(Inbox.RECEIVE_BUFFER_BYTES);
        List<String> out = new ArrayList<>();
        int pos = 0;
        long skip = 0;
        for (int turns = 0; turns < 10 * stream.length + 10; turns++) {
            if (skip > 0) { // a body: from what is buffered, then straight from the stream
                in.flip();
                int n = (int) Math.min(skip, in.remaining());
                in.position(in.position() + n);
                in.compact();
                skip -= n;
                int m = (int) Math.min(skip, stream.length - pos);
                pos += m;
                skip -= m;
                if (skip > 0) {
                    return out; // the stream ended inside a body
                }
                continue;
            }
            int n = Math.min(Math.min(chunk, in.remaining()), stream.length - pos);
            in.put(stream, pos, n);
            pos += n;
            in.flip();
            FrameDecoder.Kind k;
            do {
                int before = in.position();
                k = d.next(in, f);
                check(f, in, before, known);
                if (k != FrameDecoder.Kind.MORE) {
                    out.add(k + " " + f.id + " " + f.piece + " " + f.begin + " " + f.length + " " + f.reason);
                }
                if (k == FrameDecoder.Kind.PIECE || k == FrameDecoder.Kind.LARGE || k == FrameDecoder.Kind.SKIP) {
                    skip = f.length;
                    break;
                }
            } while (k != FrameDecoder.Kind.MORE && k != FrameDecoder.Kind.CLOSE);
            boolean full = in.limit() == in.capacity() && in.position() == 0;
            in.compact();
            if (k == FrameDecoder.Kind.CLOSE) {
                return out;
            }
            if (k == FrameDecoder.Kind.MORE && full) {
                throw new AssertionError("a full buffer and no frame: the connection would wait forever");
            }
            if (k == FrameDecoder.Kind.MORE && n == 0 && pos == stream.length) {
                return out;
            }
        }
        throw new AssertionError("no end after " + (10 * stream.length + 10) + " turns");
    }

    private void check(FrameDecoder.Frame f, ByteBuffer in, int before, boolean known) {
        if (!known && (f.kind == FrameDecoder.Kind.PIECE || f.kind == FrameDecoder.Kind.MESSAGE
                && (f.id == Wire.REQUEST || f.id == Wire.CANCEL || f.id == Wire.REJECT))) { // haves are kept until the shape is known
            throw new AssertionError("before the metadata no " + f.kind + " " + f.id + " gets through");
        }
        switch (f.kind) {
            case MORE, CLOSE -> {
                if (in.position() != before) {
                    throw new AssertionError(f.kind + " consumed bytes");
                }
            }
            case MESSAGE -> {
                boolean block = f.id == Wire.REQUEST || f.id == Wire.CANCEL || f.id == Wire.REJECT; // length: the block's, checked like a piece's
                if (block && ((long) f.begin + f.length > meta.pieceSize(f.piece) || f.length <= 0)) {
                    throw new AssertionError("a request outside the torrent");
                }
                if (f.offset < before || (!block && f.offset + f.length > in.position())) {
                    throw new AssertionError("a message body outside what was consumed");
                }
            }
            case PIECE -> {
                if (f.piece < 0 || f.piece >= meta.pieceCount() || f.begin < 0 || f.length <= 0
                        || (long) f.begin + f.length > meta.pieceSize(f.piece) || f.length > Wire.BLOCK_BYTES) {
                    throw new AssertionError("a block outside the torrent: " + f.piece + "/" + f.begin + "/" + f.length);
                }
            }
            default -> {
                if (in.position() < before) {
                    throw new AssertionError("went backwards");
                }
            }
        }
    }
}
