package skiff.peer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.function.LongConsumer;

/**
 * Everything waiting to go out to one peer: encoded control messages in a bounded buffer, and the
 * blocks it asked for, sent from the files after their 13-byte header. Written eagerly; the
 * connection asks for writability only while {@link #pending()} says bytes are left over.
 */
final class Outbox {
    private static final int PIECE_HEADER_WITH_LENGTH = 13;

    private int maxBytes;
    private int pieceLength;
    private final ArrayDeque<int[]> uploads = new ArrayDeque<>();
    private ByteBuffer out = ByteBuffer.allocate(256); // write mode: position = bytes queued
    /** The block on its way: its header (read mode), then its bytes from the files. */
    private final ByteBuffer header = ByteBuffer.allocate(PIECE_HEADER_WITH_LENGTH).limit(0);
    private long uploadOffset;
    private int uploadRemaining;

    Outbox(int maxBytes, int pieceLength) {
        this.maxBytes = maxBytes;
        this.pieceLength = pieceLength;
    }

    /** The torrent's shape became known (a magnet's metadata): blocks are placed by its piece length. */
    void shape(int maxBytes, int pieceLength) {
        this.maxBytes = Math.max(this.maxBytes, maxBytes);
        this.pieceLength = pieceLength;
    }

    /** Makes room for {@code more} bytes; false past the bound (the caller drops the peer). */
    boolean ensure(int more) {
        if (out.remaining() >= more) {
            return true;
        }
        int need = out.position() + more;
        if (need > maxBytes) {
            return false;
        }
        int size = out.capacity();
        while (size < need) {
            size *= 2;
        }
        ByteBuffer bigger = ByteBuffer.allocate(Math.min(size, maxBytes));
        out.flip();
        bigger.put(out);
        out = bigger;
        return true;
    }

    // ---- messages, in BEP 3's length-prefixed layout: false, with nothing written, when the buffer cannot take one ----

    /** A message of an id alone: choke, unchoke, interested, not interested, have all, have none. */
    boolean message(int id) {
        if (!ensure(5)) {
            return false;
        }
        out.putInt(1).put((byte) id);
        return true;
    }

    /** An id and one number: have, allowed fast. */
    boolean message(int id, int a) {
        if (!ensure(9)) {
            return false;
        }
        out.putInt(5).put((byte) id).putInt(a);
        return true;
    }

    /** An id and three numbers: request, cancel, reject. */
    boolean message(int id, int a, int b, int c) {
        if (!ensure(17)) {
            return false;
        }
        out.putInt(13).put((byte) id).putInt(a).putInt(b).putInt(c);
        return true;
    }

    /** BEP 5's PORT. */
    boolean port(int port) {
        if (!ensure(7)) {
            return false;
        }
        out.putInt(3).put((byte) Wire.PORT).putShort((short) port);
        return true;
    }

    boolean bitfield(byte[] bits) {
        if (!ensure(5 + bits.length)) {
            return false;
        }
        out.putInt(1 + bits.length).put((byte) Wire.BITFIELD).put(bits);
        return true;
    }

    /** A keep-alive (a zero length), or a message encoded elsewhere (the handshake, extension messages). */
    boolean raw(byte[] bytes) {
        if (!ensure(bytes.length)) {
            return false;
        }
        out.put(bytes);
        return true;
    }

    int queuedBytes() {
        return out.position();
    }

    boolean queueUpload(int piece, int begin, int length, int max) {
        if (uploads.size() >= max) {
            return false;
        }
        uploads.add(new int[] {piece, begin, length});
        return true;
    }

    void cancelUpload(int piece, int begin, int length) {
        uploads.removeIf(r -> r[0] == piece && r[1] == begin && r[2] == length);
    }

    /** Drops every queued request; returns them (piece, begin, length), for BEP 6's rejects. */
    java.util.List<int[]> clearUploads() {
        java.util.List<int[]> dropped = new java.util.ArrayList<>(uploads);
        uploads.clear();
        return dropped;
    }

    int queuedUploads() {
        return uploads.size() + (uploading() ? 1 : 0);
    }

    /** Blocks are queued but none is on its way (the rate limit held them back). */
    boolean uploadsWaiting() {
        return !uploads.isEmpty() && !uploading();
    }

    boolean pending() {
        return out.position() > 0 || uploading();
    }

    private boolean uploading() {
        return uploadRemaining > 0 || header.hasRemaining();
    }

    /**
     * Writes the rest of a block on its way, then control bytes, then more blocks while the socket
     * takes them. A block once begun is finished before anything else goes: a message queued
     * meanwhile waits, or it would land inside the block (the socket takes part of a block
     * whenever it is nearly full). {@code source} may be null (nothing is served); choked peers
     * get no new blocks. Returns the bytes written.
     */
    long drain(PeerStream channel, BlockSource source, boolean choking, java.util.function.IntPredicate allowedFast,
               LongConsumer uploaded) throws IOException {
        long written = 0;
        while (true) {
            if (uploading()) {
                if (header.hasRemaining()) {
                    written += channel.write(header);
                    if (header.hasRemaining()) {
                        return written; // the socket is full
                    }
                }
                long n = source.transfer(uploadOffset, uploadRemaining, channel.fileTarget());
                uploadOffset += n;
                uploadRemaining -= (int) n;
                written += n;
                uploaded.accept(n);
                if (uploadRemaining > 0) {
                    return written;
                }
            }
            if (out.position() > 0) {
                out.flip();
                written += channel.write(out);
                out.compact();
                if (out.position() > 0) {
                    return written;
                }
            }
            if (!startNextUpload(source, choking, allowedFast)) {
                return written;
            }
        }
    }

    private boolean startNextUpload(BlockSource source, boolean choking, java.util.function.IntPredicate allowedFast) {
        if (source == null || uploads.isEmpty()) {
            return false;
        }
        int[] r = uploads.peek();
        if (choking && !allowedFast.test(r[0])) {
            return false; // choked peers get only what BEP 6's allowed fast set promised
        }
        if (!source.allowUpload(r[2])) {
            return false; // the loop's tick flushes again when the limit allows
        }
        uploads.poll();
        header.clear();
        header.putInt(9 + r[2]).put((byte) Wire.PIECE).putInt(r[0]).putInt(r[1]).flip();
        uploadOffset = (long) r[0] * pieceLength + r[1];
        uploadRemaining = r[2];
        return true;
    }
}
