package skiff.peer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** BEP 10's handshake and BEP 9's messages, both ways, and what a hostile peer gets for odd ones. */
class ExtensionMessagesTest {
    @Test
    void ourHandshakeReadsBackAsSent() throws Exception {
        byte[] msg = ExtensionHandshake.message(Map.of("ut_metadata", 2), "skiff 0.1.0", 6881, 2000,
            InetAddress.getByName("127.0.0.9"), 31235);
        ByteBuffer b = ByteBuffer.wrap(msg);
        assertEquals(msg.length - 4, b.getInt());
        assertEquals(Wire.EXTENDED, b.get());
        assertEquals(0, b.get());
        ExtensionHandshake h = ExtensionHandshake.parse(msg, 6, msg.length - 6);
        assertEquals(2, h.id("ut_metadata"));
        assertEquals(0, h.id("ut_pex"));
        assertEquals("skiff 0.1.0", h.client());
        assertEquals(6881, h.port());
        assertEquals(2000, h.reqq());
        assertEquals(31235, h.metadataSize());
        assertArrayEquals(new byte[] {127, 0, 0, 9}, h.yourIp());
    }

    @Test
    void oddHandshakesAreReadCautiously() {
        byte[] odd = ("d1:md11:ut_metadatai0e6:ut_pexi300e3:fooi7ee13:metadata_sizei99999999999e1:v3:a\u0001b6:yourip3:abc1:pi-5ee")
            .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        ExtensionHandshake h = ExtensionHandshake.parse(odd, 0, odd.length);
        assertEquals(Map.of("foo", 7), h.ids(), "0 switches off, an id over 255 cannot be sent");
        assertEquals(-1, h.metadataSize());
        assertEquals("a?b", h.client());
        assertNull(h.yourIp());
        assertEquals(-1, h.port());
        assertNull(ExtensionHandshake.parse("li1ee".getBytes(), 0, 5));
        assertNull(ExtensionHandshake.parse("d1:m".getBytes(), 0, 4));
    }

    @Test
    void metadataMessagesBothWays() {
        byte[] meta = new byte[40_000];
        for (int i = 0; i < meta.length; i++) {
            meta[i] = (byte) i;
        }
        assertEquals(3, MetadataMessages.pieceCount(meta.length));
        assertEquals(40_000 - 2 * 16384, MetadataMessages.pieceLength(2, meta.length));
        byte[] last = MetadataMessages.data(2, meta.length, java.util.Arrays.copyOfRange(meta, 32768, 40_000));
        MetadataMessages.Message m = MetadataMessages.parse(last, 0, last.length);
        assertEquals(MetadataMessages.DATA, m.type());
        assertEquals(2, m.piece());
        assertEquals(40_000, m.totalSize());
        assertEquals(40_000 - 32768, m.dataLength());
        assertEquals((byte) 32768, m.bytes()[m.dataOffset()]);
        byte[] req = MetadataMessages.request(1);
        assertEquals(MetadataMessages.REQUEST, MetadataMessages.parse(req, 0, req.length).type());
        byte[] rej = MetadataMessages.reject(1);
        assertEquals(1, MetadataMessages.parse(rej, 0, rej.length).piece());
        String[] bad = {"d8:msg_typei1e5:piecei0ee", "d8:msg_typei0e5:piecei-1ee", "d8:msg_typei1e5:piecei0e10:total_sizei0ee",
            "d8:msg_typei0ee", "i1e", "d8:msg_typei2e5:piecei1eetrailing"};
        for (String s : bad) {
            assertNull(MetadataMessages.parse(s.getBytes(), 0, s.length()), s);
        }
    }
}
