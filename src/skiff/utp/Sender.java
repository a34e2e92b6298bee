package skiff.utp;

import java.nio.ByteBuffer;

/**
 * The sending half of a uTP connection: bytes taken from the writer into the send ring, cut into
 * packets as the congestion window (LEDBAT) and the peer's window allow, and kept until acked. A
 * packet is resent when three later packets are acked (duplicate acks, or a selective ack) or when
 * nothing is acked for a timeout; then everything unacked goes again as the window reopens. Before
 * the timeout, a flight unacked for two round trips sends its newest packet again (a tail-loss
 * probe): the ack it draws shows what was lost, where the loss of a window's last packets, or of
 * the ack for them, would otherwise cost the whole timeout (500 ms at least).
 */
final class Sender {
    /** Puts one packet on the wire: its payload, if any, is the ring's bytes from {@code offset}. */
    interface Transmitter {
        void transmit(int type, int seq, long offset, int length);
    }

    /** What a tick did. */
    enum Timeout { NONE, RESENT, GIVE_UP }

    /** Payload bytes per packet: 1400 plus the headers stays under a 1500-byte path. */
    static final int PACKET_PAYLOAD = 1400;
    /** Unacknowledged and unsent bytes held at most. */
    static final int SEND_BUFFER_BYTES = 1 << 19;
    /** Bytes taken from the writer ahead of the window, at least: a connection that cannot send holds little. */
    static final int MIN_WRITE_AHEAD_BYTES = 32 << 10;
    /**
     * A SYN goes twice (its timeout 1 s, then 2) before the dial fails after 3 s, libtorrent's
     * utp_connect_timeout: with --utp prefer, TCP then has 7 of the swarm's 10 s to connect.
     */
    static final int SYN_TRIES = 2;
    /** Timeouts in a row, backing off, after which the connection is given up (1 + 2 + ... + 60 s: about 3 minutes). */
    static final int MAX_TIMEOUTS = 8;
    /** BEP 29: three later packets acknowledged mean the one before them is lost. */
    static final int DUPLICATE_ACKS = 3;
    /** Acks older than this many packets behind are stale, not spoofed. */
    static final int STALE_ACK_WINDOW = 64;

    private final Transmitter transmitter;
    private final Flight flight;
    private final ByteRing out = new ByteRing(SEND_BUFFER_BYTES);
    private final Congestion congestion = new Congestion(PACKET_PAYLOAD);
    private long formed; // stream offset up to which bytes are in packets
    private long peerWindow = PACKET_PAYLOAD * 8L;
    private int lastAck = -1;
    private int duplicateAcks;
    private boolean duplicatesResent;
    private int recoverySeq; // no second halving of the window for losses before this
    private boolean windowLimited;
    private int timeouts;
    private long probes;
    private long rtoDeadlineMillis = Long.MAX_VALUE;
    private long probeDeadlineMillis = Long.MAX_VALUE;
    private boolean probed; // a probe went and no ack came since: no second one before the timeout
    private boolean finQueued;
    private boolean finSent;

    Sender(int firstSeq, Transmitter transmitter) {
        this.transmitter = transmitter;
        this.flight = new Flight(firstSeq);
        this.recoverySeq = firstSeq & 0xffff;
    }

    /** The sequence number the next packet gets (a STATE packet carries it without using it). */
    int next() {
        return flight.next();
    }

    void peerWindow(long bytes) {
        peerWindow = bytes;
    }

    /** Tail-loss probes sent so far. */
    long probes() {
        return probes;
    }

    boolean finQueued() {
        return finQueued;
    }

    /** Our FIN went and everything up to it is acked. */
    boolean finAcked() {
        return finSent && flight.count() == 0;
    }

    /** Copies ring bytes into a packet being built. */
    void copy(long offset, int length, ByteBuffer dst) {
        out.copy(offset, length, dst);
    }

    /** Sends the SYN: the first sequence number. */
    void syn(long nowMicros) {
        int seq = flight.add(UtpPacket.ST_SYN, 0, 0, nowMicros);
        transmitter.transmit(UtpPacket.ST_SYN, seq, 0, 0);
        armTimer(nowMicros / 1000);
    }

    /** Whether {@code ack} acknowledges our SYN. */
    boolean acksSyn(int ack) {
        return flight.count() > 0 && flight.type(flight.first()) == UtpPacket.ST_SYN && ack == flight.first();
    }

    /** What a write takes now: twice the window ahead of what is acknowledged, at least {@link #MIN_WRITE_AHEAD_BYTES}. */
    int writeRoom() {
        long ahead = Math.max(MIN_WRITE_AHEAD_BYTES, 2 * congestion.window());
        return finQueued ? 0 : (int) Math.max(0, Math.min(out.free(), ahead - out.size()));
    }

    /** Takes what {@link #writeRoom} allows of {@code src}; the caller pumps. */
    int write(ByteBuffer src) {
        int room = writeRoom();
        if (src.remaining() <= room) {
            return out.put(src);
        }
        ByteBuffer part = src.duplicate();
        part.limit(part.position() + room);
        int n = out.put(part);
        src.position(src.position() + n);
        return n;
    }

    /** After the bytes written so far: a FIN. */
    void queueFin() {
        finQueued = true;
    }

    /** Whether {@code ack} is one our peer could send: not past what we sent, not far behind it. */
    boolean ackPlausible(int ack) {
        int newest = (flight.next() - 1) & 0xffff;
        int behind = (newest - ack) & 0xffff;
        return behind <= flight.count() + STALE_ACK_WINDOW;
    }

    /** The acks {@code p} carries: cumulative, selective and duplicate; the delay it reports. */
    void acked(UtpPacket p, long nowMicros) {
        int newlyAcked = 0;
        boolean progressed = false;
        // One round-trip sample per ack: the newest packet it covers first, if that went once
        // (Karn). A cumulative ack that also covers a resent packet gives none: the packets past
        // the gap arrived long before the resend let the ack move, and would count that wait.
        long sampleSentMicros = -1;
        boolean coversResent = false;
        while (flight.count() > 0 && ((p.ack - flight.first()) & 0xffff) < 0x8000) {
            int seq = flight.first();
            if (flight.sends(seq) > 1) {
                coversResent = true;
            }
            if (flight.mark(seq) != Flight.SACKED) {
                newlyAcked += flight.length(seq);
                if (flight.sends(seq) == 1) {
                    sampleSentMicros = flight.sentMicros(seq);
                }
            }
            flight.removeFirst();
            progressed = true;
        }
        if (coversResent) {
            sampleSentMicros = -1;
        }
        out.discardTo(flight.count() > 0 ? flight.offset(flight.first()) : formed);
        boolean loss = false;
        int lossAfter = lossThreshold();
        if (p.sackLength > 0 && flight.count() > 0) {
            int sackedAbove = 0;
            for (int bit = p.sackLength * 8 - 1; bit >= -1; bit--) { // -1: ack + 1, which no bit covers
                int seq = (p.ack + 2 + bit) & 0xffff;
                if (!flight.holds(seq)) {
                    continue;
                }
                if (bit >= 0 && p.sacked(seq)) {
                    if (flight.mark(seq) != Flight.SACKED) {
                        if (flight.mark(seq) == Flight.IN_FLIGHT) {
                            newlyAcked += flight.length(seq);
                        }
                        if (flight.sends(seq) == 1 && sampleSentMicros < 0 && !coversResent) {
                            sampleSentMicros = flight.sentMicros(seq); // the newest newly sacked
                        }
                    }
                    flight.sacked(seq);
                    sackedAbove++;
                } else if (sackedAbove >= lossAfter && flight.mark(seq) == Flight.IN_FLIGHT) {
                    flight.lost(seq);
                    loss = true;
                }
            }
        }
        if (sampleSentMicros >= 0) {
            congestion.rttSample(nowMicros - sampleSentMicros);
        }
        if (!progressed && flight.count() > 0 && p.ack == lastAck && p.type == UtpPacket.ST_STATE) {
            // >=, once per run of duplicates: the threshold falls as the flight empties
            if (++duplicateAcks >= lossAfter && !duplicatesResent && flight.mark(flight.first()) == Flight.IN_FLIGHT) {
                duplicatesResent = true;
                flight.lost(flight.first());
                loss = true;
            }
        } else if (progressed) {
            duplicateAcks = 0;
            duplicatesResent = false;
        }
        lastAck = p.ack;
        if (progressed) {
            timeouts = 0;
            congestion.progressed();
            rtoDeadlineMillis = flight.count() > 0 ? nowMicros / 1000 + congestion.rtoMillis() : Long.MAX_VALUE;
        }
        if (newlyAcked > 0 || progressed) {
            probed = false;
            probeDeadlineMillis = flight.count() > 0 ? nowMicros / 1000 + congestion.probeMillis() : Long.MAX_VALUE;
        }
        if (loss && ((flight.first() - recoverySeq) & 0xffff) < 0x8000) {
            congestion.lost();
            recoverySeq = flight.next();
        }
        if (newlyAcked > 0) {
            congestion.acked(newlyAcked, windowLimited);
        }
        congestion.delaySample(p.timestampDifferenceMicros, nowMicros / 1000);
    }

    /**
     * How many later packets acknowledged mean one is lost: {@link #DUPLICATE_ACKS}, or one fewer
     * than are in flight when fewer than four are (early retransmit, RFC 5827): a window of a few
     * packets could otherwise only learn of a loss by the timeout.
     */
    private int lossThreshold() {
        return Math.max(1, Math.min(DUPLICATE_ACKS, flight.count() - 1));
    }

    /** Sends what the windows allow: packets marked lost first, then new data, then the FIN. */
    void pump(long nowMicros) {
        for (int seq = flight.firstLost(); seq >= 0 && fits(flight.length(seq)); seq = flight.firstLost()) {
            flight.resent(seq, nowMicros);
            transmitter.transmit(flight.type(seq), seq, flight.offset(seq), flight.length(seq));
        }
        windowLimited = false;
        while (!flight.full()) {
            int waiting = (int) (out.end() - formed);
            if (waiting == 0) {
                if (finQueued && !finSent) {
                    finSent = true;
                    int seq = flight.add(UtpPacket.ST_FIN, formed, 0, nowMicros);
                    transmitter.transmit(UtpPacket.ST_FIN, seq, formed, 0);
                }
                break;
            }
            int length = Math.min(PACKET_PAYLOAD, waiting);
            if (!fits(length)) {
                windowLimited = true;
                break;
            }
            int seq = flight.add(UtpPacket.ST_DATA, formed, length, nowMicros);
            transmitter.transmit(UtpPacket.ST_DATA, seq, formed, length);
            formed += length;
        }
        armTimer(nowMicros / 1000);
    }

    /** Whether {@code length} more bytes fit both windows; with nothing in flight one packet always goes (a probe). */
    private boolean fits(int length) {
        long outstanding = flight.outstanding();
        return outstanding == 0 || outstanding + length <= Math.min(congestion.window(), peerWindow);
    }

    private void armTimer(long nowMillis) {
        if (flight.count() > 0 && rtoDeadlineMillis == Long.MAX_VALUE) {
            rtoDeadlineMillis = nowMillis + congestion.rtoMillis();
        }
        if (flight.count() > 0 && probeDeadlineMillis == Long.MAX_VALUE && !probed) {
            probeDeadlineMillis = nowMillis + congestion.probeMillis();
        }
    }

    /**
     * The tail-loss probe: the newest packet not yet acked goes again, once until an ack comes.
     * It is not a loss, so the window stays.
     */
    private void probe(long nowMicros) {
        probeDeadlineMillis = Long.MAX_VALUE; // the next ack arms it again
        probed = true;
        for (int k = flight.count() - 1; k >= 0; k--) {
            int seq = (flight.first() + k) & 0xffff;
            if (flight.mark(seq) == Flight.IN_FLIGHT) {
                flight.resent(seq, nowMicros);
                transmitter.transmit(flight.type(seq), seq, flight.offset(seq), flight.length(seq));
                probes++;
                return;
            }
        }
    }

    /** Lets the buffer of outgoing bytes go if all of them were acked and none was written for a tick. */
    void trim() {
        out.trim();
    }

    /**
     * Resends what timed out: the SYN alone while connecting, else everything unacked as the
     * window allows. {@code GIVE_UP} after {@link #SYN_TRIES} SYNs or {@link #MAX_TIMEOUTS} timeouts.
     */
    Timeout tick(long nowMicros, boolean connecting) {
        long now = nowMicros / 1000;
        if (flight.count() == 0) {
            return Timeout.NONE;
        }
        if (now < rtoDeadlineMillis) {
            if (!connecting && now >= probeDeadlineMillis) {
                probe(nowMicros);
            }
            return Timeout.NONE;
        }
        timeouts++;
        if (connecting ? timeouts >= SYN_TRIES : timeouts > MAX_TIMEOUTS) {
            return Timeout.GIVE_UP;
        }
        congestion.timedOut();
        rtoDeadlineMillis = now + congestion.rtoMillis();
        probeDeadlineMillis = Long.MAX_VALUE; // the go-back below arms it again
        probed = false;
        if (connecting) {
            flight.resent(flight.first(), nowMicros);
            transmitter.transmit(UtpPacket.ST_SYN, flight.first(), 0, 0);
            return Timeout.RESENT;
        }
        for (int k = 0; k < flight.count(); k++) {
            int seq = (flight.first() + k) & 0xffff;
            if (flight.mark(seq) == Flight.IN_FLIGHT) {
                flight.lost(seq); // go-back: everything unacked goes again as the window reopens
            }
        }
        pump(nowMicros);
        return Timeout.RESENT;
    }
}
