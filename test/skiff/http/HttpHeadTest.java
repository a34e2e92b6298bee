package skiff.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A reply's head, taken as bytes arrive in any cuts, within its cap; IP literals told from host names. */
class HttpHeadTest {
    private static final byte[] REPLY = ("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.0 206 Partial Content\r\n"
        + "Content-Range: bytes 0-4/10\r\ncontent-length:5\r\nX: a\r\nX: b\r\n\r\nhello").getBytes(StandardCharsets.ISO_8859_1);

    @Test
    void aHeadIsTakenHoweverItIsCutAndStopsAtItsBlankLine() throws Exception {
        for (int cut = 0; cut <= REPLY.length; cut++) {
            HttpHead h = new HttpHead(1024);
            assertFalse(h.started());
            int i = h.feed(REPLY, 0, cut);
            if (!h.done()) {
                i = h.feed(REPLY, i, REPLY.length);
            }
            assertTrue(h.done(), "cut at " + cut);
            assertEquals(REPLY.length - 5, i, "the body is left: cut at " + cut);
            assertEquals(206, h.status(), "the interim reply skipped");
            assertTrue(h.http10());
            assertEquals("5", h.header("content-length"));
            assertEquals("bytes 0-4/10", h.header("content-range"));
            assertEquals("b", h.header("x"), "the last one sent");
            assertNull(h.header("location"));
        }
        HttpHead bare = new HttpHead(1024);
        bare.feed("HTTP/1.1 404 Not Found\n\n".getBytes(StandardCharsets.ISO_8859_1), 0, 24);
        assertEquals(404, bare.status(), "bare newlines too");
    }

    @Test
    void notHttpOrTooLongIsOneLine() {
        byte[] ssh = "SSH-2.0-OpenSSH_9.2\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
        assertEquals("reply is not HTTP (status line 'SSH-2.0-OpenSSH_9.2')",
            assertThrows(ProtocolException.class, () -> new HttpHead(1024).feed(ssh, 0, ssh.length)).getMessage());
        byte[] endless = new byte[5000];
        java.util.Arrays.fill(endless, (byte) 'x');
        assertEquals("reply headers are larger than 4 KiB",
            assertThrows(ProtocolException.class, () -> new HttpHead(4096).feed(endless, 0, endless.length)).getMessage());
        assertEquals("a?b", HttpHead.printable("a\u0001b"));
    }

    @Test
    void ipLiteralsAreParsedAndHostNamesAreNot() {
        assertEquals("/10.1.2.3", IpLiteral.parse("10.1.2.3").toString());
        assertEquals("/0:0:0:0:0:0:0:1", IpLiteral.parse("::1").toString());
        for (String name : new String[] {"localhost", "10.1.2", "10.1.2.256", "1.2.3.4.5", "a::b::c:zz", "example.org", "01234.1.1.1"}) {
            assertNull(IpLiteral.parse(name), name);
        }
    }
}
