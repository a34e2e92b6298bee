package skiff.swarm;

import java.io.IOException;
import java.net.InetSocketAddress;
import skiff.peer.PeerStream;

/**
 * Where a download's connections come from and go to: TCP sockets in the client, memory in the
 * swarm simulation. Loop thread only.
 */
public interface PeerNetwork {
    /** Receives each incoming connection with its remote address. */
    interface Acceptor {
        void accepted(PeerStream stream, InetSocketAddress from);
    }

    /** Starts taking incoming connections. */
    void listen(Acceptor acceptor) throws IOException;

    /** A stream to {@code address} whose connect is under way; its events say how it went. */
    PeerStream dial(InetSocketAddress address) throws IOException;

    /**
     * A stream to the web seed (BEP 19) at {@code url} for {@code m}'s files, speaking the peer
     * wire protocol to the connection above it; its HTTP connections open as requests need them.
     */
    default PeerStream webSeed(String url, skiff.metainfo.Metainfo m) throws IOException {
        throw new IOException("web seeds are not reachable from here");
    }

    /** The port we listen on, the one trackers hear. */
    int port();

    /** No more incoming connections. */
    void close();
}
