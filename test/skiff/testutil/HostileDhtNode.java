package skiff.testutil;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import skiff.bencode.BBytes;
import skiff.bencode.BDict;
import skiff.bencode.BList;
import skiff.bencode.BValue;
import skiff.bencode.Decoder;
import skiff.bencode.Dicts;
import skiff.bencode.Encoder;

/**
 * A DHT node that lies, on a loopback UDP port: to every query it answers with a wrong
 * transaction id, with 40 contacts in `nodes` (more than any honest reply), with the asker's own
 * id, and (every other query) with a well-formed answer whose only peer has port 0. A client must
 * count all of it and carry on.
 */
public final class HostileDhtNode implements AutoCloseable {
    private final DatagramSocket socket;
    private final Thread thread;
    public final AtomicInteger queries = new AtomicInteger();

    public HostileDhtNode() throws IOException {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        socket.setSoTimeout(200);
        thread = new Thread(this::serve, "hostile-dht");
        thread.setDaemon(true);
        thread.start();
    }

    public int port() {
        return socket.getLocalPort();
    }

    private void serve() {
        byte[] buf = new byte[4096];
        while (!socket.isClosed()) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(p);
                byte[] in = java.util.Arrays.copyOf(p.getData(), p.getLength());
                if (!(Decoder.decode(in) instanceof BDict q) || !(q.get("t") instanceof BBytes tid)
                        || !(q.get("a") instanceof BDict a) || !(a.get("id") instanceof BBytes askerId)) {
                    continue;
                }
                int n = queries.incrementAndGet();
                InetSocketAddress to = (InetSocketAddress) p.getSocketAddress();
                byte[] wrongTid = tid.bytes().clone();
                wrongTid[0] ^= (byte) 0xff;
                send(response(wrongTid, random(), Dicts.builder()), to);
                send(response(tid.bytes(), random(), Dicts.builder().put("nodes", new byte[40 * 26])), to);
                send(response(tid.bytes(), askerId.bytes(), Dicts.builder()), to);
                if (n % 2 == 1) {
                    BValue zeroPort = new BBytes(new byte[] {127, 0, 0, 1, 0, 0});
                    send(response(tid.bytes(), random(), Dicts.builder().put("token", "x")
                        .put("values", new BList(List.of(zeroPort)))), to);
                }
            } catch (SocketTimeoutException e) {
                // look again whether we are closed
            } catch (IOException | skiff.bencode.BencodeException e) {
                // closed, or garbage sent to us: ignore
            }
        }
    }

    private static byte[] random() {
        byte[] id = new byte[20];
        new java.util.Random().nextBytes(id);
        return id;
    }

    private static byte[] response(byte[] tid, byte[] id, Dicts r) {
        return Encoder.encode(Dicts.builder().put("t", tid).put("y", "r").put("r", r.put("id", id).build()).build());
    }

    private void send(byte[] b, InetSocketAddress to) throws IOException {
        socket.send(new DatagramPacket(b, b.length, to));
    }

    @Override
    public void close() throws InterruptedException {
        socket.close();
        thread.join(2000);
    }
}
