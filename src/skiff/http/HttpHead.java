package skiff.http;

import java.io.ByteArrayOutputStream;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The status line and headers of an HTTP/1.x reply, taken as bytes arrive up to the blank line
 * that ends them, within a size cap. Interim replies (100 Continue) are skipped. Pure.
 */
public final class HttpHead {
    private final int maxBytes;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final Map<String, String> headers = new HashMap<>();
    private int recent;
    private int status;
    private boolean http10;
    private boolean done;

    public HttpHead(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    /**
     * Takes bytes from {@code buf[i..end)} until the head is complete; returns the index after the
     * last byte taken. {@link #done()} says whether it is.
     */
    public int feed(byte[] buf, int i, int end) throws ProtocolException {
        while (i < end && !done) {
            if (bytes.size() >= maxBytes) {
                throw new ProtocolException("reply headers are larger than " + (maxBytes >> 10) + " KiB");
            }
            byte b = buf[i++];
            bytes.write(b);
            recent = (recent << 8) | (b & 0xff);
            // "\n\n" or "\r\n\r\n": the blank line
            if (b == '\n' && ((recent & 0xffff) == 0x0a0a || recent == 0x0d0a0d0a)) {
                parse();
            }
        }
        return i;
    }

    public boolean done() {
        return done;
    }

    /** Whether any byte of a reply came. */
    public boolean started() {
        return bytes.size() > 0 || status != 0;
    }

    public int status() {
        return status;
    }

    /** An HTTP/1.0 reply: its connection closes after it unless it says otherwise. */
    public boolean http10() {
        return http10;
    }

    /** A header's value by lower-case name (the last one sent), or null. */
    public String header(String lowerName) {
        return headers.get(lowerName);
    }

    private void parse() throws ProtocolException {
        List<String> lines = Text.lines(bytes.toString(StandardCharsets.ISO_8859_1), Integer.MAX_VALUE);
        String statusLine = lines.isEmpty() ? "" : lines.get(0); // a reply of blank lines has no status line
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.") || parts[1].length() != 3 || !Text.digits(parts[1])) {
            throw new ProtocolException("reply is not HTTP (status line '" + printable(statusLine) + "')");
        }
        status = Integer.parseInt(parts[1]);
        http10 = parts[0].equals("HTTP/1.0");
        bytes.reset();
        recent = 0;
        if (status >= 100 && status < 200) {
            return; // an interim reply: the real one follows
        }
        for (String line : lines.subList(1, lines.size())) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
            }
        }
        done = true;
    }

    /** At most 80 printable characters of a server's text, for a one-line message. */
    public static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < 80; i++) {
            char c = s.charAt(i);
            b.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return b.toString();
    }
}
