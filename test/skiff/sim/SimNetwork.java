package skiff.sim;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import skiff.loop.EventLoop;
import skiff.peer.PeerStream;
import skiff.swarm.PeerNetwork;

/**
 * The download's network in the simulation: each known address is a scripted peer reached over a
 * {@link MemoryLink}; any other address refuses. Every dial makes a new link and a new peer, as a
 * reconnect to a real client would.
 */
final class SimNetwork implements PeerNetwork {
    /** How a peer at an address is made for each connection, over the far end of its link. */
    record Host(double bytesPerMilli, long latencyMillis, Function<PeerStream, ScriptedPeer> peer) {
    }

    private final EventLoop loop;
    private final Map<InetSocketAddress, Host> hosts = new HashMap<>();
    final Map<InetSocketAddress, Integer> dials = new HashMap<>();
    private boolean closed;
    private Acceptor acceptor;

    SimNetwork(EventLoop loop) {
        this.loop = loop;
    }

    void host(InetSocketAddress address, Host host) {
        hosts.put(address, host);
    }

    @Override
    public void listen(Acceptor acceptor) {
        this.acceptor = acceptor;
    }

    /** A scripted peer at {@code from} dials the download (once it listens); false if it does not listen yet or any more. */
    boolean dialIn(InetSocketAddress from, Host h) throws IOException {
        if (acceptor == null || closed) {
            return false;
        }
        MemoryLink link = new MemoryLink(loop, h.bytesPerMilli(), h.latencyMillis());
        link.a.acceptConnected();
        link.b.acceptConnected();
        ScriptedPeer peer = h.peer().apply(link.b);
        peer.dialsIn();
        peer.start();
        acceptor.accepted(link.a, from);
        return true;
    }

    @Override
    public PeerStream dial(InetSocketAddress address) throws IOException {
        dials.merge(address, 1, Integer::sum);
        Host h = hosts.get(address);
        MemoryLink link = new MemoryLink(loop, h == null ? 1 : h.bytesPerMilli(), h == null ? 20 : h.latencyMillis());
        if (h == null) {
            link.b.refuse();
            return link.a;
        }
        link.b.acceptConnected();
        h.peer().apply(link.b).start();
        return link.a;
    }

    @Override
    public int port() {
        return 6881;
    }

    @Override
    public void close() {
        closed = true;
    }

    boolean closed() {
        return closed;
    }
}
