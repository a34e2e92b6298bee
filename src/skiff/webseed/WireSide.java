package skiff.webseed;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import skiff.metainfo.Bitfield;
import skiff.peer.Wire;

/**
 * A web seed as the peer wire protocol (BEP 3) would show it: a peer that has every piece (but
 * those of files its server was found lacking) and never chokes. What the codec writes is parsed for its requests and cancels; what it reads is
 * made here: a handshake, a full bitfield and an unchoke, then piece messages framed around the
 * bytes of the HTTP replies. So the swarm above asks a web seed for blocks as it asks any peer,
 * and judges what comes back the same way (libtorrent's web peers work alike). Pure.
 */
final class WireSide {
    /** A block asked for; {@code offset}: where it starts in the torrent's byte stream. */
    record Block(int piece, int begin, int length, long offset) {
        long end() {
            return offset + length;
        }
    }

    /** A piece message's length, id, index and offset: framing needs this much room. */
    static final int PIECE_HEADER_BYTES = 4 + 1 + 8;

    private final byte[] infoHash;
    private final byte[] peerId;
    private final Bitfield has;
    private final int pieceCount;
    private final long pieceLength;
    private int handshakeLeft = Wire.HANDSHAKE_BYTES;
    private boolean greet;
    /** A message's length and id, and a request's or cancel's three fields. */
    private final ByteBuffer message = ByteBuffer.allocate(4 + 1 + 12);
    private long skip;
    private final ArrayDeque<Block> queued = new ArrayDeque<>();
    /** The blocks whose bytes are arriving, in order; the first is under way. */
    private final ArrayDeque<Block> arriving = new ArrayDeque<>();
    private int leftInBlock;

    /** {@code has}: the pieces the seed claims (those of files it was not found lacking). */
    WireSide(byte[] infoHash, byte[] peerId, Bitfield has, long pieceLength) {
        this.infoHash = infoHash.clone();
        this.peerId = peerId.clone();
        this.has = has;
        this.pieceCount = has.size();
        this.pieceLength = pieceLength;
    }

    /** Takes all of what the codec wrote: our handshake, then messages, of which only requests and cancels matter. */
    void written(ByteBuffer src) {
        while (src.hasRemaining()) {
            if (handshakeLeft > 0 || skip > 0) {
                int n = (int) Math.min(src.remaining(), handshakeLeft > 0 ? handshakeLeft : skip);
                src.position(src.position() + n);
                if (handshakeLeft > 0) {
                    handshakeLeft -= n;
                    greet = handshakeLeft == 0;
                } else {
                    skip -= n;
                }
                continue;
            }
            message.put(src.get());
            if (message.position() == 4 && message.getInt(0) == 0) {
                message.clear(); // a keep-alive
            } else if (message.position() == 5) {
                int id = message.get(4);
                long length = message.getInt(0) & 0xffffffffL;
                if ((id != Wire.REQUEST && id != Wire.CANCEL) || length != 13) {
                    skip = length - 1;
                    message.clear();
                }
            } else if (message.position() == message.capacity()) {
                block(message.get(4), message.getInt(5), message.getInt(9), message.getInt(13));
                message.clear();
            }
        }
    }

    private void block(int id, int piece, int begin, int length) {
        if (piece < 0 || piece >= pieceCount || !has.get(piece) || begin < 0 || length <= 0) {
            return;
        }
        Block b = new Block(piece, begin, length, piece * pieceLength + begin);
        if (id == Wire.REQUEST) {
            queued.add(b);
        } else {
            queued.remove(b); // one in flight comes anyway; the swarm discards what it cancelled
        }
    }

    /** Once our handshake went out: the web seed's, its bitfield and an unchoke; else null. */
    ByteBuffer greeting() {
        if (!greet) {
            return null;
        }
        greet = false;
        byte[] bitfield = has.toBytes();
        ByteBuffer b = ByteBuffer.allocate(Wire.HANDSHAKE_BYTES + 4 + 1 + bitfield.length + 4 + 1);
        b.put(Wire.handshake(infoHash, peerId, new byte[8]));
        b.putInt(1 + bitfield.length).put((byte) Wire.BITFIELD).put(bitfield);
        b.putInt(1).put((byte) Wire.UNCHOKE);
        return b.flip();
    }

    boolean hasQueued() {
        return !queued.isEmpty();
    }

    /**
     * The next run of queued blocks, contiguous in the torrent, at most {@code maxBytes} (or one
     * block): one HTTP range per file it touches. Its bytes are framed as they arrive.
     */
    List<Block> nextRun(long maxBytes) {
        List<Block> run = new ArrayList<>();
        long total = 0;
        while (!queued.isEmpty() && (run.isEmpty() || queued.peek().offset() == run.get(run.size() - 1).end()
                && total + queued.peek().length() <= maxBytes)) {
            Block b = queued.poll();
            run.add(b);
            total += b.length();
        }
        arriving.addAll(run);
        return run;
    }

    /**
     * Frames the next {@code len} bytes of {@code src}, the next bytes of the runs under way, into
     * piece messages in {@code out}, as far as it has room; returns how many it took from {@code src}.
     */
    int frame(ByteBuffer src, int len, ByteBuffer out) {
        int taken = 0;
        while (taken < len && !arriving.isEmpty()) {
            Block b = arriving.peek();
            if (leftInBlock == 0) {
                if (out.remaining() < PIECE_HEADER_BYTES) {
                    break;
                }
                out.putInt(1 + 8 + b.length()).put((byte) Wire.PIECE).putInt(b.piece()).putInt(b.begin());
                leftInBlock = b.length();
            }
            int n = Math.min(Math.min(len - taken, leftInBlock), out.remaining());
            if (n == 0) {
                break;
            }
            int limit = src.limit();
            src.limit(src.position() + n);
            out.put(src);
            src.limit(limit);
            taken += n;
            leftInBlock -= n;
            if (leftInBlock == 0) {
                arriving.poll();
            }
        }
        return taken;
    }

    /** Whether every block of the runs taken so far has been framed. */
    boolean framedAll() {
        return arriving.isEmpty();
    }
}
