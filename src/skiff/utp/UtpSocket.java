package skiff.utp;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * One uTP connection (BEP 29) as a pure state machine: packets in ({@link #received}), time in
 * ({@link #tick}), bytes written and read by the stream above; packets out through its
 * {@link Link}. Sequence numbers and acks are 16 bits and wrap. The sending half is the
 * {@link Sender}; here the handshake, the receiving half (in order, or held in {@link Reorder}
 * and acked selectively) and the end: FIN, RESET, or time. Loop thread only.
 */
final class UtpSocket {
    /** What the socket tells the stream above. Called last in each step, so the stream may act on the socket from inside. */
    interface Listener {
        /** Our SYN was answered. */
        void opened();

        void openFailed(String why);

        /** Bytes, the end of the stream, or a reset can be read. */
        void readable();

        /** Room in the send buffer again. */
        void writable();
    }

    /** Where packets go, and the endpoint's services. */
    interface Link {
        /** A buffer to build one packet in, cleared; {@link #send} takes it. */
        ByteBuffer packetBuffer();

        void send(ByteBuffer packet);

        long nowMicros();

        /** Asks for {@link #sendAck()} once the datagrams at hand are read, so one ack covers them all. */
        void ackLater(UtpSocket s);

        /** The socket is finished: forget it. */
        void gone(UtpSocket s);

        /** What all the endpoint's connections may hold of received bytes. */
        ReceiveBudget budget();
    }

    /** Received bytes not yet read, and packets held past a gap, at most: the window we offer. */
    static final int RECEIVE_BUFFER_BYTES = 1 << 18;
    /** After release, how long a FIN may wait for its ack. */
    static final long LINGER_MILLIS = 10_000;

    private enum State { SYN_SENT, CONNECTED, CLOSED }

    private final Link link;
    private final int recvId;
    private final int sendId;
    private final Sender sender;
    private Listener listener;
    private State state;
    private final ByteRing in = new ByteRing(RECEIVE_BUFFER_BYTES);
    private final Reorder reorder = new Reorder();
    private final byte[] sackMask = new byte[Reorder.MAX_SACK_BYTES];
    private int ackNr;
    private boolean ackQueued;
    private int replyMicros;
    private int peerFinSeq = -1;
    private boolean eof;
    private String resetWhy;
    private boolean released;
    private long lingerDeadlineMillis;
    private boolean wantWrite;
    private long charged; // what this socket holds in the endpoint's budget

    private UtpSocket(Link link, int recvId, int sendId, int firstSeq, State state) {
        this.link = link;
        this.recvId = recvId & 0xffff;
        this.sendId = sendId & 0xffff;
        this.sender = new Sender(firstSeq, this::transmit);
        this.state = state;
    }

    /** An outgoing connection: its SYN goes at once. {@code recvId}: random, and free at the endpoint for this peer. */
    static UtpSocket dial(Link link, int recvId, int firstSeq) {
        UtpSocket s = new UtpSocket(link, recvId, recvId + 1, firstSeq, State.SYN_SENT);
        s.sender.syn(link.nowMicros());
        return s;
    }

    /** An incoming connection from {@code syn}: our STATE answers it at once. */
    static UtpSocket accept(Link link, UtpPacket syn, int firstSeq) {
        UtpSocket s = new UtpSocket(link, syn.connectionId + 1, syn.connectionId, firstSeq, State.CONNECTED);
        s.ackNr = syn.seq;
        s.sender.peerWindow(syn.windowBytes);
        s.replyMicros = syn.timestampMicros == 0 ? 0 : (int) link.nowMicros() - syn.timestampMicros;
        s.sendAck();
        return s;
    }

    void listener(Listener l) {
        this.listener = l;
    }

    boolean connected() {
        return state == State.CONNECTED;
    }

    /** Bytes received and not yet read, the end, or a reset: something for a stream that starts listening late. */
    boolean hasReadable() {
        return in.size() > 0 || eof || resetWhy != null;
    }

    /** Received bytes not yet read. */
    int buffered() {
        return in.size();
    }

    // ---- the stream above ----

    int write(ByteBuffer src) throws IOException {
        if (state == State.CLOSED || sender.finQueued()) {
            throw new IOException(resetWhy != null ? resetWhy : "uTP connection closed");
        }
        int n = sender.write(src);
        if (state == State.CONNECTED) {
            sender.pump(link.nowMicros());
        }
        return n;
    }

    /** Bytes read into {@code dst}; -1 at the peer's FIN; a reset throws. */
    int read(ByteBuffer dst) throws IOException {
        if (in.size() == 0) {
            if (resetWhy != null) {
                throw new IOException(resetWhy);
            }
            return eof ? -1 : 0;
        }
        long before = receiveWindow();
        int ack = ackNr;
        int n = in.take(dst);
        if (reorder.count() > 0) {
            deliverHeld(); // held packets that had no room may follow now
        }
        recharge();
        if (state == State.CONNECTED && (ackNr != ack
                || before < 2 * Sender.PACKET_PAYLOAD && receiveWindow() >= 2 * Sender.PACKET_PAYLOAD)) {
            queueAck(); // the window reopened, or more is acked: the peer waits to hear so
        }
        return n;
    }

    void wantWrite(boolean want) {
        wantWrite = want;
    }

    /** The stream is done with the socket: queued bytes go, then a FIN; it lingers until that is acked. */
    void release() {
        released = true;
        listener = null;
        if (state == State.SYN_SENT) {
            close();
        } else if (state == State.CONNECTED && !sender.finQueued()) {
            sender.queueFin();
            lingerDeadlineMillis = link.nowMicros() / 1000 + LINGER_MILLIS;
            sender.pump(link.nowMicros());
        }
    }

    // ---- packets in ----

    /** One packet addressed to this socket. */
    void received(UtpPacket p) {
        if (state == State.CLOSED) {
            return;
        }
        if (p.type == UtpPacket.ST_RESET) {
            reset("uTP connection reset by peer");
            return;
        }
        boolean justConnected = false;
        if (state == State.SYN_SENT) {
            if (p.type != UtpPacket.ST_STATE || !sender.acksSyn(p.ack)) {
                return;
            }
            ackNr = (p.seq - 1) & 0xffff; // the STATE carries the number of the peer's first data packet
            state = State.CONNECTED;
            justConnected = true;
        } else if (p.type == UtpPacket.ST_SYN) {
            if (p.seq == ackNr) {
                sendAck(); // our answer to its SYN was lost
            }
            return;
        }
        if (!sender.ackPlausible(p.ack)) {
            return; // acks data we never sent: not from our peer
        }
        long now = link.nowMicros();
        if (p.timestampMicros != 0) {
            replyMicros = (int) now - p.timestampMicros;
        }
        sender.peerWindow(p.windowBytes);
        int bytesBefore = in.size();
        boolean eofBefore = eof;
        int roomBefore = sender.writeRoom();
        sender.acked(p, now);
        if (p.type == UtpPacket.ST_DATA || p.type == UtpPacket.ST_FIN) {
            data(p);
            recharge();
        }
        sender.pump(now);
        if (released && sender.finAcked()) {
            close(); // our FIN is acknowledged: nothing more to say
            return;
        }
        if (justConnected && listener != null) {
            listener.opened();
        }
        if ((in.size() > bytesBefore || eof != eofBefore) && listener != null) {
            listener.readable();
        }
        if (wantWrite && listener != null && (justConnected || sender.writeRoom() > roomBefore)) {
            listener.writable();
        }
    }

    private void data(UtpPacket p) {
        int ahead = (p.seq - ackNr - 1) & 0xffff; // 0: the packet we expect next
        queueAck();
        if (ahead >= 0x8000 || eof) {
            return; // an old packet again: the ack we owe answers it
        }
        if (p.type == UtpPacket.ST_FIN) {
            peerFinSeq = p.seq;
        } else if (peerFinSeq >= 0 && ((p.seq - peerFinSeq) & 0xffff) < 0x8000) {
            return; // past the FIN: no such data
        }
        if (ahead == 0) {
            if (p.type == UtpPacket.ST_DATA && (p.payload.remaining() > in.free() || p.payload.remaining() > link.budget().room())) {
                return; // past the window we offered, or all connections hold their share: it comes again
            }
            if (p.type == UtpPacket.ST_DATA && !released) { // after release, acked and dropped
                in.put(p.payload);
            }
            reorder.take(p.seq, null); // a copy held from an earlier send is no longer wanted
            ackNr = p.seq;
            deliverHeld();
        } else if (ahead < Reorder.MAX_AHEAD && p.type == UtpPacket.ST_DATA
                && reorder.bytes() + in.size() + p.payload.remaining() <= RECEIVE_BUFFER_BYTES
                && p.payload.remaining() <= link.budget().room()) {
            reorder.put(p.seq, p.payload);
        }
    }

    /**
     * After the packet we expected: what was held past the gap follows it, up to the next gap, the
     * FIN, or a packet the buffer has no room for yet (it follows when the reader makes room).
     */
    private void deliverHeld() {
        for (;;) {
            if (peerFinSeq == ackNr) {
                eof = true;
                return;
            }
            int next = (ackNr + 1) & 0xffff;
            if (peerFinSeq == next) {
                ackNr = next;
                continue;
            }
            int length = reorder.length(next);
            if (length < 0 || !released && length > in.free()) {
                return;
            }
            reorder.take(next, released ? null : in);
            ackNr = next;
        }
    }

    // ---- packets out ----

    private void queueAck() {
        if (!ackQueued) {
            ackQueued = true;
            link.ackLater(this);
        }
    }

    /** A STATE packet: our ack, selective ack and window, now. */
    void sendAck() {
        if (state != State.CLOSED) {
            transmit(UtpPacket.ST_STATE, sender.next(), 0, 0);
        }
    }

    /** Whether an ack was asked for and not yet carried by another packet. */
    boolean ackQueued() {
        return ackQueued;
    }

    private void transmit(int type, int seq, long offset, int length) {
        ByteBuffer b = link.packetBuffer();
        int sackBytes = reorder.sack(ackNr, sackMask);
        UtpPacket.header(b, type, type == UtpPacket.ST_SYN ? recvId : sendId, (int) link.nowMicros(), replyMicros,
                receiveWindow(), seq, ackNr, sackMask, sackBytes);
        if (length > 0) {
            sender.copy(offset, length, b);
        }
        b.flip();
        link.send(b);
        ackQueued = false; // every packet carries the ack
    }

    private long receiveWindow() {
        return Math.max(0, Math.min(RECEIVE_BUFFER_BYTES - in.size() - reorder.bytes(), link.budget().room()));
    }

    /** Brings the endpoint's budget up to what this socket holds now. */
    private void recharge() {
        if (state == State.CLOSED) {
            return;
        }
        long now = in.size() + reorder.bytes();
        link.budget().add(now - charged);
        charged = now;
    }

    // ---- time, and the end ----

    /** Resends what timed out; ends a dial no one answers, a connection silent through every backoff, a linger that ran out. */
    void tick() {
        if (state == State.CLOSED) {
            return;
        }
        reorder.trim();
        if (reorder.count() == 0) {
            in.trim(); // else the gap's filling will deliver what is held: the ring is needed
        }
        sender.trim();
        long now = link.nowMicros();
        if (released && state == State.CONNECTED && now / 1000 >= lingerDeadlineMillis) {
            close();
            return;
        }
        if (sender.tick(now, state == State.SYN_SENT) == Sender.Timeout.GIVE_UP) {
            if (state == State.SYN_SENT) {
                fail("no uTP answer");
            } else {
                reset("uTP connection timed out");
            }
        }
    }

    private void fail(String why) {
        Listener l = listener;
        close();
        if (l != null) {
            l.openFailed(why);
        }
    }

    private void reset(String why) {
        if (state == State.SYN_SENT) {
            fail(why.contains("reset") ? "uTP connection refused" : why);
            return;
        }
        resetWhy = why;
        Listener l = listener;
        close();
        if (l != null) {
            l.readable();
        }
    }

    /** Sends a RESET and forgets the connection (the stream above failed). */
    void abort() {
        if (state != State.CLOSED) {
            transmit(UtpPacket.ST_RESET, sender.next(), 0, 0);
        }
        listener = null;
        close();
    }

    private void close() {
        if (state != State.CLOSED) {
            state = State.CLOSED;
            link.budget().add(-charged); // what is still held is the reader's to take, outside the budget
            charged = 0;
            link.gone(this);
        }
    }
}
