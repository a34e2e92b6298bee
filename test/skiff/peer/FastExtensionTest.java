package skiff.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** BEP 6: the allowed fast set against the BEP's own example, the reserved bit, and the messages' sizes. */
class FastExtensionTest {
    @Test
    void allowedFastSetMatchesTheBepsExample() {
        byte[] ip = {80, 4, 4, (byte) 200};
        byte[] hash = new byte[20];
        Arrays.fill(hash, (byte) 0xaa);
        assertEquals(List.of(1059, 431, 808, 1217, 287, 376, 1188), Wire.allowedFastSet(ip, hash, 1313, 7));
        assertEquals(List.of(1059, 431, 808, 1217, 287, 376, 1188, 353, 508), Wire.allowedFastSet(ip, hash, 1313, 9));
        assertEquals(Wire.allowedFastSet(ip, hash, 1313, 9), Wire.allowedFastSet(new byte[] {80, 4, 4, 7}, hash, 1313, 9),
            "the address's last byte does not count");
        assertEquals(List.of(), Wire.allowedFastSet(new byte[16], hash, 1313, 9), "IPv6: the BEP defines no set");
        assertEquals(3, Wire.allowedFastSet(ip, hash, 3, 10).size(), "never more than there are pieces");
    }

    @Test
    void theDhtBitIsSetOnlyWithADhtAndPortIsTwoBytes() {
        assertTrue(Wire.supportsDht(Wire.ourReserved(true)), "BEP 5: the last reserved bit");
        assertTrue(!Wire.supportsDht(Wire.ourReserved(false)) && !Wire.supportsDht(Wire.ourReserved()));
        assertTrue(Wire.supportsFast(Wire.ourReserved(true)) && Wire.supportsExtensions(Wire.ourReserved(true)));
        assertEquals(2, Wire.fixedLength(Wire.PORT));
    }

    @Test
    void weAdvertiseItAndItsMessagesHaveFixedSizes() {
        assertTrue(Wire.supportsFast(Wire.ourReserved()));
        assertTrue(Wire.supportsExtensions(Wire.ourReserved()));
        assertEquals(0, Wire.fixedLength(Wire.HAVE_ALL));
        assertEquals(0, Wire.fixedLength(Wire.HAVE_NONE));
        assertEquals(12, Wire.fixedLength(Wire.REJECT));
        assertEquals(4, Wire.fixedLength(Wire.ALLOWED_FAST));
        assertEquals(4, Wire.fixedLength(Wire.SUGGEST));
    }
}
