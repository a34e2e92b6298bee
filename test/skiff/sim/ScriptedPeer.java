package skiff.sim;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import skiff.loop.EventLoop;
import skiff.metainfo.Metainfo;
import skiff.peer.PeerStream;

/**
 * A peer of the swarm simulation, on the far end of a {@link MemoryLink}: it speaks the wire
 * protocol from bytes, as a real client would, and behaves as its {@link Kind} says. Honest kinds
 * serve the true content; the others lie, stall or attack. Loop thread only, like everything in the
 * simulation.
 */
final class ScriptedPeer implements PeerStream.Events {
    enum Kind {
        /** Has everything, unchokes whoever is interested, serves every request. */
        SEED,
        /** A seed that serves random bytes for every block. */
        CORRUPT,
        /** A seed that serves random bytes for one block in four. */
        SOMETIMES_CORRUPT,
        /** Claims every piece, unchokes, and answers no request. */
        SILENT_LIAR,
        /** Claims every piece, unchokes, never answers, and pushes random blocks at offset 0 nobody asked for. */
        PUSHER,
        /** Claims every piece, then floods keep-alives and choke/unchoke pairs. */
        FLAPPER,
        /** Sends a 2^31-1 length. */
        HUGE_LENGTH,
        /** Sends a bitfield of the wrong size. */
        BAD_BITFIELD,
        /** Accepts the connection and never says a word. */
        MUTE,
        /** An honest seed that has only the first half of the pieces. */
        HALF_SEED,
        /**
         * A seed as libtorrent is one: it chokes a peer that says "not interested", and unchokes
         * one that is interested only at its next choking round (every 10 s).
         */
        ROUND_SEED,
        /**
         * Has nothing, speaks the Fast extension (BEP 6), is interested at once, and asks for every
         * block, {@link LeechScript#QUEUE} at a time, while unchoked, and for the pieces it is allowed
         * fast while choked.
         */
        LEECHER
    }


    /** A choking round of {@link Kind#ROUND_SEED}. */
    static final long ROUND_MILLIS = 10_000;

    private final EventLoop loop;
    private final Metainfo meta;
    private final byte[] content;
    final Kind kind;
    private final SplittableRandom random;
    private final PeerStream stream;
    /** Simulated time at which this peer leaves, or Long.MAX_VALUE. */
    private final long leaveAtMillis;
    /** Simulated time from which an honest peer chokes us for good, or Long.MAX_VALUE. */
    private final long chokeAtMillis;
    private final byte[] peerId;
    private final ByteBuffer in = ByteBuffer.allocate(64 << 10);
    private ByteBuffer out = ByteBuffer.allocate(64 << 10);
    private boolean handshakeIn;
    private boolean dialsIn;
    private boolean greeted;
    private boolean unchoked;
    private boolean closed;
    /** The pieces the client told this peer it has (BEP 3's have), over all its connections. */
    private final List<Integer> havesReceived;
    int blocksServed;
    int blocksPushed;
    /** A {@link Kind#LEECHER}'s requests and what it saw; null for other kinds. */
    final LeechScript leech;

    /** {@code number}: which peer of the swarm this is, for a peer id of its own. */
    ScriptedPeer(EventLoop loop, Metainfo meta, byte[] content, Kind kind, int number, long seed, PeerStream stream,
                 long leaveAtMillis, long chokeAtMillis, List<Integer> havesReceived) {
        this.havesReceived = havesReceived;
        this.peerId = String.format("-SM0000-%-6.6s%06d", kind.name(), number).getBytes(StandardCharsets.US_ASCII);
        this.loop = loop;
        this.meta = meta;
        this.content = content;
        this.kind = kind;
        this.random = new SplittableRandom(seed);
        this.stream = stream;
        this.leaveAtMillis = leaveAtMillis;
        this.chokeAtMillis = chokeAtMillis;
        this.leech = kind == Kind.LEECHER ? new LeechScript(meta, loop::nowMillis) : null;
    }

    void start() throws IOException {
        stream.start(this);
        if (dialsIn) {
            greet(); // the dialler speaks first; skiff answers once our handshake names its torrent
        }
        if (leaveAtMillis != Long.MAX_VALUE) {
            loop.schedule(leaveAtMillis - loop.nowMillis(), this::leave);
        }
        if (chokeAtMillis != Long.MAX_VALUE) {
            loop.schedule(chokeAtMillis - loop.nowMillis(), () -> {
                if (!closed) {
                    send(0, new byte[0]); // choke, and never unchoke again
                    unchoked = false;
                    flush();
                }
            });
        }
    }

    private void leave() {
        if (!closed) {
            closed = true;
            stream.release();
        }
    }

    @Override
    public void connected() {
    }

    @Override
    public void connectFailed(String why) {
        closed = true;
    }

    @Override
    public void closed(Throwable cause) {
        closed = true;
    }

    @Override
    public void writable() {
        flush();
    }

    @Override
    public void readable() throws IOException {
        while (!closed) {
            int n;
            try {
                n = stream.read(in);
            } catch (IOException e) {
                leave();
                return;
            }
            if (n < 0) {
                leave();
                return;
            }
            if (n == 0) {
                return;
            }
            parse();
        }
    }

    private void parse() {
        in.flip();
        while (!closed) {
            if (!handshakeIn) {
                if (in.remaining() < 68) {
                    break;
                }
                in.position(in.position() + 68);
                handshakeIn = true;
                if (!greeted) {
                    greet();
                }
                continue;
            }
            if (in.remaining() < 4) {
                break;
            }
            int length = in.getInt(in.position());
            if (length < 0 || length > (32 << 10)) {
                leave();
                break;
            }
            if (in.remaining() < 4 + length) {
                break;
            }
            in.getInt();
            if (length == 0) {
                continue;
            }
            int id = in.get();
            byte[] body = new byte[length - 1];
            in.get(body);
            onMessage(id, ByteBuffer.wrap(body));
        }
        in.compact();
    }

    /** This peer dialled skiff (an incoming connection for skiff): it sends its handshake first. */
    void dialsIn() {
        dialsIn = true;
    }

    private void greet() {
        greeted = true;
        if (kind == Kind.MUTE) {
            return;
        }
        byte[] hs = ByteBuffer.allocate(68).put((byte) 19).put("BitTorrent protocol".getBytes(StandardCharsets.US_ASCII))
            .put(new byte[] {0, 0, 0, 0, 0, 0, 0, (byte) (kind == Kind.LEECHER ? 0x04 : 0)}) // BEP 6's bit
            .put(meta.infoHash()).put(peerId).array();
        sendRaw(hs);
        int n = meta.pieceCount();
        switch (kind) {
            case HUGE_LENGTH -> sendRaw(new byte[] {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 7});
            case BAD_BITFIELD -> send(5, new byte[(n + 7) / 8 + 3]);
            case LEECHER -> {
                send(15, new byte[0]); // BEP 6's have none
                send(2, new byte[0]); // interested at once
            }
            default -> {
                byte[] bits = new byte[(n + 7) / 8];
                int have = kind == Kind.HALF_SEED ? n / 2 : n;
                for (int i = 0; i < have; i++) {
                    bits[i / 8] |= (byte) (0x80 >>> (i % 8));
                }
                send(5, bits);
            }
        }
        if (kind == Kind.PUSHER) {
            send(1, new byte[0]);
            unchoked = true;
            loop.schedule(50, this::push);
        }
        if (kind == Kind.FLAPPER) {
            loop.schedule(10, this::flap);
        }
        flush();
    }

    private void push() {
        if (closed || blocksPushed > 3000) {
            return;
        }
        int piece = random.nextInt(meta.pieceCount());
        int length = Math.min(16 << 10, meta.pieceSize(piece));
        byte[] block = new byte[length];
        random.nextBytes(block);
        sendPiece(piece, 0, block);
        blocksPushed++;
        loop.schedule(100, this::push);
    }

    private void flap() {
        if (closed) {
            return;
        }
        for (int i = 0; i < 20; i++) {
            sendRaw(new byte[4]);
            send(1, new byte[0]);
            send(0, new byte[0]);
        }
        flush();
        loop.schedule(50, this::flap);
    }

    private void onMessage(int id, ByteBuffer body) {
        if (kind == Kind.LEECHER) {
            leech.received(id, body, (piece, begin, length) ->
                send(6, ByteBuffer.allocate(12).putInt(piece).putInt(begin).putInt(length).array()));
            flush();
            return;
        }
        switch (id) {
            case 2 -> { // interested
                if (kind == Kind.ROUND_SEED && !unchoked) {
                    long wait = ROUND_MILLIS - loop.nowMillis() % ROUND_MILLIS;
                    loop.schedule(wait, () -> {
                        if (!closed && !unchoked) {
                            unchoked = true;
                            send(1, new byte[0]);
                            flush();
                        }
                    });
                } else if (!unchoked && loop.nowMillis() < chokeAtMillis && kind != Kind.FLAPPER && kind != Kind.MUTE) {
                    unchoked = true;
                    send(1, new byte[0]);
                    flush();
                }
            }
            case 3 -> { // not interested
                if (kind == Kind.ROUND_SEED && unchoked) {
                    unchoked = false;
                    send(0, new byte[0]);
                    flush();
                }
            }
            case 6 -> { // request
                if (body.remaining() != 12) {
                    leave();
                    return;
                }
                int piece = body.getInt();
                int begin = body.getInt();
                int length = body.getInt();
                serve(piece, begin, length);
            }
            case 4 -> havesReceived.add(body.getInt(body.position()));
            default -> {
                // bitfield, cancel, not interested, extensions: nothing to do for a scripted peer
            }
        }
    }

    private void serve(int piece, int begin, int length) {
        if (!unchoked || length <= 0 || length > (16 << 10)) {
            return;
        }
        switch (kind) {
            case SEED, HALF_SEED, ROUND_SEED -> {
                if (kind == Kind.HALF_SEED && piece >= meta.pieceCount() / 2) {
                    return;
                }
                byte[] block = new byte[length];
                System.arraycopy(content, (int) ((long) piece * meta.pieceLength() + begin), block, 0, length);
                sendPiece(piece, begin, block);
            }
            case CORRUPT, SOMETIMES_CORRUPT -> {
                byte[] block = new byte[length];
                System.arraycopy(content, (int) ((long) piece * meta.pieceLength() + begin), block, 0, length);
                if (kind == Kind.CORRUPT || random.nextInt(4) == 0) {
                    random.nextBytes(block);
                }
                sendPiece(piece, begin, block);
            }
            default -> {
                return; // liars never answer
            }
        }
        blocksServed++;
        flush();
    }

    private void sendPiece(int piece, int begin, byte[] block) {
        ByteBuffer b = ByteBuffer.allocate(8 + block.length).putInt(piece).putInt(begin).put(block);
        send(7, b.array());
        flush();
    }

    private void send(int id, byte[] body) {
        ByteBuffer m = ByteBuffer.allocate(5 + body.length).putInt(1 + body.length).put((byte) id).put(body);
        sendRaw(m.array());
    }

    private void sendRaw(byte[] bytes) {
        if (out.remaining() < bytes.length) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(out.capacity() * 2, out.position() + bytes.length));
            out.flip();
            bigger.put(out);
            out = bigger;
        }
        out.put(bytes);
    }

    private void flush() {
        if (closed || !stream.connected()) {
            return;
        }
        out.flip();
        try {
            stream.write(out);
        } catch (IOException e) {
            out.clear();
            leave();
            return;
        }
        out.compact();
        stream.wantWrite(out.position() > 0);
    }
}
