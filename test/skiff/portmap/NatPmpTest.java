package skiff.portmap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** NAT-PMP's messages (RFC 6886) byte by byte, and answers that are not answers. */
class NatPmpTest {
    private static ByteBuffer hex(String s) {
        return ByteBuffer.wrap(HexFormat.of().parseHex(s.replace(" ", "")));
    }

    @Test
    void requestsAreTheRfcsLayouts() {
        assertArrayEquals(new byte[] {0, 0}, NatPmp.externalAddressRequest());
        // version 0, op 2 (TCP), reserved, internal 51413 (c8d5), suggested external the same, 7200 s
        assertArrayEquals(HexFormat.of().parseHex("00020000c8d5c8d500001c20"), NatPmp.mapRequest(true, 51413, 7200));
        // removal (section 3.4): lifetime 0 and suggested external port 0
        assertArrayEquals(HexFormat.of().parseHex("00010000c8d5000000000000"), NatPmp.mapRequest(false, 51413, 0));
    }

    @Test
    void answersAreRead() throws Exception {
        NatPmp.Answer address = NatPmp.parse(hex("00 80 0000 0000002a 0b4d0001"));
        assertTrue(address.ok());
        assertEquals(NatPmp.OP_EXTERNAL_ADDRESS, address.op());
        assertEquals(InetAddress.getByName("11.77.0.1"), address.external());
        NatPmp.Answer map = NatPmp.parse(hex("00 82 0000 0000002a c8d5 c8d6 00001c20"));
        assertEquals(NatPmp.OP_MAP_TCP, map.op());
        assertEquals(51413, map.internalPort());
        assertEquals(51414, map.externalPort());
        assertEquals(7200, map.lifetimeSeconds());
        NatPmp.Answer refused = NatPmp.parse(hex("00 81 0002 0000002a"));
        assertFalse(refused.ok());
        assertEquals("not authorized (mapping switched off on the router)", NatPmp.words(refused.result()));
        assertNull(refused.external());
    }

    @Test
    void aPcpServerAnswersWithItsOwnVersion() throws Exception {
        // RFC 6887 section 9: a PCP-only server answers a NAT-PMP request with version 2, UNSUPP_VERSION
        NatPmp.Answer a = NatPmp.parse(hex("02 80 0001 00000000"));
        assertEquals(NatPmp.UNSUPPORTED_VERSION, a.result());
    }

    @Test
    void whatIsNotAnAnswerIsRefused() {
        assertThrows(PortMapException.class, () -> NatPmp.parse(hex("00 80 0000")), "too short");
        assertThrows(PortMapException.class, () -> NatPmp.parse(hex("00 02 0000 00000000 0000 0000 00000000")), "a request");
        assertThrows(PortMapException.class, () -> NatPmp.parse(hex("00 85 0000 00000000 0000 0000 00000000")), "an unknown opcode");
        assertThrows(PortMapException.class, () -> NatPmp.parse(hex("00 80 0000 00000000 0b4d")), "an address cut short");
        assertThrows(PortMapException.class, () -> NatPmp.parse(hex("00 82 0000 00000000 c8d5")), "a mapping cut short");
    }
}
