package skiff.utp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** BEP 29's header, the selective ack as libtorrent sends it, and what is refused. */
class UtpPacketTest {
    private static ByteBuffer hex(String s) {
        return ByteBuffer.wrap(HexFormat.of().parseHex(s.replace(" ", "")));
    }

    @Test
    void aHeaderWrittenReadsBack() {
        ByteBuffer b = ByteBuffer.allocate(100);
        byte[] sack = {(byte) 0x81, 0, 0, 0};
        UtpPacket.header(b, UtpPacket.ST_STATE, 0xfffe, 0x89abcdef, 12345, 0xfffffffeL, 0xffff, 7, sack, 4);
        b.put(new byte[] {1, 2, 3});
        b.flip();
        assertEquals(UtpPacket.HEADER_BYTES + 2 + 4 + 3, b.remaining());
        UtpPacket p = new UtpPacket();
        assertNull(p.parse(b));
        assertEquals(UtpPacket.ST_STATE, p.type);
        assertEquals(0xfffe, p.connectionId);
        assertEquals(0x89abcdef, p.timestampMicros);
        assertEquals(12345, p.timestampDifferenceMicros);
        assertEquals(0xfffffffeL, p.windowBytes);
        assertEquals(0xffff, p.seq);
        assertEquals(7, p.ack);
        assertEquals(4, p.sackLength);
        assertEquals(3, p.payload.remaining());
        assertTrue(p.sacked(9)); // bit 0: ack + 2
        assertFalse(p.sacked(10));
        assertTrue(p.sacked(16)); // bit 7
        assertFalse(p.sacked(8)); // ack + 1 is never in the mask
        assertEquals(0, b.position(), "the datagram's position stays");
    }

    /** One packet object and one view serve every datagram of a receive buffer, as the endpoint reuses them. */
    @Test
    void eachDatagramInAReusedBufferReadsItsOwnPayload() {
        ByteBuffer buffer = ByteBuffer.allocate(200);
        UtpPacket p = new UtpPacket();
        for (int n = 5; n >= 0; n--) {
            buffer.clear().position(n); // datagrams at differing places in the buffer
            UtpPacket.header(buffer, UtpPacket.ST_DATA, 9, 0, 0, 1000, n, 0, null, 0);
            for (int i = 0; i < n * 10; i++) {
                buffer.put((byte) (n + i));
            }
            buffer.limit(buffer.position()).position(n);
            assertNull(p.parse(buffer));
            assertEquals(n, p.seq);
            assertEquals(n * 10, p.payload.remaining());
            for (int i = 0; i < n * 10; i++) {
                assertEquals((byte) (n + i), p.payload.get());
            }
            assertEquals(n, buffer.position(), "the datagram's position stays");
        }
        ByteBuffer other = hex("21 01 818d 72d76caf d2b50a90 000e8144 7e82 d49b 00 01 00");
        assertNull(p.parse(other), "another buffer gets a view of its own");
        assertEquals(0x7e82, p.seq);
    }

    /** A STATE packet libtorrent sent skiff, byte for byte: its selective ack is one byte long. */
    @Test
    void libtorrentsOneByteSelectiveAckIsRead() {
        UtpPacket p = new UtpPacket();
        assertNull(p.parse(hex("21 01 818d 72d76caf d2b50a90 000e8144 7e82 d49b 00 01 00")));
        assertEquals(UtpPacket.ST_STATE, p.type);
        assertEquals(0x818d, p.connectionId);
        assertEquals(0x7e82, p.seq);
        assertEquals(0xd49b, p.ack);
        assertEquals(1, p.sackLength);
        assertEquals(0, p.payload.remaining());
    }

    @Test
    void unknownExtensionsAreSkipped() {
        UtpPacket p = new UtpPacket();
        // extension 2 (libtorrent's extension bits), 8 bytes, then the payload "hi"
        assertNull(p.parse(hex("01 02 0001 00000000 00000000 00010000 0005 0003 00 08 0000000000000000 6869")));
        assertEquals(0, p.sackLength);
        assertEquals(2, p.payload.remaining());
    }

    @Test
    void malformedPacketsAreRefused() {
        UtpPacket p = new UtpPacket();
        assertEquals("shorter than a header", p.parse(hex("01 00 0001 00000000 00000000 00010000 0005")));
        assertEquals("version 2", p.parse(hex("02 00 0001 00000000 00000000 00010000 0005 0003")));
        assertEquals("type 5", p.parse(hex("51 00 0001 00000000 00000000 00010000 0005 0003")));
        assertEquals("extension past the end", p.parse(hex("01 01 0001 00000000 00000000 00010000 0005 0003 00 08 0000")));
        assertEquals("selective ack of 0 bytes", p.parse(hex("01 01 0001 00000000 00000000 00010000 0005 0003 00 00")));
        // a chain that loops through extension 9 over and over
        assertEquals("extension chain too long", p.parse(hex("01 09 0001 00000000 00000000 00010000 0005 0003 "
            + "09 00 09 00 09 00 09 00 09 00")));
        assertEquals("selective ack of 65 bytes", p.parse(hex("01 01 0001 00000000 00000000 00010000 0005 0003 00 41 "
            + "00".repeat(65))));
    }

    @Test
    void oursSelectiveAckCoversWhatIsHeld() {
        Reorder r = new Reorder();
        byte[] mask = new byte[Reorder.MAX_SACK_BYTES];
        assertEquals(0, r.sack(100, mask));
        r.put(102, ByteBuffer.wrap(new byte[10])); // bit 0
        r.put(140, ByteBuffer.wrap(new byte[10])); // bit 38: a second 32-bit word
        assertEquals(8, r.sack(100, mask));
        assertEquals(1, mask[0]);
        assertEquals(1 << 6, mask[4]);
        assertEquals(20, r.bytes());
        ByteRing into = new ByteRing(1 << 16);
        assertTrue(r.take(102, into));
        assertEquals(10, into.size());
        assertFalse(r.take(103, into));
        assertEquals(4 * 2, r.sack(100, mask));
    }
}
