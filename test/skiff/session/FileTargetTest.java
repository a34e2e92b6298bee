package skiff.session;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import org.junit.jupiter.api.Test;
import skiff.loop.Clock;
import skiff.loop.EventLoop;
import skiff.peer.TcpStream;

/**
 * Uploads go out by sendfile only when FileChannel.transferTo is handed the socket itself: a
 * wrapper makes the JDK copy each block through an 8 KiB buffer (measured: a seed's CPU went to
 * pread and the copy into the socket). Both streams a peer can come on hand over the socket.
 */
class FileTargetTest {
    @Test
    void tcpAndRoutedStreamsHandTheSocketToTransferTo() throws Exception {
        EventLoop loop = new EventLoop(Clock.system(), w -> { });
        try (ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             SocketChannel dialled = SocketChannel.open(server.getLocalAddress());
             SocketChannel accepted = server.accept()) {
            TcpStream tcp = new TcpStream(loop, accepted);
            assertSame(accepted, tcp.fileTarget(), "a plain TCP stream: the socket");
            RoutedStream routed = new RoutedStream(new Router(loop), tcp, (InetSocketAddress) dialled.getLocalAddress());
            assertSame(accepted, routed.fileTarget(), "an incoming peer's routed stream: the socket beneath");
            assertTrue(dialled.isConnected());
        } finally {
            loop.closeAll();
        }
    }
}
