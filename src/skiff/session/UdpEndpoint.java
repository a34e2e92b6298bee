package skiff.session;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import skiff.loop.EventLoop;
import skiff.loop.Handler;

/**
 * The session's one UDP socket, on the peer port (as libtorrent and Transmission do): not
 * connected, shared by the DHT and uTP. A datagram starting with 'd' is a bencoded KRPC message
 * (BEP 5); anything else goes to uTP (BEP 29, whose first byte is type and version). Until a
 * receiver is set, datagrams are counted and dropped. Loop thread only.
 */
public final class UdpEndpoint implements Handler {
    /** Takes one datagram; {@code datagram} is reused after the call returns. */
    public interface Receiver {
        void received(ByteBuffer datagram, InetSocketAddress from);
    }

    /**
     * Larger than any KRPC message or uTP packet a real client sends (both stay under the path
     * MTU); a datagram that fills it was cut short by the kernel and is dropped.
     */
    static final int MAX_DATAGRAM_BYTES = 4096;
    /** Datagrams read per readiness event, so that a flood cannot hold the loop. */
    static final int DATAGRAMS_PER_TURN = 64;

    private final EventLoop loop;
    private final DatagramChannel channel;
    private final ByteBuffer in = ByteBuffer.allocate(MAX_DATAGRAM_BYTES);
    private SelectionKey key;
    private Receiver krpc;
    private Receiver utp;
    private long dropped;

    private UdpEndpoint(EventLoop loop, DatagramChannel channel) {
        this.loop = loop;
        this.channel = channel;
    }

    /** Binds {@code address} and starts receiving. */
    static UdpEndpoint open(EventLoop loop, InetSocketAddress address) throws IOException {
        DatagramChannel ch = DatagramChannel.open();
        try {
            ch.configureBlocking(false);
            ch.bind(address);
            UdpEndpoint u = new UdpEndpoint(loop, ch);
            u.key = loop.register(ch, SelectionKey.OP_READ, u);
            return u;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    public int port() {
        return channel.socket().getLocalPort();
    }

    /** Where KRPC (DHT) datagrams go. */
    public void krpc(Receiver r) {
        this.krpc = r;
    }

    /** Where every other datagram goes (uTP). */
    public void utp(Receiver r) {
        this.utp = r;
    }

    /** Sends one datagram now; false when the kernel had no room (UDP may drop; callers retransmit). */
    public boolean send(ByteBuffer datagram, InetSocketAddress to) throws IOException {
        return channel.send(datagram, to) > 0;
    }

    /** Datagrams no one took: no receiver yet, empty, or too large. */
    public long dropped() {
        return dropped;
    }

    @Override
    public void ready(SelectionKey k) throws IOException {
        for (int i = 0; i < DATAGRAMS_PER_TURN; i++) {
            in.clear();
            InetSocketAddress from = (InetSocketAddress) channel.receive(in);
            if (from == null) {
                return;
            }
            in.flip();
            Receiver r = !in.hasRemaining() || in.limit() == MAX_DATAGRAM_BYTES ? null : in.get(0) == 'd' ? krpc : utp;
            if (r == null) {
                dropped++;
            } else {
                r.received(in, from);
            }
        }
    }

    @Override
    public void closed(Throwable cause) {
        // the loop is stopping, or the socket failed: the DHT and uTP lose their socket either way
    }

    void close() {
        if (key != null) {
            loop.close(key, null);
        }
    }
}
