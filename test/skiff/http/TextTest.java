package skiff.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The regular expressions the protocol parsers used to take, done by hand: the same answers. */
class TextTest {
    @Test
    void linesSplitAtLineFeedsWithOrWithoutCarriageReturns() {
        assertEquals(List.of("HTTP/1.1 200 OK", "a: b", "", "c"), Text.lines("HTTP/1.1 200 OK\r\na: b\n\r\nc\r\n\r\n", 100));
        assertEquals(List.of("x\r", "y"), Text.lines("x\r\r\ny", 100), "only the CR right before LF goes");
        assertEquals(List.of("one", "two\nthree\n"), Text.lines("one\ntwo\nthree\n", 2), "the last takes the rest");
        assertEquals(List.of(), Text.lines("\r\n\n", 100));
        assertEquals(List.of(), Text.lines("", 100));
        assertEquals(List.of("no end\r"), Text.lines("no end\r", 100));
    }

    @Test
    void wordsAreRunsBetweenWhitespace() {
        assertEquals(List.of("24", "80"), Text.words(" 24 80\n"));
        assertEquals(List.of("eth0", "00000000", "0102A8C0"), Text.words("eth0\t00000000\t0102A8C0\t\u000B"));
        assertEquals(List.of(), Text.words(" \t\r\n"));
    }

    @Test
    void characterClassesAreAsciiOnlyAndNeverEmpty() {
        assertTrue(Text.digits("200"));
        assertFalse(Text.digits(""));
        assertFalse(Text.digits("２00"), "a fullwidth digit is not one");
        assertTrue(Text.hex("1aF0"));
        assertFalse(Text.hex("1g"));
        assertFalse(Text.hex("+1"));
        assertTrue(Text.only("fe80::1", "0123456789abcdef:."));
        assertFalse(Text.only("fe80::1%eth0", "0123456789abcdef:."));
    }
}
