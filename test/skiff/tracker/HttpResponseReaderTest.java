package skiff.tracker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static skiff.testutil.Bytes.ascii;

import org.junit.jupiter.api.Test;

class HttpResponseReaderTest {
    private static final String[] GOOD = {
        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhe\r\n3;ext=1\r\nllo\r\n0\r\nX-Trailer: y\r\n\r\n",
        "HTTP/1.0 200 OK\nServer: old\n\nhello",
        "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nhello",
    };

    @Test
    void everyFramingCutAtEveryByteGivesTheSameBody() throws Exception {
        for (String response : GOOD) {
            byte[] bytes = ascii(response);
            for (int cut = 0; cut <= bytes.length; cut++) {
                HttpResponseReader r = new HttpResponseReader();
                boolean done = r.feed(bytes, 0, cut) | r.feed(bytes, cut, bytes.length - cut);
                if (!done) {
                    r.endOfStream(); // close-delimited
                }
                assertEquals(200, r.status());
                assertArrayEquals(ascii("hello"), r.body(), response + " cut at " + cut);
            }
            HttpResponseReader oneByOne = new HttpResponseReader();
            for (int i = 0; i < bytes.length; i++) {
                oneByOne.feed(bytes, i, 1);
            }
            if (!oneByOne.done()) {
                oneByOne.endOfStream();
            }
            assertArrayEquals(ascii("hello"), oneByOne.body());
        }
    }

    @Test
    void oversizeBodiesAndHeadersAreRefused() {
        assertThrows(TrackerException.class, () -> new HttpResponseReader().feed(
            ascii("HTTP/1.1 200 OK\r\nContent-Length: 99999999\r\n\r\n"), 0, 45));
        byte[] hugeHeader = ascii("HTTP/1.1 200 OK\r\nX: " + "a".repeat(70_000));
        assertThrows(TrackerException.class, () -> new HttpResponseReader().feed(hugeHeader, 0, hugeHeader.length));
        byte[] chunk = ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFF\r\n");
        assertThrows(TrackerException.class, () -> new HttpResponseReader().feed(chunk, 0, chunk.length));
    }

    @Test
    void endlessChunkedStreamStopsAtTheCap() {
        HttpResponseReader r = new HttpResponseReader();
        byte[] head = ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
        byte[] chunk = ascii("1000\r\n" + "x".repeat(4096) + "\r\n");
        TrackerException e = assertThrows(TrackerException.class, () -> {
            r.feed(head, 0, head.length);
            for (int i = 0; i < 10_000; i++) {
                r.feed(chunk, 0, chunk.length);
            }
        });
        assertTrue(e.getMessage().contains("larger than"));
    }

    @Test
    void closeDelimitedBodyIsCapped() {
        HttpResponseReader r = new HttpResponseReader();
        byte[] head = ascii("HTTP/1.1 200 OK\r\n\r\n");
        byte[] block = new byte[64 << 10];
        assertThrows(TrackerException.class, () -> {
            r.feed(head, 0, head.length);
            for (int i = 0; i < 100; i++) {
                r.feed(block, 0, block.length);
            }
        });
    }

    @Test
    void malformedRepliesGiveReasons() {
        String[] bad = {"\r\n\r\n", "\n\n", "SSH-2.0-OpenSSH\r\n\r\n", "HTTP/1.1 abc OK\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nabc"};
        for (String s : bad) {
            assertThrows(TrackerException.class, () -> new HttpResponseReader().feed(ascii(s), 0, s.length()), s);
        }
    }

    @Test
    void truncatedRepliesFailAtEndOfStream() throws Exception {
        HttpResponseReader r = new HttpResponseReader();
        r.feed(ascii("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"), 0, 41);
        assertThrows(TrackerException.class, r::endOfStream);
        assertThrows(TrackerException.class, new HttpResponseReader()::endOfStream);
    }
}
