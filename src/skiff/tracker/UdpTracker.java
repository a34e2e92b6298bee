package skiff.tracker;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.util.random.RandomGenerator;
import skiff.loop.Dns;
import skiff.loop.EventLoop;
import skiff.loop.Handler;
import skiff.loop.Timer;

/**
 * A UDP tracker (BEP 15) on the loop. The channel is connected to the tracker's address, so
 * datagrams from anyone else never reach us; replies of the wrong size, action or transaction
 * are dropped. Retransmits after 15·2^n seconds, n = 0..8 (both configurable for tests).
 */
public final class UdpTracker implements Tracker, Handler {
    /** BEP 15: a connection id may be used for one minute after it was received. */
    static final long CONNECTION_ID_LIFETIME_MILLIS = 60_000;
    /** BEP 15: 15 seconds for the first try, doubling, up to n = 8. */
    public static final long DEFAULT_BASE_TIMEOUT_MILLIS = 15_000;
    public static final int DEFAULT_MAX_RETRANSMITS = 8;

    private enum Pending { ANNOUNCE, SCRAPE }

    private final String url;
    private final EventLoop loop;
    private final Dns dns;
    private final RandomGenerator random;
    private final long baseTimeoutMillis;
    private final int maxRetransmits;
    private final ByteBuffer receive = ByteBuffer.allocate(UdpTrackerCodec.MAX_DATAGRAM_BYTES);

    private DatagramChannel channel;
    private SelectionKey key;
    private int peerWidth = 6;
    private long connectionId;
    private long connectionIdAtMillis = Long.MIN_VALUE;

    private Pending pending;
    private AnnounceRequest announceRequest;
    private byte[] scrapeHash;
    private Callback<AnnounceResponse> announceCallback;
    private Callback<ScrapeResponse> scrapeCallback;
    private int transactionId;
    private long droppedReplies;
    private int expectedAction;
    private int attempt;
    private Timer retransmit;

    public UdpTracker(String url, EventLoop loop, Dns dns, RandomGenerator random, long baseTimeoutMillis, int maxRetransmits) {
        this.url = url;
        this.loop = loop;
        this.dns = dns;
        this.random = random;
        this.baseTimeoutMillis = baseTimeoutMillis;
        this.maxRetransmits = maxRetransmits;
    }

    @Override
    public String url() {
        return url;
    }

    @Override
    public void announce(AnnounceRequest request, Callback<AnnounceResponse> callback) {
        cancel();
        pending = Pending.ANNOUNCE;
        announceRequest = request;
        announceCallback = callback;
        begin();
    }

    @Override
    public void scrape(byte[] infoHash, Callback<ScrapeResponse> callback) {
        cancel();
        pending = Pending.SCRAPE;
        scrapeHash = infoHash.clone();
        scrapeCallback = callback;
        begin();
    }

    @Override
    public void cancel() {
        pending = null;
        announceCallback = null;
        scrapeCallback = null;
        if (retransmit != null) {
            retransmit.cancel();
            retransmit = null;
        }
    }

    private void begin() {
        attempt = 0;
        if (channel != null) {
            send();
            return;
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            fail("bad tracker URL (" + e.getReason() + ")");
            return;
        }
        if (uri.getHost() == null || uri.getPort() <= 0) {
            fail("UDP tracker URL needs a host and a port");
            return;
        }
        String host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1) : uri.getHost();
        InetAddress literal = skiff.http.IpLiteral.parse(host);
        if (literal != null) {
            open(new InetSocketAddress(literal, uri.getPort()));
        } else {
            Pending expected = pending;
            dns.resolve(host, a -> {
                if (pending == expected && channel == null) {
                    open(new InetSocketAddress(a, uri.getPort()));
                }
            }, this::fail);
        }
    }

    private void open(InetSocketAddress address) {
        try {
            channel = DatagramChannel.open();
            channel.connect(address);
            key = loop.register(channel, SelectionKey.OP_READ, this);
            peerWidth = address.getAddress() instanceof Inet6Address ? 18 : 6;
            send();
        } catch (IOException e) {
            closeChannel();
            fail("cannot reach " + address + ": " + e.getMessage());
        }
    }

    /** Sends the next datagram of the exchange: connect when our id is stale, else the request itself. */
    private void send() {
        if (pending == null) {
            return;
        }
        transactionId = random.nextInt();
        ByteBuffer out;
        if (loop.nowMillis() - connectionIdAtMillis >= CONNECTION_ID_LIFETIME_MILLIS || connectionIdAtMillis == Long.MIN_VALUE) {
            expectedAction = UdpTrackerCodec.ACTION_CONNECT;
            out = UdpTrackerCodec.connect(transactionId);
        } else if (pending == Pending.ANNOUNCE) {
            expectedAction = UdpTrackerCodec.ACTION_ANNOUNCE;
            out = UdpTrackerCodec.announce(connectionId, transactionId, announceRequest);
        } else {
            expectedAction = UdpTrackerCodec.ACTION_SCRAPE;
            out = UdpTrackerCodec.scrape(connectionId, transactionId, scrapeHash);
        }
        try {
            channel.write(out);
        } catch (PortUnreachableException e) {
            fail("no tracker listens there");
            return;
        } catch (IOException e) {
            fail(e.getMessage());
            return;
        }
        if (retransmit != null) {
            retransmit.cancel();
        }
        long wait = baseTimeoutMillis << Math.min(attempt, 16);
        retransmit = loop.schedule(wait, this::timedOut);
    }

    private void timedOut() {
        retransmit = null;
        if (attempt >= maxRetransmits) {
            fail("no answer after " + (attempt + 1) + " tries");
            return;
        }
        attempt++;
        send();
    }

    @Override
    public void ready(SelectionKey k) throws IOException {
        for (int i = 0; i < 16; i++) { // bounded: a flood cannot hold the loop
            receive.clear();
            int n;
            try {
                n = channel.read(receive);
            } catch (PortUnreachableException e) {
                fail("no tracker listens there");
                return;
            }
            if (n <= 0) {
                return;
            }
            receive.flip();
            handle(receive);
        }
    }

    @Override
    public long droppedReplies() {
        return droppedReplies;
    }

    private void handle(ByteBuffer datagram) {
        if (pending == null) {
            droppedReplies++;
            return;
        }
        UdpTrackerCodec.Reply reply = UdpTrackerCodec.decode(datagram, transactionId, expectedAction, peerWidth);
        if (reply == null) {
            droppedReplies++;
            return; // not ours, or malformed
        }
        if (reply instanceof UdpTrackerCodec.Failed f) {
            fail(f.message());
        } else if (reply instanceof UdpTrackerCodec.Connected c) {
            connectionId = c.connectionId();
            connectionIdAtMillis = loop.nowMillis();
            attempt = 0;
            send();
        } else if (reply instanceof UdpTrackerCodec.Announced a && pending == Pending.ANNOUNCE) {
            Callback<AnnounceResponse> cb = announceCallback;
            cancel();
            cb.succeeded(a.response());
        } else if (reply instanceof UdpTrackerCodec.Scraped s && pending == Pending.SCRAPE) {
            Callback<ScrapeResponse> cb = scrapeCallback;
            cancel();
            cb.succeeded(s.response());
        }
    }

    private void fail(String reason) {
        Callback<AnnounceResponse> a = announceCallback;
        Callback<ScrapeResponse> s = scrapeCallback;
        Pending p = pending;
        cancel();
        if (p == Pending.ANNOUNCE && a != null) {
            a.failed(reason);
        } else if (p == Pending.SCRAPE && s != null) {
            s.failed(reason);
        }
    }

    /** Releases the socket; the next request opens a new one. */
    public void close() {
        cancel();
        closeChannel();
    }

    private void closeChannel() {
        loop.closeChannel(key, channel);
        key = null;
        channel = null;
    }

    @Override
    public void closed(Throwable cause) {
        if (cause != null) { // a clean close came from closeChannel(), which already forgot the channel
            key = null;
            channel = null;
            fail(cause.getMessage() == null ? cause.toString() : cause.getMessage());
        }
    }
}
