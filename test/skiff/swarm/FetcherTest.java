package skiff.swarm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import skiff.bencode.Dicts;
import skiff.bencode.Encoder;
import skiff.loop.Clock;
import skiff.loop.EventLoop;
import skiff.metainfo.Bitfield;
import skiff.metainfo.Metainfo;
import skiff.metainfo.MetainfoParser;
import skiff.peer.PeerConnection;
import skiff.peer.PeerListener;
import skiff.peer.Wire;
import skiff.storage.FileMap;
import skiff.storage.Storage;

/** Request bookkeeping between the picker and the connections: what arrives, what is cancelled, what goes back. */
class FetcherTest {
    private EventLoop loop;
    private Metainfo meta;
    private Picker<PeerConnection<PeerState>> picker;
    private Fetcher fetcher;
    private final Map<InetSocketAddress, PeerConnection<PeerState>> connections = new LinkedHashMap<>();
    private Path dir;

    @BeforeEach
    void setUp() throws Exception {
        // 2 pieces of 32 KiB, 2 blocks each; the last piece 20000 bytes
        meta = MetainfoParser.parse(Encoder.encode(Dicts.builder().put("info", Dicts.builder().put("name", "t")
            .put("length", 32768L + 20000).put("piece length", 32768).put("pieces", new byte[40]).build()).build()));
        loop = new EventLoop(Clock.system(), w -> { });
        picker = new Picker<>(meta, new Bitfield(2), new SplittableRandom(1));
        dir = Files.createTempDirectory("fetcher");
        fetcher = new Fetcher(picker, connections.values(), loop::nowMillis, GlobalLimits.none(loop::nowMillis));
    }

    @AfterEach
    void tearDown() throws Exception {
        loop.closeAll();
        Files.deleteIfExists(dir);
    }

    /** A connection that never connects: its sends stay queued, which is what the test reads. */
    @SuppressWarnings("unchecked")
    private PeerConnection<PeerState> peer(int port) throws Exception {
        PeerListener<PeerState> quiet = (PeerListener<PeerState>) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[] {PeerListener.class}, (proxy, method, args) -> method.getReturnType() == boolean.class ? false : null);
        InetSocketAddress a = new InetSocketAddress("127.0.0.1", port);
        PeerConnection<PeerState> c = new PeerConnection<>(loop, new skiff.sim.MemoryLink(loop, 1, 1).a, a, true, meta, quiet, null, new PeerState());
        c.peerPieces().set(0);
        c.peerPieces().set(1);
        connections.put(a, c);
        return c;
    }

    /** Asks {@code c} for what the picker gives it, as a fill does; returns the blocks as "piece/begin". */
    private List<String> ask(PeerConnection<PeerState> c) {
        PeerState s = c.state();
        List<String> asked = new ArrayList<>();
        picker.pick(c.peerPieces(), 10, s::has, (piece, begin, length) -> {
            s.requests.add(Picker.key(piece, Picker.blockOf(begin)), loop.nowMillis());
            asked.add(piece + "/" + begin);
        }, c);
        return asked;
    }

    private static boolean asked(PeerConnection<PeerState> c, int piece, int begin) {
        return c.state().has(Picker.key(piece, Picker.blockOf(begin)));
    }

    @Test
    void onlyABlockAskedOfThatPeerInItsRightLengthIsTaken() throws Exception {
        PeerConnection<PeerState> a = peer(1001);
        assertFalse(fetcher.starting(a, 0, 0, Wire.BLOCK_BYTES), "never asked");
        assertEquals(4, ask(a).size());
        assertFalse(fetcher.starting(a, 1, 16384, 100), "the last block is 3616 bytes");
        assertFalse(asked(a, 1, 16384), "a malformed block ends its request");
        assertTrue(fetcher.starting(a, 0, 0, Wire.BLOCK_BYTES));
        assertFalse(asked(a, 0, 0));
        assertFalse(fetcher.starting(a, 0, 0, Wire.BLOCK_BYTES), "a second copy is not asked for any more");
        PeerConnection<PeerState> b = peer(1002);
        assertEquals(List.of("1/16384"), ask(b).subList(0, 1), "the malformed block went back to the picker first");
    }

    @Test
    void theLastBlockOfAPieceCompletesIt() throws Exception {
        PeerConnection<PeerState> a = peer(1001);
        ask(a);
        assertTrue(fetcher.starting(a, 0, 0, Wire.BLOCK_BYTES));
        assertFalse(fetcher.received(a, 0, 0, Wire.BLOCK_BYTES));
        assertTrue(fetcher.starting(a, 0, 16384, Wire.BLOCK_BYTES));
        assertTrue(fetcher.received(a, 0, 16384, Wire.BLOCK_BYTES));
    }

    @Test
    void inEndgameABlockThatArrivesIsCancelledAtTheOthers() throws Exception {
        PeerConnection<PeerState> a = peer(1001);
        PeerConnection<PeerState> b = peer(1002);
        assertEquals(4, ask(a).size());
        assertEquals(4, ask(b).size(), "endgame: everything again from the second peer");
        int queued = b.queuedSendBytes();
        assertTrue(fetcher.starting(a, 0, 0, Wire.BLOCK_BYTES));
        fetcher.received(a, 0, 0, Wire.BLOCK_BYTES);
        assertFalse(asked(b, 0, 0), "the duplicate request is dropped");
        assertEquals(queued + 17, b.queuedSendBytes(), "and a cancel (17 bytes) goes to that peer");
        assertTrue(asked(b, 0, 16384));
        assertFalse(fetcher.starting(b, 0, 0, Wire.BLOCK_BYTES), "a late copy is discarded");
    }

    @Test
    void aBlockCutOffMidwayGoesToTheNextPeer() throws Exception {
        PeerConnection<PeerState> a = peer(1001);
        assertEquals(4, ask(a).size());
        assertTrue(fetcher.starting(a, 0, 0, Wire.BLOCK_BYTES)); // its payload is coming, off the request list
        fetcher.abandoned(0, 0); // and then the connection closed mid-block
        fetcher.release(a);
        connections.remove(a.address());
        assertTrue(ask(peer(1002)).contains("0/0"));
        assertFalse(picker.askedOfOthers(0, 0), "asked of the new peer alone, not counted for the closed one too");
    }

    @Test
    void aChokeOrACloseGivesEveryRequestBack() throws Exception {
        PeerConnection<PeerState> a = peer(1001);
        assertEquals(4, ask(a).size());
        fetcher.release(a);
        assertTrue(a.state().requests.isEmpty());
        connections.remove(a.address());
        PeerConnection<PeerState> b = peer(1002);
        assertEquals(4, ask(b).size(), "all four go to the next peer");
        assertEquals(0, picker.pick(b.peerPieces(), 10, k -> true, (p, o, l) -> { }, b), "and no more than once");
    }
}
