package skiff.tracker;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import skiff.http.HttpHead;
import skiff.http.Text;

/**
 * Incremental HTTP/1.x response parser: feed it bytes as they arrive, in any cuts. Handles
 * Content-Length, chunked and close-delimited bodies, with hard caps on header and body size.
 * Pure: no sockets, no clock.
 */
final class HttpResponseReader {
    /** Status line plus headers; real trackers send well under 1 KiB. */
    static final int MAX_HEADER_BYTES = 64 << 10;
    /** Announce replies hold at most a few thousand peers: far below this. */
    static final int MAX_BODY_BYTES = 2 << 20;
    /** A chunk-size line with extensions; longer ones are an attack. */
    private static final int MAX_CHUNK_LINE_BYTES = 1024;

    private enum State { HEADERS, LENGTH_BODY, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILERS, CLOSE_BODY, DONE }

    private State state = State.HEADERS;
    private final HttpHead head = new HttpHead(MAX_HEADER_BYTES);
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private long remaining;
    private final boolean headRequest;

    HttpResponseReader() {
        this(false);
    }

    HttpResponseReader(boolean headRequest) {
        this.headRequest = headRequest;
    }

    /** Consumes bytes; returns true once the response is complete (later bytes are ignored). */
    boolean feed(byte[] buf, int off, int len) throws TrackerException {
        int i = off;
        int end = off + len;
        while (i < end && state != State.DONE) {
            switch (state) {
                case HEADERS -> i = headers(buf, i, end);
                case LENGTH_BODY -> {
                    int n = (int) Math.min(remaining, end - i);
                    appendBody(buf, i, n);
                    i += n;
                    remaining -= n;
                    if (remaining == 0) {
                        state = State.DONE;
                    }
                }
                case CHUNK_SIZE -> i = chunkSize(buf, i, end);
                case CHUNK_DATA -> {
                    int n = (int) Math.min(remaining, end - i);
                    appendBody(buf, i, n);
                    i += n;
                    remaining -= n;
                    if (remaining == 0) {
                        state = State.CHUNK_END;
                    }
                }
                case CHUNK_END -> i = chunkEnd(buf, i, end);
                case TRAILERS -> i = trailers(buf, i, end);
                case CLOSE_BODY -> {
                    appendBody(buf, i, end - i);
                    i = end;
                }
                default -> throw new IllegalStateException();
            }
        }
        return state == State.DONE;
    }

    /** The peer closed the connection: complete for a close-delimited body, an error otherwise. */
    void endOfStream() throws TrackerException {
        if (state == State.CLOSE_BODY) {
            state = State.DONE;
        } else if (state != State.DONE) {
            throw new TrackerException(state == State.HEADERS && !head.started()
                    ? "tracker closed the connection without answering" : "tracker reply was cut short");
        }
    }

    boolean done() {
        return state == State.DONE;
    }

    int status() {
        return head.status();
    }

    /** A header value by lower-case name, or null. */
    String header(String lowerName) {
        return head.header(lowerName);
    }

    byte[] body() {
        return body.toByteArray();
    }

    private void appendBody(byte[] buf, int off, int n) throws TrackerException {
        if ((long) body.size() + n > MAX_BODY_BYTES) {
            throw new TrackerException("tracker reply body is larger than " + (MAX_BODY_BYTES >> 20) + " MiB");
        }
        body.write(buf, off, n);
    }

    private int headers(byte[] buf, int i, int end) throws TrackerException {
        try {
            i = head.feed(buf, i, end);
        } catch (java.net.ProtocolException e) {
            throw new TrackerException("tracker " + e.getMessage());
        }
        if (head.done()) {
            bodyFraming();
        }
        return i;
    }

    private void bodyFraming() throws TrackerException {
        int status = head.status();
        String te = header("transfer-encoding");
        String cl = header("content-length");
        if (headRequest || status == 204 || status == 304) {
            state = State.DONE;
        } else if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
            state = State.CHUNK_SIZE;
        } else if (cl != null) {
            long n;
            try {
                n = Long.parseLong(cl);
            } catch (NumberFormatException e) {
                throw new TrackerException("tracker sent a bad Content-Length");
            }
            if (n < 0 || n > MAX_BODY_BYTES) {
                throw new TrackerException("tracker reply body of " + n + " bytes is over the limit");
            }
            remaining = n;
            state = n == 0 ? State.DONE : State.LENGTH_BODY;
        } else {
            state = State.CLOSE_BODY;
        }
    }

    private int chunkSize(byte[] buf, int i, int end) throws TrackerException {
        while (i < end) {
            byte b = buf[i++];
            if (b != '\n') {
                if (line.size() >= MAX_CHUNK_LINE_BYTES) {
                    throw new TrackerException("tracker sent an overlong chunk header");
                }
                line.write(b);
                continue;
            }
            String s = line.toString(StandardCharsets.ISO_8859_1).trim();
            line.reset();
            int semi = s.indexOf(';');
            String hex = semi >= 0 ? s.substring(0, semi).trim() : s;
            if (hex.isEmpty() || hex.length() > 8 || !Text.hex(hex)) {
                throw new TrackerException("tracker sent a bad chunk size");
            }
            long size = Long.parseLong(hex, 16);
            if (size > MAX_BODY_BYTES - body.size()) {
                throw new TrackerException("tracker reply body is larger than " + (MAX_BODY_BYTES >> 20) + " MiB");
            }
            remaining = size;
            state = size == 0 ? State.TRAILERS : State.CHUNK_DATA;
            return i;
        }
        return i;
    }

    private int chunkEnd(byte[] buf, int i, int end) throws TrackerException {
        while (i < end) {
            byte b = buf[i++];
            if (b == '\n') {
                state = State.CHUNK_SIZE;
                return i;
            }
            if (b != '\r') {
                throw new TrackerException("tracker sent bad chunk framing");
            }
        }
        return i;
    }

    private int trailers(byte[] buf, int i, int end) throws TrackerException {
        while (i < end) {
            byte b = buf[i++];
            if (b != '\n') {
                if (line.size() >= MAX_CHUNK_LINE_BYTES) {
                    throw new TrackerException("tracker sent an overlong trailer");
                }
                line.write(b);
                continue;
            }
            boolean blank = line.toString(StandardCharsets.ISO_8859_1).trim().isEmpty();
            line.reset();
            if (blank) {
                state = State.DONE;
                return i;
            }
        }
        return i;
    }
}
