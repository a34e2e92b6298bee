package skiff.webseed;

import java.net.ProtocolException;
import java.util.Locale;
import skiff.http.HttpHead;

/**
 * A web seed's reply to one range request, checked before a byte of its body is taken: 206 with
 * exactly the range asked for (or 200 when that range is the whole file), framed by its
 * Content-Length; a redirect; or a failure with a one-line reason. Pure.
 */
final class RangeReply {
    /** Status line and headers; servers send well under 1 KiB. */
    static final int MAX_HEAD_BYTES = 16 << 10;

    private final HttpHead head = new HttpHead(MAX_HEAD_BYTES);
    private final long offset;
    private final long length;
    private final long fileLength;
    private String location;

    /** A reply to {@code Range: bytes=offset-(offset+length-1)} of a file of {@code fileLength} bytes. */
    RangeReply(long offset, long length, long fileLength) {
        this.offset = offset;
        this.length = length;
        this.fileLength = fileLength;
    }

    /**
     * Takes head bytes from {@code buf[i..end)}; returns the index after the last one taken. Once
     * {@link #done()}, the body ({@link #length} bytes) follows, unless {@link #redirect()}.
     */
    int feed(byte[] buf, int i, int end) throws ProtocolException {
        i = head.feed(buf, i, end);
        if (head.done()) {
            check();
        }
        return i;
    }

    boolean done() {
        return head.done();
    }

    /** Whether the reply says the server does not have the file (404, 410): asking again is no use. */
    boolean missing() {
        return head.status() == 404 || head.status() == 410;
    }

    /** Whether any byte came: a reused connection that closes before one did may be retried. */
    boolean started() {
        return head.started();
    }

    /** Where the file moved to (a 3xx reply), or null. */
    String redirect() {
        return location;
    }

    /** Whether the connection may carry the next request. */
    boolean keepAlive() {
        String c = head.header("connection");
        String v = c == null ? "" : c.toLowerCase(Locale.ROOT);
        return head.http10() ? v.contains("keep-alive") : !v.contains("close");
    }

    private void check() throws ProtocolException {
        int status = head.status();
        if (status == 301 || status == 302 || status == 303 || status == 307 || status == 308) {
            location = head.header("location");
            if (location == null || location.isEmpty()) {
                throw new ProtocolException("HTTP " + status + " without a Location");
            }
            return;
        }
        if (status == 200) {
            if (offset != 0 || length != fileLength) {
                throw new ProtocolException("the server ignores range requests (HTTP 200 to a range)");
            }
        } else if (status == 206) {
            checkContentRange(head.header("content-range"));
        } else {
            throw new ProtocolException("HTTP " + status);
        }
        String te = head.header("transfer-encoding");
        if (te != null && !te.equalsIgnoreCase("identity")) {
            throw new ProtocolException("a body with Transfer-Encoding " + HttpHead.printable(te) + " (not sent to a range request)");
        }
        String cl = head.header("content-length");
        if (cl == null) {
            throw new ProtocolException("a reply without Content-Length");
        }
        if (!cl.equals(Long.toString(length))) {
            throw new ProtocolException("Content-Length " + HttpHead.printable(cl) + " for a range of " + length + " bytes");
        }
    }

    /** "bytes FIRST-LAST/TOTAL": the range asked for, of a file of the torrent's size (or "*"). */
    private void checkContentRange(String v) throws ProtocolException {
        if (v == null) {
            throw new ProtocolException("HTTP 206 without Content-Range");
        }
        String s = v.trim();
        int slash = s.indexOf('/');
        int dash = s.indexOf('-');
        if (!s.regionMatches(true, 0, "bytes ", 0, 6) || slash < 0 || dash < 0 || dash > slash) {
            throw new ProtocolException("a bad Content-Range: " + HttpHead.printable(s));
        }
        long first = number(s.substring(6, dash).trim());
        long last = number(s.substring(dash + 1, slash).trim());
        String total = s.substring(slash + 1).trim();
        if (first != offset || last != offset + length - 1) {
            throw new ProtocolException("Content-Range " + HttpHead.printable(s) + " for bytes " + offset + "-" + (offset + length - 1));
        }
        if (!total.equals("*") && number(total) != fileLength) {
            throw new ProtocolException("the file is " + HttpHead.printable(total) + " bytes on the server, " + fileLength + " in the torrent");
        }
    }

    private static long number(String s) throws ProtocolException {
        if (s.isEmpty() || s.length() > 18 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new ProtocolException("a bad number in Content-Range: " + HttpHead.printable(s));
        }
        return Long.parseLong(s);
    }
}
