package skiff.testutil;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A tiny HTTP server on 127.0.0.1 for tests: for each request line it writes whatever the script
 * returns (raw bytes, any framing, hostile or not); a null answer means hold the connection
 * silently until the test ends.
 */
public final class ScriptedHttpServer implements AutoCloseable {
    /** Writes a response to the socket; may stream, stall or close as it likes. */
    public interface Script {
        void answer(String requestLine, OutputStream out) throws IOException, InterruptedException;
    }

    public final List<String> requests = new CopyOnWriteArrayList<>();
    private final ServerSocket server;
    private final Thread thread;
    private final List<Socket> open = new CopyOnWriteArrayList<>();

    public ScriptedHttpServer(Script script) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        thread = new Thread(() -> serve(script), "scripted-http");
        thread.setDaemon(true);
        thread.start();
    }

    public static ScriptedHttpServer replying(Function<String, byte[]> responses) throws IOException {
        return new ScriptedHttpServer((line, out) -> {
            byte[] r = responses.apply(line);
            if (r != null) {
                out.write(r);
                out.flush();
            }
        });
    }

    public int port() {
        return server.getLocalPort();
    }

    public String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    private void serve(Script script) {
        for (int i = 0; i < 1000 && !server.isClosed(); i++) { // bounded
            try {
                Socket s = server.accept();
                open.add(s);
                String line = readHead(s.getInputStream());
                requests.add(line);
                script.answer(line, s.getOutputStream());
                if (!line.contains("/hold")) {
                    s.close();
                }
            } catch (IOException | InterruptedException e) {
                return;
            }
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        int state = 0;
        while (state < 4 && (c = in.read()) >= 0 && b.size() < 65536) {
            b.write(c);
            state = (c == '\r' || c == '\n') ? state + 1 : 0;
        }
        String head = b.toString(StandardCharsets.ISO_8859_1);
        int eol = head.indexOf('\r');
        return eol < 0 ? head : head.substring(0, eol);
    }

    public static byte[] ok(String body) {
        return ("HTTP/1.1 200 OK\r\nContent-Length: " + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException, InterruptedException {
        server.close();
        for (Socket s : open) {
            s.close();
        }
        thread.join(5000);
    }
}
