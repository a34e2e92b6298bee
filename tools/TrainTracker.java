import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The tracker of tools/cds-train.sh's training download: on 127.0.0.1, HTTP and UDP (BEP 15) on
 * one port number, every announce answered with one peer, the training seeder. With it the training
 * walks the announce paths a real download takes, so their classes are in the class-data archive.
 * Usage: java tools/TrainTracker.java PORT PEER_PORT (runs until killed). A build tool, not skiff.
 */
public class TrainTracker {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int peerPort = Integer.parseInt(args[1]);
        InetAddress lo = InetAddress.getByName("127.0.0.1");
        byte[] peer = {127, 0, 0, 1, (byte) (peerPort >> 8), (byte) peerPort};
        DatagramSocket udp = new DatagramSocket(new InetSocketAddress(lo, port));
        Thread t = new Thread(() -> udp(udp, peer));
        t.setDaemon(true);
        t.start();
        try (ServerSocket http = new ServerSocket(port, 16, lo)) {
            while (true) {
                try (Socket s = http.accept()) {
                    s.setSoTimeout(5000);
                    readHead(s.getInputStream());
                    ByteArrayOutputStream body = new ByteArrayOutputStream();
                    body.write("d8:completei1e10:incompletei1e8:intervali1800e5:peers6:".getBytes(StandardCharsets.US_ASCII));
                    body.write(peer);
                    body.write('e');
                    OutputStream out = s.getOutputStream();
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + body.size()
                        + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    body.writeTo(out);
                    out.flush();
                } catch (java.io.IOException e) {
                    // that client went away: the next
                }
            }
        }
    }

    private static void readHead(InputStream in) throws java.io.IOException {
        int matched = 0;
        for (int i = 0; i < 16384 && matched < 4; i++) {
            int b = in.read();
            if (b < 0) {
                return;
            }
            matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
    }

    private static void udp(DatagramSocket socket, byte[] peer) {
        byte[] in = new byte[2048];
        while (true) {
            try {
                DatagramPacket p = new DatagramPacket(in, in.length);
                socket.receive(p);
                ByteBuffer q = ByteBuffer.wrap(in, 0, p.getLength());
                if (p.getLength() < 16) {
                    continue;
                }
                long connection = q.getLong();
                int action = q.getInt();
                int transaction = q.getInt();
                ByteBuffer a = ByteBuffer.allocate(20 + peer.length);
                if (action == 0 && connection == 0x41727101980L) { // connect
                    a.putInt(0).putInt(transaction).putLong(0x5eed5eed5eedL);
                } else if (action == 1 && p.getLength() >= 98) { // announce
                    a.putInt(1).putInt(transaction).putInt(1800).putInt(1).putInt(1).put(peer);
                } else {
                    continue;
                }
                socket.send(new DatagramPacket(a.array(), a.position(), p.getSocketAddress()));
            } catch (java.io.IOException e) {
                return;
            }
        }
    }
}
