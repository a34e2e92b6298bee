package skiff.bencode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static skiff.testutil.Bytes.ascii;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DecoderTest {
    private static BValue decode(String s) throws BencodeException {
        return Decoder.decode(ascii(s));
    }

    @Test
    void decodedStringsAreViewsThatBehaveAsValues() throws Exception {
        BList l = (BList) decode("l3:abc5:xxabc3:abce");
        BBytes first = (BBytes) l.items().get(0);
        BBytes third = (BBytes) l.items().get(2);
        assertEquals(first, third);
        assertEquals(first.hashCode(), third.hashCode());
        assertEquals(BBytes.of("abc").hashCode(), first.hashCode(), "a view hashes as a copy would");
        assertEquals(0, first.compareTo(third));
        assertTrue(first.compareTo((BBytes) l.items().get(1)) < 0, "abc before xxabc");
        byte[] copy = first.bytes();
        copy[0] = 'z';
        assertEquals("abc", first.utf8(), "bytes() hands out a copy");
        assertEquals(3, first.asReadOnlyBuffer().remaining());
        assertTrue(first.asReadOnlyBuffer().isReadOnly());
    }

    @Test
    void integers() throws Exception {
        assertEquals(new BInt(-3), decode("i-3e"));
        assertEquals(new BInt(0), decode("i0e"));
        assertEquals(new BInt(Long.MAX_VALUE), decode("i9223372036854775807e"));
        assertEquals(new BInt(Long.MIN_VALUE), decode("i-9223372036854775808e"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"i-0e", "i03e", "ie", "i-e", "i9223372036854775808e", "i-9223372036854775809e",
        "i99999999999999999999e", "i1", "i1.5e", "i+1e", "i 1e", "i--1e"})
    void badIntegersAreRejected(String input) {
        assertThrows(BencodeException.class, () -> decode(input));
    }

    @Test
    void byteStringsKeepRawBytes() throws Exception {
        BValue v = Decoder.decode(new byte[] {'2', ':', (byte) 0xff, 0});
        assertArrayEquals(new byte[] {(byte) 0xff, 0}, ((BBytes) v).bytes());
        assertEquals(new BBytes(new byte[0]), decode("0:"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"5:abc", "999999999999:", "99999999999999999999999:x", "-1:a", "01:a", ":a", "3", "2:a"})
    void badStringsAreRejected(String input) {
        assertThrows(BencodeException.class, () -> decode(input));
    }

    @Test
    void hugeClaimedLengthFailsWithoutAllocatingIt() {
        BencodeException e = assertThrows(BencodeException.class, () -> decode("999999999999:"));
        assertTrue(e.getMessage().contains("at byte 0"), e.getMessage());
    }

    @Test
    void listsAndDictionaries() throws Exception {
        BValue v = decode("d3:bar4:spam3:fooi42e4:listli1e1:xee");
        BDict d = (BDict) v;
        assertEquals(BBytes.of("spam"), d.get("bar"));
        assertEquals(new BInt(42), d.get("foo"));
        assertEquals(new BList(List.of(new BInt(1), BBytes.of("x"))), d.get("list"));
        assertEquals(new BList(List.of()), decode("le"));
        assertEquals(0, ((BDict) decode("de")).entries().size());
    }

    @Test
    void spansPointAtTheOriginalBytes() throws Exception {
        String input = "d1:zi1e4:infod1:bi2e1:ai1eee"; // unsorted keys inside info: not canonical
        BDict d = (BDict) decode(input);
        BDict.Span s = d.span("info").orElseThrow();
        assertEquals("d1:bi2e1:ai1ee", input.substring(s.start(), s.end()));
    }

    @Test
    void manyKeysAreFoundAndADuplicateAmongThemIsRefused() throws Exception {
        StringBuilder b = new StringBuilder("d");
        for (int i = 0; i < 3 * BDict.SCAN_KEYS; i++) {
            b.append(String.format("3:k%02di%de", i, i)); // past the scan: through the index
        }
        BDict d = (BDict) decode(b + "e");
        assertEquals(3 * BDict.SCAN_KEYS, d.size());
        assertEquals(new BInt(0), d.get("k00"));
        assertEquals(new BInt(30), d.get("k30"));
        assertEquals(null, d.get("k99"));
        String at = String.format("3:k%02di%de", 35, 35);
        assertEquals(at.substring(at.indexOf('i')), b.substring(d.span("k35").orElseThrow().start(), d.span("k35").orElseThrow().end()));
        assertThrows(BencodeException.class, () -> decode(b + "3:k01i1ee"), "a duplicate after the switch to hashing");
        assertThrows(BencodeException.class, () -> decode("d3:k00i0e3:k01i1e3:k00i2ee"), "a duplicate among a few");
        StringBuilder m = new StringBuilder("d");
        for (int i = 0; i < 100_000; i++) {
            m.append(String.format("6:%06di0e", i));
        }
        byte[] input = ascii(m + "e");
        assertEquals(100_000, assertTimeoutPreemptively(Duration.ofSeconds(5), () -> ((BDict) Decoder.decode(input)).size()),
            "no quadratic duplicate check");
    }

    @Test
    void depthBombFailsFastWithOffset() {
        byte[] bomb = new byte[1_000_000];
        Arrays.fill(bomb, (byte) 'l');
        BencodeException e = assertTimeoutPreemptively(Duration.ofSeconds(2),
            () -> assertThrows(BencodeException.class, () -> Decoder.decode(bomb)));
        assertEquals(Decoder.MAX_DEPTH, e.offset());
    }

    @Test
    void depthAtTheLimitIsAccepted() throws Exception {
        String ok = "l".repeat(Decoder.MAX_DEPTH) + "e".repeat(Decoder.MAX_DEPTH);
        decode(ok);
        String tooDeep = "l".repeat(Decoder.MAX_DEPTH + 1) + "e".repeat(Decoder.MAX_DEPTH + 1);
        assertThrows(BencodeException.class, () -> decode(tooDeep));
    }

    @Test
    void inputOverTheSizeLimitIsRefusedBeforeParsing() {
        BencodeException e = assertThrows(BencodeException.class, () -> Decoder.decode(new byte[100], 99));
        assertTrue(e.getMessage().contains("exceeds limit"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "x", "l", "d", "li1e", "d1:a", "d1:ai1e", "di1ei2ee", "d1:ai1e1:ai2ee", "i1ei2e",
        "le1", "d1:a", "4:spam5", "e", "l-e"})
    void malformedCorpusIsRejected(String input) {
        assertThrows(BencodeException.class, () -> decode(input));
    }

    @Test
    void prefixDecodingReportsWhereTheValueEnds() throws Exception {
        byte[] in = ascii("d1:ai1eeTRAILING");
        Decoder.Prefix p = Decoder.decodePrefix(in, 0, in.length);
        assertEquals(8, p.end());
    }
}
