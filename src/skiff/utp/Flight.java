package skiff.utp;

/**
 * The packets sent and not yet acknowledged, by sequence number (16 bits, wrapping): where each
 * one's payload sits in the send ring, when it last went out, how often, and whether a selective
 * ack already covered it or a loss means it must go again. Grows by doubling up to
 * {@link #MAX_PACKETS}.
 */
final class Flight {
    /** Packets in flight at most (libutp: 1024): 512 full packets are 700 KB, past any window we open. */
    static final int MAX_PACKETS = 512;
    static final byte IN_FLIGHT = 0;
    static final byte SACKED = 1;
    static final byte LOST = 2;

    private int first;
    private int count;
    private long[] offset = new long[8];
    private int[] length = new int[8];
    private long[] sentMicros = new long[8];
    private int[] sends = new int[8];
    private byte[] type = new byte[8];
    private byte[] mark = new byte[8];
    /** Bytes of the packets neither sacked nor waiting to be resent: what the window counts. */
    private long outstanding;

    /** {@code first}: the sequence number the first packet will have. */
    Flight(int first) {
        this.first = first & 0xffff;
    }

    int count() {
        return count;
    }

    boolean full() {
        return count == MAX_PACKETS;
    }

    /** The oldest unacknowledged sequence number (the next one to send when none is in flight). */
    int first() {
        return first;
    }

    /** The sequence number the next new packet gets. */
    int next() {
        return (first + count) & 0xffff;
    }

    long outstanding() {
        return outstanding;
    }

    /** Whether {@code seq} is in flight now. */
    boolean holds(int seq) {
        return ((seq - first) & 0xffff) < count;
    }

    /** Records a new packet (the next sequence number) of {@code type}: {@code length} bytes from stream offset {@code at}. */
    int add(int packetType, long at, int bytes, long nowMicros) {
        if (count == offset.length) {
            grow();
        }
        int seq = next();
        int i = slot(seq);
        offset[i] = at;
        length[i] = bytes;
        sentMicros[i] = nowMicros;
        sends[i] = 1;
        type[i] = (byte) packetType;
        mark[i] = IN_FLIGHT;
        outstanding += bytes;
        count++;
        return seq;
    }

    long offset(int seq) {
        return offset[slot(seq)];
    }

    int length(int seq) {
        return length[slot(seq)];
    }

    int type(int seq) {
        return type[slot(seq)];
    }

    int sends(int seq) {
        return sends[slot(seq)];
    }

    long sentMicros(int seq) {
        return sentMicros[slot(seq)];
    }

    byte mark(int seq) {
        return mark[slot(seq)];
    }

    /** The packet went out again. */
    void resent(int seq, long nowMicros) {
        int i = slot(seq);
        sentMicros[i] = nowMicros;
        sends[i]++;
        if (mark[i] == LOST) {
            mark[i] = IN_FLIGHT;
            outstanding += length[i];
        }
    }

    /** A selective ack covered it: it stays (the ring still holds bytes before it) but no longer counts. */
    void sacked(int seq) {
        int i = slot(seq);
        if (mark[i] == IN_FLIGHT) {
            outstanding -= length[i];
        }
        mark[i] = SACKED;
    }

    /** It must go again: it no longer counts against the window until it does. */
    void lost(int seq) {
        int i = slot(seq);
        if (mark[i] == IN_FLIGHT) {
            outstanding -= length[i];
            mark[i] = LOST;
        }
    }

    /** The oldest packet was acknowledged and goes. */
    void removeFirst() {
        int i = slot(first);
        if (mark[i] == IN_FLIGHT) {
            outstanding -= length[i];
        }
        first = (first + 1) & 0xffff;
        count--;
    }

    /** The first packet marked lost, from the oldest on; -1 when none is. */
    int firstLost() {
        for (int k = 0; k < count; k++) {
            int seq = (first + k) & 0xffff;
            if (mark[slot(seq)] == LOST) {
                return seq;
            }
        }
        return -1;
    }

    private int slot(int seq) {
        return seq & (offset.length - 1);
    }

    private void grow() {
        int n = offset.length * 2;
        long[] o = new long[n];
        int[] l = new int[n];
        long[] t = new long[n];
        int[] s = new int[n];
        byte[] ty = new byte[n];
        byte[] m = new byte[n];
        for (int k = 0; k < count; k++) {
            int seq = (first + k) & 0xffff;
            int from = slot(seq);
            int to = seq & (n - 1);
            o[to] = offset[from];
            l[to] = length[from];
            t[to] = sentMicros[from];
            s[to] = sends[from];
            ty[to] = type[from];
            m[to] = mark[from];
        }
        offset = o;
        length = l;
        sentMicros = t;
        sends = s;
        type = ty;
        mark = m;
    }
}
