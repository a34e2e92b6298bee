package skiff.swarm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import skiff.bencode.Dicts;
import skiff.bencode.Encoder;
import skiff.loop.Clock;
import skiff.loop.EventLoop;
import skiff.metainfo.Metainfo;
import skiff.metainfo.MetainfoParser;
import skiff.peer.PeerConnection;
import skiff.peer.PexMessage;
import skiff.testutil.StubStream;

/** BEP 11's flags we tell others of a peer: reachable when we dialled it, uTP and encryption as it spoke to us. */
class PexFlagsTest {
    private final EventLoop loop;
    private final Metainfo meta;

    PexFlagsTest() throws Exception {
        loop = new EventLoop(Clock.system(), w -> { });
        meta = MetainfoParser.parse(Encoder.encode(Dicts.builder().put("info", Dicts.builder().put("name", "t")
            .put("length", 32768L).put("piece length", 32768).put("pieces", new byte[20]).build()).build()));
    }

    @AfterEach
    void tearDown() {
        loop.closeAll();
    }

    private byte flags(String transport, boolean outgoing) {
        StubStream stream = new StubStream() {
            @Override
            public String transport() {
                return transport;
            }
        };
        return Pex.flags(new PeerConnection<>(loop, stream, new InetSocketAddress("127.0.0.1", 6881), outgoing, meta, null, null,
            new PeerState()));
    }

    @Test
    void flagsSayHowThePeerSpokeToUs() {
        assertEquals(0, flags("tcp", false));
        assertEquals(PexMessage.FLAG_REACHABLE, flags("tcp", true));
        assertEquals(PexMessage.FLAG_UTP | PexMessage.FLAG_REACHABLE, flags("utp", true));
        assertEquals(PexMessage.FLAG_UTP | PexMessage.FLAG_ENCRYPTION, flags("utp, encrypted (RC4)", false));
        assertEquals(PexMessage.FLAG_ENCRYPTION, flags("tcp, encrypted handshake, plaintext payload (second try)", false));
    }
}
