package skiff.utp;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * One uTP connection (BEP 29) as a pure state machine: packets in ({@link #received}), time in
 * ({@link #tick}), bytes written and read by the stream above; packets out through its
 * {@link Link}. Sequence numbers and acks are 16 bits and wrap. The sender keeps what is
 * unacknowledged and resends it on three later acks (duplicate or selective) or on a timeout; the
 * receiver reorders up to {@link Reorder#MAX_AHEAD} packets and acks selectively. Loop thread only.
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
    }

    /** Payload bytes per packet: 1400 plus the headers stays under a 1500-byte path. */
    static final int PACKET_PAYLOAD = 1400;
    /** Unacknowledged and unsent bytes held at most, and received bytes not yet read (the window we offer). */
    static final int SEND_BUFFER_BYTES = 1 << 19;
    /** Bytes taken from the writer ahead of the window, at least: a connection that cannot send holds little. */
    static final int MIN_WRITE_AHEAD_BYTES = 32 << 10;
    static final int RECEIVE_BUFFER_BYTES = 1 << 18;
    /** A SYN goes three times (1, 2 and 4 s apart) before the dial fails. */
    static final int SYN_TRIES = 3;
    /** Timeouts in a row, backing off, after which the connection is given up (1 + 2 + ... + 60 s: about 3 minutes). */
    static final int MAX_TIMEOUTS = 8;
    /** BEP 29: three later packets acknowledged mean the one before them is lost. */
    static final int DUPLICATE_ACKS = 3;
    /** After release, how long a FIN may wait for its ack. */
    static final long LINGER_MILLIS = 10_000;
    /** Acks older than this many packets behind are stale, not spoofed. */
    static final int STALE_ACK_WINDOW = 64;

    private enum State { SYN_SENT, CONNECTED, CLOSED }

    private final Link link;
    private final int recvId;
    private final int sendId;
    private Listener listener;
    private State state;
    private final Flight flight;
    private final ByteRing out = new ByteRing(SEND_BUFFER_BYTES);
    private final ByteRing in = new ByteRing(RECEIVE_BUFFER_BYTES);
    private final Reorder reorder = new Reorder();
    private final Congestion congestion = new Congestion(PACKET_PAYLOAD);
    private final byte[] sackMask = new byte[Reorder.MAX_SACK_BYTES];
    private long formed; // stream offset up to which bytes are in packets
    private int ackNr;
    private boolean ackQueued;
    private int replyMicros;
    private long peerWindow = RECEIVE_BUFFER_BYTES;
    private int lastAck = -1;
    private int duplicateAcks;
    private int recoverySeq; // no second halving of the window for losses before this
    private boolean windowLimited;
    private int timeouts;
    private long rtoDeadlineMillis = Long.MAX_VALUE;
    private int peerFinSeq = -1;
    private boolean eof;
    private String resetWhy;
    private boolean released;
    private boolean finQueued;
    private boolean finSent;
    private long lingerDeadlineMillis;
    private boolean wantWrite;

    private UtpSocket(Link link, int recvId, int sendId, int firstSeq, State state) {
        this.link = link;
        this.recvId = recvId & 0xffff;
        this.sendId = sendId & 0xffff;
        this.flight = new Flight(firstSeq);
        this.recoverySeq = firstSeq & 0xffff;
        this.state = state;
    }

    /** An outgoing connection: its SYN goes at once. {@code recvId}: random, and free at the endpoint for this peer. */
    static UtpSocket dial(Link link, int recvId, int firstSeq) {
        UtpSocket s = new UtpSocket(link, recvId, recvId + 1, firstSeq, State.SYN_SENT);
        int seq = s.flight.add(UtpPacket.ST_SYN, 0, 0, link.nowMicros());
        s.transmit(UtpPacket.ST_SYN, seq, 0, 0);
        s.armTimer();
        return s;
    }

    /** An incoming connection from {@code syn}: our STATE answers it at once. */
    static UtpSocket accept(Link link, UtpPacket syn, int firstSeq) {
        UtpSocket s = new UtpSocket(link, syn.connectionId + 1, syn.connectionId, firstSeq, State.CONNECTED);
        s.ackNr = syn.seq;
        s.peerWindow = syn.windowBytes;
        s.replyMicros = syn.timestampMicros == 0 ? 0 : (int) link.nowMicros() - syn.timestampMicros;
        s.sendAck();
        return s;
    }

    /** The id the peer's packets carry (the endpoint's key). */
    int recvId() {
        return recvId;
    }

    void listener(Listener l) {
        this.listener = l;
    }

    boolean connected() {
        return state == State.CONNECTED;
    }

    boolean closed() {
        return state == State.CLOSED;
    }

    /** Bytes received and not yet read, for a stream that starts listening late. */
    boolean hasReadable() {
        return in.size() > 0 || eof || resetWhy != null;
    }

    /** Received bytes not yet read. */
    int buffered() {
        return in.size();
    }

    Congestion congestion() {
        return congestion;
    }

    // ---- the stream above ----

    int write(ByteBuffer src) throws IOException {
        if (state == State.CLOSED || finQueued) {
            throw new IOException(resetWhy != null ? resetWhy : "uTP connection closed");
        }
        int room = writeRoom();
        if (room == 0) {
            return 0;
        }
        int n;
        if (src.remaining() <= room) {
            n = out.put(src);
        } else {
            ByteBuffer part = src.duplicate();
            part.limit(part.position() + room);
            n = out.put(part);
            src.position(src.position() + n);
        }
        pump();
        return n;
    }

    /** What a write takes now: twice the window ahead of what is acknowledged, at least {@link #MIN_WRITE_AHEAD_BYTES}. */
    private int writeRoom() {
        long ahead = Math.max(MIN_WRITE_AHEAD_BYTES, 2 * congestion.window());
        return (int) Math.max(0, Math.min(out.free(), ahead - out.size()));
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
        int n = in.take(dst);
        if (before < 2 * PACKET_PAYLOAD && receiveWindow() >= 2 * PACKET_PAYLOAD && state == State.CONNECTED) {
            sendAck(); // the window reopened: the peer waits to hear so
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
            return;
        }
        if (state == State.CONNECTED && !finQueued) {
            finQueued = true;
            lingerDeadlineMillis = nowMillis() + LINGER_MILLIS;
            pump();
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
            if (p.type != UtpPacket.ST_STATE || p.ack != flight.first()) {
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
        if (!ackPlausible(p.ack)) {
            return; // acks data we never sent: not from our peer
        }
        if (p.timestampMicros != 0) {
            replyMicros = (int) link.nowMicros() - p.timestampMicros;
        }
        peerWindow = p.windowBytes;
        int bytesBefore = in.size();
        boolean eofBefore = eof;
        int roomBefore = writeRoom();
        acked(p);
        congestion.delaySample(p.timestampDifferenceMicros, nowMillis());
        if (p.type == UtpPacket.ST_DATA || p.type == UtpPacket.ST_FIN) {
            data(p);
        }
        pump();
        if (released && finSent && !flight.holds((flight.next() - 1) & 0xffff)) {
            close(); // our FIN is acknowledged: nothing more to say
            return;
        }
        Listener l = listener;
        if (l == null) {
            return;
        }
        if (justConnected) {
            l.opened();
        }
        if ((in.size() > bytesBefore || eof != eofBefore) && listener != null) {
            listener.readable();
        }
        if (wantWrite && listener != null && (justConnected || writeRoom() > roomBefore)) {
            listener.writable();
        }
    }

    private boolean ackPlausible(int ack) {
        int newest = (flight.next() - 1) & 0xffff;
        int behind = (newest - ack) & 0xffff;
        return behind <= flight.count() + STALE_ACK_WINDOW;
    }

    private void acked(UtpPacket p) {
        long now = link.nowMicros();
        int newlyAcked = 0;
        boolean progressed = false;
        while (flight.count() > 0 && ((p.ack - flight.first()) & 0xffff) < 0x8000) {
            int seq = flight.first();
            if (flight.mark(seq) != Flight.SACKED) {
                newlyAcked += flight.length(seq);
            }
            if (flight.sends(seq) == 1 && flight.mark(seq) != Flight.SACKED) {
                congestion.rttSample(now - flight.sentMicros(seq));
            }
            flight.removeFirst();
            progressed = true;
        }
        out.discardTo(flight.count() > 0 ? flight.offset(flight.first()) : formed);
        boolean loss = false;
        if (p.sackLength > 0 && flight.count() > 0) {
            int sackedAbove = 0;
            for (int bit = p.sackLength * 8 - 1; bit >= -1; bit--) {
                int seq = (p.ack + 2 + bit) & 0xffff;
                if (!flight.holds(seq)) {
                    continue;
                }
                if (bit >= 0 && p.sacked(seq)) {
                    if (flight.mark(seq) == Flight.IN_FLIGHT) {
                        newlyAcked += flight.length(seq);
                    }
                    if (flight.mark(seq) != Flight.SACKED) {
                        flight.sacked(seq);
                    }
                    sackedAbove++;
                } else if (sackedAbove >= DUPLICATE_ACKS && flight.mark(seq) == Flight.IN_FLIGHT) {
                    flight.lost(seq);
                    loss = true;
                }
            }
        }
        if (!progressed && flight.count() > 0 && p.ack == lastAck && p.type == UtpPacket.ST_STATE) {
            if (++duplicateAcks == DUPLICATE_ACKS && flight.mark(flight.first()) == Flight.IN_FLIGHT) {
                flight.lost(flight.first());
                loss = true;
            }
        } else if (progressed) {
            duplicateAcks = 0;
        }
        lastAck = p.ack;
        if (progressed) {
            timeouts = 0;
            rtoDeadlineMillis = flight.count() > 0 ? nowMillis() + congestion.rtoMillis() : Long.MAX_VALUE;
        }
        if (loss && ((flight.first() - recoverySeq) & 0xffff) < 0x8000) {
            congestion.lost();
            recoverySeq = flight.next();
        }
        if (newlyAcked > 0) {
            congestion.acked(newlyAcked, windowLimited);
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
            if (p.type == UtpPacket.ST_DATA && p.payload.remaining() > in.free()) {
                return; // past the window we offered: it comes again
            }
            if (p.type == UtpPacket.ST_DATA && !released) { // after release, acked and dropped
                in.put(p.payload);
            }
            ackNr = p.seq;
            for (;;) {
                if (peerFinSeq == ackNr) {
                    eof = true;
                    break;
                }
                int next = (ackNr + 1) & 0xffff;
                if (peerFinSeq == next) {
                    ackNr = next;
                    continue;
                }
                byte[] held = reorder.take(next);
                if (held == null) {
                    break;
                }
                in.put(ByteBuffer.wrap(held));
                ackNr = next;
            }
        } else if (ahead < Reorder.MAX_AHEAD && p.type == UtpPacket.ST_DATA
                && reorder.bytes() + in.size() + p.payload.remaining() <= RECEIVE_BUFFER_BYTES) {
            reorder.put(p.seq, p.payload);
        }
    }

    // ---- packets out ----

    /** Sends what the windows allow: packets marked lost first, then new data, then our FIN. */
    private void pump() {
        if (state != State.CONNECTED) {
            return;
        }
        long now = link.nowMicros();
        for (int seq = flight.firstLost(); seq >= 0 && fits(flight.length(seq)); seq = flight.firstLost()) {
            flight.resent(seq, now);
            transmit(flight.type(seq), seq, flight.offset(seq), flight.length(seq));
        }
        windowLimited = false;
        while (!flight.full()) {
            int waiting = (int) (out.end() - formed);
            if (waiting == 0) {
                if (finQueued && !finSent) {
                    finSent = true;
                    int seq = flight.add(UtpPacket.ST_FIN, formed, 0, now);
                    transmit(UtpPacket.ST_FIN, seq, formed, 0);
                }
                break;
            }
            int length = Math.min(PACKET_PAYLOAD, waiting);
            if (!fits(length)) {
                windowLimited = true;
                break;
            }
            int seq = flight.add(UtpPacket.ST_DATA, formed, length, now);
            transmit(UtpPacket.ST_DATA, seq, formed, length);
            formed += length;
        }
        armTimer();
    }

    /** Whether {@code length} more bytes fit both windows; with nothing in flight one packet always goes (a probe). */
    private boolean fits(int length) {
        long outstanding = flight.outstanding();
        return outstanding == 0 || outstanding + length <= Math.min(congestion.window(), peerWindow);
    }

    private void armTimer() {
        if (flight.count() > 0 && rtoDeadlineMillis == Long.MAX_VALUE) {
            rtoDeadlineMillis = nowMillis() + congestion.rtoMillis();
        }
    }

    private void queueAck() {
        if (!ackQueued) {
            ackQueued = true;
            link.ackLater(this);
        }
    }

    /** A STATE packet: our ack, selective ack and window, now. */
    void sendAck() {
        if (state != State.CLOSED) {
            transmit(UtpPacket.ST_STATE, flight.next(), 0, 0);
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
            out.copy(offset, length, b);
        }
        b.flip();
        link.send(b);
        ackQueued = false; // every packet carries the ack
    }

    private long receiveWindow() {
        return Math.max(0, RECEIVE_BUFFER_BYTES - in.size() - reorder.bytes());
    }

    // ---- time ----

    /** Resends what timed out, and ends a connection that stays silent or a linger that ran out. */
    void tick() {
        if (state == State.CLOSED) {
            return;
        }
        long now = nowMillis();
        if (released && now >= lingerDeadlineMillis && state != State.SYN_SENT) {
            close();
            return;
        }
        if (flight.count() == 0 || now < rtoDeadlineMillis) {
            return;
        }
        timeouts++;
        if (state == State.SYN_SENT && timeouts >= SYN_TRIES) {
            fail("no uTP answer");
            return;
        }
        if (timeouts > MAX_TIMEOUTS) {
            reset("uTP connection timed out");
            return;
        }
        congestion.timedOut();
        rtoDeadlineMillis = now + congestion.rtoMillis();
        if (state == State.SYN_SENT) {
            flight.resent(flight.first(), link.nowMicros());
            transmit(UtpPacket.ST_SYN, flight.first(), 0, 0);
            return;
        }
        for (int k = 0; k < flight.count(); k++) {
            int seq = (flight.first() + k) & 0xffff;
            if (flight.mark(seq) == Flight.IN_FLIGHT) {
                flight.lost(seq); // go-back: everything unacked goes again as the window reopens
            }
        }
        pump();
    }

    private long nowMillis() {
        return link.nowMicros() / 1000;
    }

    // ---- the end ----

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
            transmit(UtpPacket.ST_RESET, flight.next(), 0, 0);
        }
        listener = null;
        close();
    }

    private void close() {
        if (state != State.CLOSED) {
            state = State.CLOSED;
            link.gone(this);
        }
    }
}
