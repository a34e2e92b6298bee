package skiff.testutil;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketException;

/** Free loopback ports for test servers. */
public final class Ports {
    private Ports() {
    }

    /**
     * A port free for TCP and for UDP alike: skiff, libtorrent and Transmission put their DHT (and
     * uTP) on the UDP twin of their peer port, and a TCP port from the ephemeral range may have its
     * UDP twin taken by some client's outgoing socket (a DHT that never came up).
     */
    public static int free() throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            try (DatagramSocket d = new DatagramSocket(null)) {
                d.bind(new InetSocketAddress(port)); // the wildcard: what a client binds when not told otherwise
                return port;
            } catch (SocketException taken) {
                // its UDP twin is in use: another
            }
        }
        throw new IOException("no port free for both TCP and UDP in 50 tries");
    }
}
