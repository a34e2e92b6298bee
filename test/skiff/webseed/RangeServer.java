package skiff.webseed;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small HTTP/1.1 file server on 127.0.0.1 for the web seed tests: range requests answered from
 * memory, on keep-alive connections or closing after each reply, and any reply replaced by a
 * script's (redirects, errors, short bodies).
 */
final class RangeServer implements AutoCloseable {
    /** A reply of the test's own for the {@code n}th request (from 0), or null for the honest one. */
    interface Script {
        byte[] answer(int n, String path, long first, long last);
    }

    private static final Pattern REQUEST = Pattern.compile("GET (\\S+) HTTP/1\\.1\\r\\n(?s).*Range: bytes=(\\d+)-(\\d+)\\r\\n.*");

    final List<String> requests = new CopyOnWriteArrayList<>();
    final AtomicInteger connections = new AtomicInteger();
    private final Map<String, byte[]> files;
    private final boolean keepAlive;
    private final Script script;
    private final ServerSocket server;
    private final List<Socket> open = new CopyOnWriteArrayList<>();

    RangeServer(Map<String, byte[]> files, boolean keepAlive, Script script) throws IOException {
        this.files = files;
        this.keepAlive = keepAlive;
        this.script = script;
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::accept, "range-server");
        t.setDaemon(true);
        t.start();
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getLocalPort() + path;
    }

    private void accept() {
        for (int i = 0; i < 200 && !server.isClosed(); i++) { // bounded
            try {
                Socket s = server.accept();
                open.add(s);
                connections.incrementAndGet();
                Thread t = new Thread(() -> serve(s), "range-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            for (int i = 0; i < 10_000; i++) { // bounded
                String head = head(s.getInputStream());
                if (head == null) {
                    return;
                }
                int n = requests.size();
                requests.add(head.substring(0, head.indexOf('\r')));
                Matcher m = REQUEST.matcher(head);
                if (!m.matches()) {
                    return;
                }
                String path = m.group(1);
                long first = Long.parseLong(m.group(2));
                long last = Long.parseLong(m.group(3));
                byte[] custom = script == null ? null : script.answer(n, path, first, last);
                OutputStream out = s.getOutputStream();
                out.write(custom != null ? custom : honest(path, first, last));
                out.flush();
                if (!keepAlive || custom != null) {
                    return;
                }
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    private byte[] honest(String path, long first, long last) {
        byte[] f = files.get(path);
        if (f == null) {
            return "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
        }
        byte[] head = ("HTTP/1.1 206 Partial Content\r\nContent-Range: bytes " + first + "-" + last + "/" + f.length
            + "\r\nContent-Length: " + (last - first + 1) + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(head);
        b.write(f, (int) first, (int) (last - first + 1));
        return b.toByteArray();
    }

    private static String head(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4 && b.size() < 65536) {
            int c = in.read();
            if (c < 0) {
                return null;
            }
            b.write(c);
            state = c == '\r' || c == '\n' ? state + 1 : 0;
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : open) {
            s.close();
        }
    }
}
