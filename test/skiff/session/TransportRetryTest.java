package skiff.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import skiff.peer.PeerStream;
import skiff.testutil.StubStream;

/** One transport that cannot connect gives way to the other, once; the connection above hears one outcome. */
class TransportRetryTest {
    /** A stream whose connect outcome the test decides, through the events it was started with. */
    private static final class Stub extends StubStream {
        final String name;

        Stub(String name) {
            this.name = name;
        }

        @Override
        public boolean connected() {
            return false;
        }

        @Override
        public String transport() {
            return name;
        }
    }

    /** What the connection above hears. */
    private static final class Heard implements PeerStream.Events {
        final List<String> said = new ArrayList<>();

        @Override
        public void connected() {
            said.add("connected");
        }

        @Override
        public void connectFailed(String why) {
            said.add("failed: " + why);
        }

        @Override
        public void readable() {
            said.add("readable");
        }

        @Override
        public void writable() {
        }

        @Override
        public void closed(Throwable cause) {
            said.add("closed");
        }
    }

    @Test
    void tcpThatCannotConnectGivesWayToUtp() throws Exception {
        Stub tcp = new Stub("tcp");
        Stub utp = new Stub("utp");
        TransportRetry r = new TransportRetry(tcp, () -> utp);
        Heard up = new Heard();
        r.start(up);
        tcp.events.connectFailed("Connection refused");
        assertTrue(tcp.released);
        assertEquals(List.of(), up.said, "the first failure is not the connection's");
        utp.events.connected();
        tcp.events.readable(); // the given-up attempt is not heard
        assertEquals(List.of("connected"), up.said);
        assertEquals("utp (second try)", r.transport());
    }

    @Test
    void bothFailingIsOneFailureNamingBoth() throws Exception {
        Stub utp = new Stub("utp");
        Stub tcp = new Stub("tcp");
        TransportRetry r = new TransportRetry(utp, () -> tcp);
        Heard up = new Heard();
        r.start(up);
        utp.events.connectFailed("no uTP answer");
        tcp.events.connectFailed("Connection refused");
        assertEquals(List.of("failed: utp: no uTP answer; tcp: Connection refused"), up.said);
        assertFalse(tcp.released);
    }

    @Test
    void aConnectedFirstTryIsKept() throws Exception {
        Stub tcp = new Stub("tcp");
        TransportRetry r = new TransportRetry(tcp, () -> {
            throw new AssertionError("no second dial");
        });
        Heard up = new Heard();
        r.start(up);
        tcp.events.connected();
        assertEquals(List.of("connected"), up.said);
        assertEquals("tcp", r.transport());
    }
}
