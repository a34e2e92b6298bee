package skiff.swarm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
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
import skiff.peer.PeerStream;
import skiff.testutil.StubStream;

/** A download's web seeds: dialled at once, again after a failure with a doubling wait, never once banned. */
class WebSeedsTest {
    private final EventLoop loop;
    private final Metainfo meta;
    private final List<String> warnings = new ArrayList<>();
    private final List<String> opened = new ArrayList<>();
    private final List<PeerConnection<PeerState>> connections = new ArrayList<>();

    WebSeedsTest() throws Exception {
        loop = new EventLoop(Clock.system(), w -> { });
        meta = MetainfoParser.parse(Encoder.encode(Dicts.builder().put("info", Dicts.builder().put("name", "t")
            .put("length", 32768L).put("piece length", 32768).put("pieces", new byte[20]).build()).build()));
    }

    @AfterEach
    void tearDown() {
        loop.closeAll();
    }

    private WebSeeds seeds(List<String> urls) {
        Events events = (Events) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Events.class},
            (p, m, a) -> {
                if (m.getName().equals("warn")) {
                    warnings.add((String) a[0]);
                }
                return m.getReturnType() == boolean.class ? false : null;
            });
        PeerNetwork network = new PeerNetwork() {
            @Override
            public void listen(Acceptor acceptor) {
            }

            @Override
            public PeerStream dial(InetSocketAddress address) throws IOException {
                throw new IOException("no");
            }

            @Override
            public PeerStream webSeed(String url, Metainfo m) throws IOException {
                if (url.startsWith("ftp")) {
                    throw new IllegalArgumentException("not an http(s) URL with a host");
                }
                opened.add(url);
                return new StubStream();
            }

            @Override
            public int port() {
                return 1;
            }

            @Override
            public void close() {
            }
        };
        return new WebSeeds(meta, urls, network, events);
    }

    @SuppressWarnings("unchecked")
    private PeerConnection<PeerState> open(PeerStream stream, InetSocketAddress a) {
        PeerListener<PeerState> quiet = (PeerListener<PeerState>) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[] {PeerListener.class}, (p, m, args) -> m.getReturnType() == boolean.class ? false : null);
        assertTrue(a.isUnresolved(), "a web seed is known by its URL, never by an address a peer could have");
        PeerConnection<PeerState> c = new PeerConnection<>(loop, stream, a, true, meta, quiet, null, new PeerState());
        connections.add(c);
        return c;
    }

    @Test
    void aFailingSeedIsTriedAgainAfterADoublingWaitAndABannedOneNever() {
        WebSeeds s = seeds(List.of("http://a/", "http://b/", "http://a/", "ftp://c/"));
        assertEquals(3, s.size(), "duplicates dropped");
        s.dial(0, this::open);
        assertEquals(List.of("http://a/", "http://b/"), opened);
        assertEquals(List.of("web seed ftp://c/ not used: not an http(s) URL with a host"), warnings);
        s.dial(0, this::open);
        assertEquals(2, opened.size(), "never two connections to one seed");

        PeerConnection<PeerState> a = connections.get(0);
        s.closed(a, CloseReason.IO_ERROR, "x at 0: HTTP 503", 1000);
        assertEquals("web seed http://a/: x at 0: HTTP 503; trying again in 30 s", warnings.get(1));
        s.dial(1000 + WebSeeds.FIRST_RETRY_MILLIS - 1, this::open);
        assertEquals(2, opened.size());
        s.dial(1000 + WebSeeds.FIRST_RETRY_MILLIS, this::open);
        assertEquals(3, opened.size());
        s.closed(connections.get(2), CloseReason.IO_ERROR, "x at 0: HTTP 503", 40_000);
        assertEquals(2, warnings.size(), "the same trouble is said once");
        s.dial(40_000 + 2 * WebSeeds.FIRST_RETRY_MILLIS - 1, this::open);
        assertEquals(3, opened.size(), "the wait doubled");
        s.dial(40_000 + 2 * WebSeeds.FIRST_RETRY_MILLIS, this::open);
        assertEquals(4, opened.size());

        s.closed(connections.get(1), CloseReason.BANNED, null, 50_000);
        s.dial(Long.MAX_VALUE - 1, this::open);
        assertEquals(List.of("http://a/", "http://b/", "http://a/", "http://a/"), opened, "b is banned");
        s.closed(new PeerConnection<>(loop, new StubStream(), new InetSocketAddress("127.0.0.1", 1), true, meta, null, null,
            new PeerState()), CloseReason.IO_ERROR, "a peer", 60_000);
        assertSame(4, opened.size(), "a peer's close is not a web seed's");
    }
}
