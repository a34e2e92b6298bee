package skiff.portmap;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import skiff.loop.EventLoop;
import skiff.loop.Handler;
import skiff.loop.Timer;

/**
 * Maps the peer port on the default gateway by NAT-PMP (RFC 6886): the outside address and a
 * mapping per protocol asked at once, each retransmitted until answered (section 3.1's 250 ms,
 * doubling; fewer tries than its nine, since UPnP runs beside it), renewed at half the lifetime
 * granted, removed at stop. One socket connected to the gateway, so that only it is heard and a
 * gateway without NAT-PMP shows as an unreachable port. Loop thread only.
 */
final class NatPmpClient implements Handler {
    static final long FIRST_RETRY_MILLIS = 250;
    static final int TRIES = 5;
    /** How long a stop waits for the router to confirm the removal. */
    static final long STOP_MILLIS = 1000;

    private final EventLoop loop;
    private final PortMapper.Listener listener;
    private final int port;
    private final boolean udp;
    private final DatagramChannel channel;
    private final SelectionKey key;
    private final ByteBuffer in = ByteBuffer.allocate(64);
    /** The requests of this round: outside address, TCP, UDP; null once answered. */
    private final byte[][] pending = new byte[3][];
    private InetAddress external;
    private int externalPort;
    private long lifetimeSeconds = Long.MAX_VALUE;
    private int tries;
    private Timer timer;
    private boolean mapped;
    private boolean over;
    private Runnable stopped;

    private NatPmpClient(EventLoop loop, PortMapper.Listener listener, int port, boolean udp, DatagramChannel channel)
            throws IOException {
        this.loop = loop;
        this.listener = listener;
        this.port = port;
        this.udp = udp;
        this.channel = channel;
        this.key = loop.register(channel, SelectionKey.OP_READ, this);
    }

    /** Starts mapping {@code port} (TCP, and UDP when {@code udp}) on {@code gateway}, from {@code local} (null: any). */
    static NatPmpClient start(EventLoop loop, InetAddress gateway, InetAddress local, int port, boolean udp,
                              PortMapper.Listener listener) throws IOException {
        DatagramChannel ch = DatagramChannel.open();
        try {
            ch.configureBlocking(false);
            ch.bind(new InetSocketAddress(local, 0));
            ch.connect(new InetSocketAddress(gateway, NatPmp.SERVER_PORT));
            NatPmpClient c = new NatPmpClient(loop, listener, port, udp, ch);
            c.round(NatPmp.LIFETIME_SECONDS);
            return c;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** Asks for the address and the mappings ({@code lifetime} 0: their removal), then retransmits what is unanswered. */
    private void round(int lifetime) {
        pending[0] = lifetime == 0 ? null : NatPmp.externalAddressRequest();
        pending[1] = NatPmp.mapRequest(true, port, lifetime);
        pending[2] = udp ? NatPmp.mapRequest(false, port, lifetime) : null;
        tries = 0;
        send();
    }

    private void send() {
        if (timer != null) {
            timer.cancel();
        }
        if (tries++ == TRIES) {
            give("the gateway did not answer NAT-PMP");
            return;
        }
        for (byte[] r : pending) {
            if (r != null) {
                try {
                    channel.write(ByteBuffer.wrap(r));
                } catch (IOException e) {
                    give("NAT-PMP: " + e.getMessage());
                    return;
                }
            }
        }
        timer = loop.schedule(FIRST_RETRY_MILLIS << (tries - 1), this::send);
    }

    @Override
    public void ready(SelectionKey k) {
        for (int i = 0; i < 8 && !over; i++) {
            in.clear();
            try {
                if (channel.read(in) <= 0) {
                    return;
                }
            } catch (PortUnreachableException e) {
                give("the gateway does not speak NAT-PMP");
                return;
            } catch (IOException e) {
                give("NAT-PMP: " + e.getMessage());
                return;
            }
            in.flip();
            try {
                answered(NatPmp.parse(in));
            } catch (PortMapException e) {
                listener.debug("NAT-PMP: dropped an answer: " + e.getMessage());
            }
        }
    }

    private void answered(NatPmp.Answer a) {
        int slot = a.op() == NatPmp.OP_EXTERNAL_ADDRESS ? 0 : a.op() == NatPmp.OP_MAP_TCP ? 1 : 2;
        if (pending[slot] == null) {
            return; // a duplicate, or an answer to a request of another round
        }
        if (!a.ok()) {
            give("NAT-PMP: " + NatPmp.words(a.result()));
            return;
        }
        pending[slot] = null;
        if (slot == 0) {
            external = a.external();
        } else if (stopped == null) {
            if (a.internalPort() != port) {
                give("NAT-PMP: the answer maps another port (" + a.internalPort() + ")");
                return;
            }
            externalPort = a.externalPort();
            lifetimeSeconds = Math.min(lifetimeSeconds, a.lifetimeSeconds());
        }
        if (pending[0] != null || pending[1] != null || pending[2] != null) {
            return;
        }
        timer.cancel();
        if (stopped != null) {
            close();
            return;
        }
        if (!mapped) {
            mapped = true;
            listener.mapped(new Mapped("NAT-PMP", external, externalPort, udp));
        } else {
            listener.debug("NAT-PMP: mapping renewed for " + lifetimeSeconds + " s");
        }
        long renew = Math.max(60, lifetimeSeconds / 2);
        lifetimeSeconds = Long.MAX_VALUE;
        timer = loop.schedule(renew * 1000, () -> round(NatPmp.LIFETIME_SECONDS));
    }

    private void give(String why) {
        if (stopped != null) {
            close();
            return;
        }
        close();
        listener.failed(why);
    }

    /** Removes the mapping if there is one, then {@code done} (within {@link #STOP_MILLIS}). */
    void stop(Runnable done) {
        if (over) {
            done.run();
            return;
        }
        stopped = done;
        if (!mapped) {
            close();
            return;
        }
        round(0);
        loop.schedule(STOP_MILLIS, this::close);
    }

    private void close() {
        if (over) {
            return;
        }
        over = true;
        if (timer != null) {
            timer.cancel();
        }
        loop.close(key, null);
        if (stopped != null) {
            stopped.run();
        }
    }

    @Override
    public void closed(Throwable cause) {
        // closed by us, or as the loop stops
    }
}
