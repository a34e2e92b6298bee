package skiff.tracker;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Pure codec for the UDP tracker protocol (BEP 15). Replies are checked, never trusted. */
final class UdpTrackerCodec {
    /** BEP 15: the magic constant that opens a connect request. */
    static final long PROTOCOL_ID = 0x41727101980L;
    static final int ACTION_CONNECT = 0;
    static final int ACTION_ANNOUNCE = 1;
    static final int ACTION_SCRAPE = 2;
    static final int ACTION_ERROR = 3;
    /** BEP 15 sizes: connect reply 16, announce reply header 20, scrape reply per hash 12. */
    static final int CONNECT_REPLY_BYTES = 16;
    static final int ANNOUNCE_REPLY_HEADER_BYTES = 20;
    static final int ANNOUNCE_REQUEST_BYTES = 98;
    /** The largest datagram we read; a reply with 2000 IPv6 peers still fits. */
    static final int MAX_DATAGRAM_BYTES = 64 << 10;

    /** A reply that matched our transaction: connect id, announce, scrape or error. */
    sealed interface Reply permits Connected, Announced, Scraped, Failed {
    }

    record Connected(long connectionId) implements Reply {
    }

    record Announced(AnnounceResponse response) implements Reply {
    }

    record Scraped(ScrapeResponse response) implements Reply {
    }

    record Failed(String message) implements Reply {
    }

    private UdpTrackerCodec() {
    }

    static ByteBuffer connect(int transactionId) {
        ByteBuffer b = ByteBuffer.allocate(16);
        b.putLong(PROTOCOL_ID).putInt(ACTION_CONNECT).putInt(transactionId);
        return b.flip();
    }

    static ByteBuffer announce(long connectionId, int transactionId, AnnounceRequest r) {
        ByteBuffer b = ByteBuffer.allocate(ANNOUNCE_REQUEST_BYTES);
        b.putLong(connectionId).putInt(ACTION_ANNOUNCE).putInt(transactionId);
        b.put(r.infoHash()).put(r.peerId());
        b.putLong(r.downloaded()).putLong(r.left()).putLong(r.uploaded());
        b.putInt(r.event().udpCode);
        b.putInt(0); // IP: 0 = the sender's address
        b.putInt(r.key()).putInt(r.numWant());
        b.putShort((short) r.port());
        return b.flip();
    }

    static ByteBuffer scrape(long connectionId, int transactionId, byte[] infoHash) {
        ByteBuffer b = ByteBuffer.allocate(36);
        b.putLong(connectionId).putInt(ACTION_SCRAPE).putInt(transactionId).put(infoHash);
        return b.flip();
    }

    /**
     * Decodes a reply to the request with {@code transactionId} and {@code expectedAction}.
     * Returns null for a datagram that must be dropped (wrong size, action or transaction).
     * {@code peerWidth} is 6 when talking IPv4 and 18 for IPv6 (BEP 15).
     */
    static Reply decode(ByteBuffer in, int transactionId, int expectedAction, int peerWidth) {
        if (in.remaining() < 8) {
            return null;
        }
        int action = in.getInt();
        int tid = in.getInt();
        if (tid != transactionId) {
            return null;
        }
        if (action == ACTION_ERROR) {
            byte[] msg = new byte[Math.min(in.remaining(), HttpAnnounceCodec.MAX_MESSAGE_CHARS)];
            in.get(msg);
            return new Failed("tracker says: " + HttpAnnounceCodec.oneLine(new String(msg, StandardCharsets.UTF_8)));
        }
        if (action != expectedAction) {
            return null;
        }
        switch (action) {
            case ACTION_CONNECT -> {
                return in.remaining() < 8 ? null : new Connected(in.getLong());
            }
            case ACTION_ANNOUNCE -> {
                if (in.remaining() < 12) {
                    return null;
                }
                int interval = in.getInt();
                int leechers = in.getInt();
                int seeders = in.getInt();
                List<InetSocketAddress> peers = new ArrayList<>();
                byte[] rest = new byte[in.remaining() - in.remaining() % peerWidth];
                in.get(rest);
                PeerLists.compact(rest, 0, rest.length, peerWidth, peers);
                int clamped = Math.max(HttpAnnounceCodec.MIN_INTERVAL_SECONDS,
                        Math.min(HttpAnnounceCodec.MAX_INTERVAL_SECONDS, interval));
                return new Announced(new AnnounceResponse(clamped, 0, peers, Math.max(-1, seeders),
                        Math.max(-1, leechers), null, null));
            }
            case ACTION_SCRAPE -> {
                if (in.remaining() < 12) {
                    return null;
                }
                long seeders = in.getInt() & 0xffffffffL;
                long completed = in.getInt() & 0xffffffffL;
                long leechers = in.getInt() & 0xffffffffL;
                return new Scraped(new ScrapeResponse(seeders, completed, leechers));
            }
            default -> {
                return null;
            }
        }
    }
}
