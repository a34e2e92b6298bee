package skiff.swarm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import skiff.bencode.Dicts;
import skiff.bencode.Encoder;
import skiff.loop.Clock;
import skiff.loop.EventLoop;
import skiff.metainfo.Metainfo;
import skiff.metainfo.MetainfoParser;
import skiff.peer.CloseReason;
import skiff.peer.PeerConnection;
import skiff.peer.PeerListener;
import skiff.peer.Wire;

/** Who may stay after a handshake: not ourselves, not a banned peer under another port. */
class AdmissionTest {
    private static final byte[] OUR_ID = id('s');
    private EventLoop loop;
    private Metainfo meta;
    private final Map<InetSocketAddress, PeerConnection<PeerState>> connections = new LinkedHashMap<>();
    private final PeerSet peers = new PeerSet(6881);
    private final List<String> said = new ArrayList<>();
    private Admission admission;

    @BeforeEach
    void setUp() throws Exception {
        meta = MetainfoParser.parse(Encoder.encode(Dicts.builder().put("info", Dicts.builder().put("name", "t")
            .put("length", 32768L).put("piece length", 32768).put("pieces", new byte[20]).build()).build()));
        loop = new EventLoop(Clock.system(), w -> { });
        Events events = (Events) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Events.class},
            (proxy, method, args) -> {
                if (args != null && args.length == 1 && args[0] instanceof String s) {
                    said.add(method.getName() + ": " + s);
                }
                return method.getReturnType() == boolean.class ? false : null;
            });
        admission = new Admission(OUR_ID, peers, connections, events);
    }

    @AfterEach
    void tearDown() throws Exception {
        loop.closeAll();
    }

    private static byte[] id(char c) {
        byte[] b = new byte[20];
        Arrays.fill(b, (byte) c);
        return b;
    }

    @SuppressWarnings("unchecked")
    private PeerConnection<PeerState> peer(int port, byte[] peerId) throws Exception {
        PeerListener<PeerState> quiet = (PeerListener<PeerState>) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[] {PeerListener.class}, (proxy, method, args) -> method.getReturnType() == boolean.class ? false : null);
        InetSocketAddress a = new InetSocketAddress("127.0.0.1", port);
        // an incoming connection over memory whose peer sends its handshake with that id
        skiff.sim.MemoryLink link = new skiff.sim.MemoryLink(loop, 1000, 0);
        link.a.acceptConnected();
        link.b.acceptConnected();
        PeerConnection<PeerState> c = new PeerConnection<>(loop, link.a, a, false, meta, quiet, null, new PeerState());
        c.register(Wire.handshake(meta.infoHash(), OUR_ID, new byte[8]).array());
        link.b.start(new skiff.peer.PeerStream.Events() {
            public void connected() { }

            public void connectFailed(String why) { }

            public void readable() { }

            public void writable() { }

            public void closed(Throwable cause) { }
        });
        link.b.write(Wire.handshake(meta.infoHash(), peerId, new byte[8]));
        for (int i = 0; i < 100 && c.peerId() == null; i++) {
            loop.runOnce(10);
        }
        assertTrue(Arrays.equals(peerId, c.peerId()), "the handshake came through");
        connections.put(a, c);
        return c;
    }

    @Test
    void ourOwnIdIsRefusedAndItsAddressNeverDialledAgain() throws Exception {
        PeerConnection<PeerState> c = peer(7000, OUR_ID);
        assertEquals(CloseReason.SELF, admission.refuse(c, OUR_ID));
        assertTrue(peers.banned(c.address()));
    }

    @Test
    void aBannedPeerIsRefusedWhenItComesBackFromAnotherPort() throws Exception {
        PeerConnection<PeerState> bad = peer(7001, id('b'));
        PeerConnection<PeerState> other = peer(7002, id('o'));
        assertNull(admission.refuse(bad, id('b')));
        admission.ban(bad.address());
        assertTrue(bad.isClosed());
        assertFalse(other.isClosed());
        assertTrue(peers.banned(bad.address()));
        assertEquals(List.of("info: banned 127.0.0.1:7001: sent corrupt data"), said);
        connections.remove(bad.address());
        PeerConnection<PeerState> back = peer(7003, id('b'));
        assertEquals(CloseReason.BANNED, admission.refuse(back, id('b')));
        assertNull(admission.refuse(other, id('o')));
        admission.ban(bad.address()); // a second verdict on the same peer says nothing more
        assertEquals(1, said.size());
    }
}
