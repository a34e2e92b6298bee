package skiff.bencode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static skiff.testutil.Bytes.ascii;

import java.util.List;
import org.junit.jupiter.api.Test;

class EncoderTest {
    @Test
    void sortsKeysAsRawBytes() {
        BDict d = Dicts.builder().put("b", 1).put("a", "x").put(new String(new char[] {0xe9}), 2).put("B", 3).build();
        // 'B' (0x42) < 'a' < 'b' < U+00E9 (0xc3 0xa9 in UTF-8, above ASCII when compared unsigned)
        assertEquals("d1:Bi3e1:a1:x1:bi1e2:\u00c3\u00a9i2ee",
            new String(Encoder.encode(d), java.nio.charset.StandardCharsets.ISO_8859_1));
    }

    @Test
    void roundTripsCanonicalInput() throws Exception {
        String[] inputs = {"i-42e", "0:", "4:spam", "le", "de", "li1el1:aee", "d1:ad1:bli0eeee", "d4:infod6:lengthi5eee"};
        for (String in : inputs) {
            assertArrayEquals(ascii(in), Encoder.encode(Decoder.decode(ascii(in))), in);
        }
    }

    @Test
    void encodesLists() {
        assertArrayEquals(ascii("l1:a1:be"), Encoder.encode(BList.ofStrings(List.of("a", "b"))));
    }
}
