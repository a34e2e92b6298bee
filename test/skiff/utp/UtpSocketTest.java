package skiff.utp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** One accepted socket driven packet by packet: the receive buffer's bounds with packets held past a gap. */
class UtpSocketTest {
    private long micros = 1_000_000_000L;
    private final List<byte[]> sent = new ArrayList<>();

    private final UtpSocket.Link link = new UtpSocket.Link() {
        private final ByteBuffer buffer = ByteBuffer.allocate(UtpEndpoint.PACKET_BUFFER_BYTES);

        @Override
        public ByteBuffer packetBuffer() {
            buffer.clear();
            return buffer;
        }

        @Override
        public void send(ByteBuffer packet) {
            byte[] b = new byte[packet.remaining()];
            packet.get(b);
            sent.add(b);
        }

        @Override
        public long nowMicros() {
            return micros;
        }

        @Override
        public void ackLater(UtpSocket s) {
            s.sendAck();
        }

        @Override
        public void gone(UtpSocket s) {
        }

        @Override
        public ReceiveBudget budget() {
            return budget;
        }
    };
    private final ReceiveBudget budget = new ReceiveBudget();

    private static UtpPacket packet(int type, int seq, int ack, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(UtpPacket.HEADER_BYTES + payload.length);
        UtpPacket.header(b, type, 100, 5, 0, 1 << 20, seq, ack, null, 0);
        b.put(payload);
        b.flip();
        UtpPacket p = new UtpPacket();
        assertNull(p.parse(b));
        return p;
    }

    /** The accepted socket's first sequence number, less one: what the peer acks before our first data. */
    private static final int OURS = 999;

    private UtpSocket accepted() {
        return UtpSocket.accept(link, packet(UtpPacket.ST_SYN, 10, 0, new byte[0]), OURS + 1);
    }

    private static byte[] chunk(Random r) {
        byte[] b = new byte[1400];
        r.nextBytes(b);
        return b;
    }

    /**
     * The buffer nearly full of unread bytes, packets held past a gap, then the gap filled: what
     * was held must not be cut to what fits. It waits, and follows once the reader makes room.
     */
    @Test
    void heldPacketsWaitForRoomInsteadOfBeingCut() throws IOException {
        UtpSocket s = accepted();
        Random r = new Random(1);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        int seq = 11;
        // fill the buffer, in order and unread, until less than two packets' room is left
        while (s.buffered() + 2 * 1400 <= UtpSocket.RECEIVE_BUFFER_BYTES) {
            byte[] c = chunk(r);
            expected.write(c);
            s.received(packet(UtpPacket.ST_DATA, seq++, OURS, c));
        }
        byte[] gap = chunk(r);
        byte[] held = chunk(r);
        s.received(packet(UtpPacket.ST_DATA, seq + 1, OURS, held)); // room for it: held
        s.received(packet(UtpPacket.ST_DATA, seq, OURS, gap)); // room for it, but then not for both
        expected.write(gap);
        expected.write(held);
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        ByteBuffer into = ByteBuffer.allocate(4096);
        for (int n; (n = s.read(into)) > 0; into.clear()) {
            got.write(into.array(), 0, n);
        }
        assertArrayEquals(expected.toByteArray(), got.toByteArray());
        assertEquals(0, s.buffered());
    }

    /** A packet held past a gap that then also arrives in order is not held on: 256 packets later its slot is free. */
    @Test
    void aPacketHeldAndThenReceivedInOrderLeavesNothingBehind() throws IOException {
        UtpSocket s = accepted();
        Random r = new Random(2);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        byte[] a = chunk(r);
        byte[] b = chunk(r);
        s.received(packet(UtpPacket.ST_DATA, 12, OURS, b)); // held
        s.received(packet(UtpPacket.ST_DATA, 11, OURS, a)); // the gap: both delivered
        s.received(packet(UtpPacket.ST_DATA, 12, OURS, b)); // again: old, ignored
        expected.write(a);
        expected.write(b);
        ByteBuffer into = ByteBuffer.allocate(1 << 20);
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        int seq = 13;
        for (int i = 0; i < 70_000; i++) { // past the wrap of the 16-bit sequence numbers
            byte[] c = new byte[1 + (i % 50)];
            r.nextBytes(c);
            expected.write(c);
            s.received(packet(UtpPacket.ST_DATA, seq++ & 0xffff, OURS, c));
            if (i % 100 == 0) {
                for (int n; (n = s.read(into)) > 0; into.clear()) {
                    got.write(into.array(), 0, n);
                }
            }
        }
        for (int n; (n = s.read(into)) > 0; into.clear()) {
            got.write(into.array(), 0, n);
        }
        assertArrayEquals(expected.toByteArray(), got.toByteArray());
    }
}
