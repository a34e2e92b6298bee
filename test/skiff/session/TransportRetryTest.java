package skiff.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import skiff.peer.PeerStream;

/** One transport that cannot connect gives way to the other, once; the connection above hears one outcome. */
class TransportRetryTest {
    /** A stream whose connect outcome the test decides. */
    private static final class Stub implements PeerStream {
        final String name;
        Events events;
        boolean released;

        Stub(String name) {
            this.name = name;
        }

        @Override
        public void start(Events e) {
            events = e;
        }

        @Override
        public boolean connected() {
            return false;
        }

        @Override
        public void wantWrite(boolean want) {
        }

        @Override
        public void release() {
            released = true;
        }

        @Override
        public String transport() {
            return name;
        }

        @Override
        public int read(ByteBuffer dst) {
            return 0;
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) {
            return 0;
        }

        @Override
        public int write(ByteBuffer src) {
            return 0;
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) {
            return 0;
        }

        @Override
        public boolean isOpen() {
            return !released;
        }

        @Override
        public void close() {
            released = true;
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
