package skiff.utp;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;
import skiff.loop.EventLoop;
import skiff.loop.Timer;
import skiff.peer.PeerStream;

/**
 * uTP (BEP 29) on the session's UDP socket: the connections by peer address and connection id,
 * incoming SYNs accepted (up to {@link #MAX_SOCKETS}), dials, one timer for every connection's
 * timeouts, and acks deferred to the end of the batch of datagrams at hand. A packet for no
 * connection is answered with a RESET, at most {@link #RESETS_PER_TICK} per tick. Loop thread only.
 */
public final class UtpEndpoint {
    /** Where datagrams go: the shared UDP socket. */
    public interface Datagrams {
        /** False when the kernel had no room (the packet is lost; uTP sends it again). */
        boolean send(ByteBuffer datagram, InetSocketAddress to) throws IOException;
    }

    /** Who takes an incoming connection (the session's router). */
    public interface Acceptor {
        void accepted(PeerStream stream, InetSocketAddress from);
    }

    /** Connections at once, incoming and outgoing; further SYNs are refused. */
    static final int MAX_SOCKETS = 512;
    static final long TICK_MILLIS = 100;
    static final int RESETS_PER_TICK = 8;
    /** A header, a selective ack of 32 bytes and a payload. */
    static final int PACKET_BUFFER_BYTES = UtpPacket.HEADER_BYTES + 2 + Reorder.MAX_SACK_BYTES + Sender.PACKET_PAYLOAD;

    /**
     * A connection's key. Keys in the map never change; {@link #probe} alone is set again for each
     * datagram's lookup, so receiving allocates none.
     */
    private static final class Key {
        private InetSocketAddress peer;
        private int id;

        Key(InetSocketAddress peer, int id) {
            this.peer = peer;
            this.id = id;
        }

        InetSocketAddress peer() {
            return peer;
        }

        Key set(InetSocketAddress peer, int id) {
            this.peer = peer;
            this.id = id;
            return this;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.id == id && k.peer.equals(peer);
        }

        @Override
        public int hashCode() {
            return peer.hashCode() * 31 + id;
        }
    }

    private final EventLoop loop;
    private final Datagrams datagrams;
    private final LongSupplier micros;
    private final RandomGenerator random;
    private final Map<Key, UtpSocket> sockets = new HashMap<>();
    private final Key probe = new Key(null, 0);
    private final UtpPacket packet = new UtpPacket();
    private final ByteBuffer outBuffer = ByteBuffer.allocate(PACKET_BUFFER_BYTES);
    private final List<UtpSocket> acksDue = new ArrayList<>();
    private final Runnable flushAcks = this::flushAcks;
    private final ReceiveBudget budget = new ReceiveBudget();
    private Acceptor acceptor;
    private Timer tick;
    private int resetsLeft = RESETS_PER_TICK;
    private long malformed;
    private long refused;
    private long accepted;
    private long sendFailures;

    /** {@code micros}: a monotonic clock in microseconds (the packets' timestamps). */
    public UtpEndpoint(EventLoop loop, Datagrams datagrams, LongSupplier micros, RandomGenerator random) {
        this.loop = loop;
        this.datagrams = datagrams;
        this.micros = micros;
        this.random = random;
    }

    /** Incoming connections go to {@code a} from now on; before, SYNs are refused. */
    public void listen(Acceptor a) {
        this.acceptor = a;
    }

    /** An outgoing uTP stream to {@code to}; it sends its SYN when started. */
    public PeerStream dial(InetSocketAddress to) {
        return new UtpStream(this, to);
    }

    EventLoop loop() {
        return loop;
    }

    /** Received bytes held by the open connections together. */
    long heldBytes() {
        return budget.held();
    }

    /** Connections open now. */
    public int connections() {
        return sockets.size();
    }

    /** Counts for the debug log: datagrams refused as malformed, SYNs refused, connections accepted, sends the kernel dropped. */
    public String summary() {
        return "accepted=" + accepted + " refused=" + refused + " malformed=" + malformed + " send_failures=" + sendFailures;
    }

    /** Opens a connection for {@code stream}; null when the endpoint is full. */
    UtpSocket open(InetSocketAddress to, UtpStream stream) {
        if (sockets.size() >= MAX_SOCKETS) {
            return null;
        }
        int id;
        do {
            id = random.nextInt(0x10000);
        } while (sockets.containsKey(probe.set(to, id)));
        Key key = new Key(to, id);
        UtpSocket s = UtpSocket.dial(new PeerLink(key), id, random.nextInt(0x10000));
        s.listener(stream);
        sockets.put(key, s);
        startTicking();
        return s;
    }

    /** Resets every connection and stops: the session is closing. */
    public void close() {
        acceptor = null;
        for (UtpSocket s : List.copyOf(sockets.values())) {
            s.abort();
        }
        if (tick != null) {
            tick.cancel();
            tick = null;
        }
    }

    /** One datagram that is not KRPC: the UDP endpoint reuses it after the call. */
    public void received(ByteBuffer datagram, InetSocketAddress from) {
        String why = packet.parse(datagram);
        if (why != null) {
            malformed++;
            return;
        }
        if (packet.type == UtpPacket.ST_SYN) {
            syn(from);
            return;
        }
        UtpSocket s = sockets.get(probe.set(from, packet.connectionId));
        if (s != null) {
            deliver(s);
        } else if (packet.type != UtpPacket.ST_RESET) {
            reset(from, packet.connectionId, packet.seq);
        }
    }

    private void syn(InetSocketAddress from) {
        int id = (packet.connectionId + 1) & 0xffff;
        UtpSocket s = sockets.get(probe.set(from, id));
        if (s != null) {
            deliver(s); // a SYN sent again: our answer was lost
            return;
        }
        if (acceptor == null || sockets.size() >= MAX_SOCKETS) {
            refused++;
            reset(from, packet.connectionId, packet.seq);
            return;
        }
        Key key = new Key(from, id);
        s = UtpSocket.accept(new PeerLink(key), packet, random.nextInt(0x10000));
        sockets.put(key, s);
        accepted++;
        startTicking();
        acceptor.accepted(new UtpStream(this, s, from), from);
    }

    private void deliver(UtpSocket s) {
        try {
            s.received(packet);
        } catch (RuntimeException e) {
            // a bug in this connection's handling: it goes, the shared socket and the others stay
            s.abort();
            loop.execute(() -> {
                throw e;
            });
        }
    }

    private void reset(InetSocketAddress to, int connectionId, int seq) {
        if (resetsLeft == 0) {
            return;
        }
        resetsLeft--;
        startTicking();
        ByteBuffer b = packetBuffer();
        UtpPacket.header(b, UtpPacket.ST_RESET, connectionId, (int) micros.getAsLong(), 0, 0,
                random.nextInt(0x10000), seq, null, 0);
        b.flip();
        send(b, to);
    }

    private ByteBuffer packetBuffer() {
        outBuffer.clear();
        return outBuffer;
    }

    private void send(ByteBuffer b, InetSocketAddress to) {
        try {
            if (!datagrams.send(b, to)) {
                sendFailures++;
            }
        } catch (IOException e) {
            sendFailures++; // unreachable for now: the timeouts decide about the connection
        }
    }

    private void startTicking() {
        if (tick == null) {
            tick = loop.schedule(TICK_MILLIS, this::tick);
        }
    }

    private void tick() {
        tick = null;
        resetsLeft = RESETS_PER_TICK;
        for (UtpSocket s : List.copyOf(sockets.values())) {
            try {
                s.tick();
            } catch (RuntimeException e) {
                s.abort();
                throw e;
            }
        }
        if (!sockets.isEmpty()) {
            startTicking();
        }
    }

    private void flushAcks() {
        for (int i = 0; i < acksDue.size(); i++) { // by index: no iterator per batch of datagrams
            UtpSocket s = acksDue.get(i);
            if (s.ackQueued()) {
                s.sendAck();
            }
        }
        acksDue.clear();
    }

    /** One connection's way out: its peer's address, and its key to be forgotten by. */
    private final class PeerLink implements UtpSocket.Link {
        private final Key key;

        PeerLink(Key key) {
            this.key = key;
        }

        @Override
        public ByteBuffer packetBuffer() {
            return UtpEndpoint.this.packetBuffer();
        }

        @Override
        public void send(ByteBuffer packet) {
            UtpEndpoint.this.send(packet, key.peer());
        }

        @Override
        public long nowMicros() {
            return micros.getAsLong();
        }

        @Override
        public void ackLater(UtpSocket s) {
            if (acksDue.isEmpty()) {
                loop.execute(flushAcks);
            }
            acksDue.add(s);
        }

        @Override
        public void gone(UtpSocket s) {
            sockets.remove(key, s);
        }

        @Override
        public ReceiveBudget budget() {
            return budget;
        }
    }
}
