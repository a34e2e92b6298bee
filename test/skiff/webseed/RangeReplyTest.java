package skiff.webseed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A range reply is checked whole before its body is taken: the range asked for, or a clear reason. */
class RangeReplyTest {
    /** Feeds a head one byte at a time; returns the reply and checks it stopped at the body. */
    private static RangeReply fed(RangeReply r, String head) throws ProtocolException {
        byte[] b = (head + "BODY").getBytes(StandardCharsets.ISO_8859_1);
        int i = 0;
        while (!r.done() && i < b.length) {
            i = r.feed(b, i, i + 1);
        }
        assertTrue(r.done());
        assertEquals(b.length - 4, i, "the head's bytes only");
        return r;
    }

    private static String fails(long offset, long length, long file, String head) {
        return assertThrows(ProtocolException.class, () -> fed(new RangeReply(offset, length, file), head)).getMessage();
    }

    @Test
    void partialContentOfExactlyTheRangeAsked() throws Exception {
        RangeReply r = fed(new RangeReply(100, 50, 1000),
            "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 206 Partial Content\r\nContent-Range: bytes 100-149/1000\r\nContent-Length: 50\r\n\r\n");
        assertNull(r.redirect());
        assertTrue(r.keepAlive());
        assertTrue(fed(new RangeReply(0, 5, 5), "HTTP/1.1 206 OK\ncontent-range: bytes 0-4/*\ncontent-length: 5\n\n").keepAlive());
        assertFalse(fed(new RangeReply(0, 5, 5), "HTTP/1.1 206 OK\r\nContent-Range: bytes 0-4/5\r\nContent-Length: 5\r\nConnection: close\r\n\r\n").keepAlive());
        assertFalse(fed(new RangeReply(0, 5, 5), "HTTP/1.0 206 OK\r\nContent-Range: bytes 0-4/5\r\nContent-Length: 5\r\n\r\n").keepAlive());
    }

    @Test
    void aWholeFileMayComeAsOk() throws Exception {
        fed(new RangeReply(0, 9, 9), "HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n");
        assertEquals("the server ignores range requests (HTTP 200 to a range)",
            fails(1, 8, 9, "HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n"));
    }

    @Test
    void aRedirectNamesWhereTheFileIs() throws Exception {
        assertEquals("/elsewhere/x", fed(new RangeReply(0, 9, 9), "HTTP/1.1 302 Found\r\nLocation: /elsewhere/x\r\n\r\n").redirect());
        assertEquals("HTTP 301 without a Location", fails(0, 9, 9, "HTTP/1.1 301 Moved\r\n\r\n"));
    }

    @Test
    void everythingElseIsAOneLineReason() {
        assertEquals("HTTP 404", fails(0, 9, 9, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"));
        assertEquals("HTTP 416", fails(0, 9, 9, "HTTP/1.1 416 Range Not Satisfiable\r\n\r\n"));
        assertEquals("Content-Range bytes 0-99/1000 for bytes 100-149",
            fails(100, 50, 1000, "HTTP/1.1 206 OK\r\nContent-Range: bytes 0-99/1000\r\nContent-Length: 100\r\n\r\n"));
        assertEquals("the file is 999 bytes on the server, 1000 in the torrent",
            fails(100, 50, 1000, "HTTP/1.1 206 OK\r\nContent-Range: bytes 100-149/999\r\nContent-Length: 50\r\n\r\n"));
        assertEquals("Content-Length 51 for a range of 50 bytes",
            fails(100, 50, 1000, "HTTP/1.1 206 OK\r\nContent-Range: bytes 100-149/1000\r\nContent-Length: 51\r\n\r\n"));
        assertEquals("a reply without Content-Length", fails(100, 50, 1000, "HTTP/1.1 206 OK\r\nContent-Range: bytes 100-149/1000\r\n\r\n"));
        assertTrue(fails(100, 50, 1000, "HTTP/1.1 206 OK\r\nContent-Range: bytes 100-149/1000\r\nTransfer-Encoding: chunked\r\n\r\n")
            .startsWith("a body with Transfer-Encoding chunked"));
        assertEquals("HTTP 206 without Content-Range", fails(100, 50, 1000, "HTTP/1.1 206 OK\r\nContent-Length: 50\r\n\r\n"));
        assertEquals("a bad number in Content-Range: x", fails(100, 50, 1000, "HTTP/1.1 206 OK\r\nContent-Range: bytes x-149/1000\r\n\r\n"));
        assertEquals("a bad Content-Range: items 1-2/3", fails(100, 50, 1000, "HTTP/1.1 206 OK\r\nContent-Range: items 1-2/3\r\n\r\n"));
        assertEquals("reply is not HTTP (status line 'SSH-2.0-OpenSSH')", fails(0, 9, 9, "SSH-2.0-OpenSSH\r\n\r\n"));
    }

    @Test
    void aHeadThatNeverEndsIsCutAtItsCap() {
        RangeReply r = new RangeReply(0, 9, 9);
        byte[] junk = new byte[RangeReply.MAX_HEAD_BYTES + 10];
        java.util.Arrays.fill(junk, (byte) 'a');
        ProtocolException e = assertThrows(ProtocolException.class, () -> r.feed(junk, 0, junk.length));
        assertEquals("reply headers are larger than 16 KiB", e.getMessage());
    }
}
