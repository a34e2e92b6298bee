package skiff.session;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import skiff.loop.EventLoop;
import skiff.mse.Encryption;
import skiff.mse.MseHandshake;
import skiff.peer.PeerStream;
import skiff.swarm.PeerNetwork;

/**
 * Takes every incoming connection on the session's port and hands it to the torrent its
 * handshake names (the info-hash, BEP 3), or drops it: a torrent we do not run, not a BitTorrent
 * handshake, too slow, or too many waiting at once. Loop thread only.
 */
final class Router implements PeerNetwork.Acceptor {
    /** libtorrent's handshake_timeout: long enough for a slow link, short enough that idlers go. */
    static final long HANDSHAKE_TIMEOUT_MILLIS = 10_000;
    /** Connections waiting for their handshake at once; past it new ones are closed. */
    static final int MAX_UNROUTED = 64;

    /** What became of an incoming connection. */
    enum Outcome { ROUTED, UNKNOWN_TORRENT, NOT_BITTORRENT, TIMED_OUT, CLOSED_EARLY, BUSY, BAD_ENCRYPTION, PLAIN_REFUSED }

    private final EventLoop loop;
    private final Map<ByteBuffer, PeerNetwork.Acceptor> torrents = new HashMap<>();
    /** HASH('req2', info-hash) to the info-hash: how an encrypted handshake names its torrent (MSE). */
    private final Map<ByteBuffer, byte[]> byRequestKey = new HashMap<>();
    private final EnumMap<Outcome, Integer> outcomes = new EnumMap<>(Outcome.class);
    private Encryption encryption = Encryption.ALLOW;
    private java.util.Random random;
    private int unrouted;
    private int encrypted;

    Router(EventLoop loop) {
        this.loop = loop;
    }

    EventLoop loop() {
        return loop;
    }

    /** Incoming connections naming {@code infoHash} go to {@code acceptor} from now on. */
    void add(byte[] infoHash, PeerNetwork.Acceptor acceptor) {
        torrents.put(ByteBuffer.wrap(infoHash.clone()), acceptor);
        byRequestKey.put(ByteBuffer.wrap(MseHandshake.requestKey(infoHash)), infoHash.clone());
    }

    void remove(byte[] infoHash) {
        torrents.remove(ByteBuffer.wrap(infoHash));
        byRequestKey.remove(ByteBuffer.wrap(MseHandshake.requestKey(infoHash)));
    }

    void encryption(Encryption e) {
        encryption = e;
    }

    Encryption encryption() {
        return encryption;
    }

    /** The info-hash an encrypted handshake's SKEY hash names, or null. */
    byte[] torrentByRequestKey(byte[] requestKey) {
        return byRequestKey.get(ByteBuffer.wrap(requestKey));
    }

    /** DH keys and pads are secret: made from the system's strong source, opened at the first encrypted peer. */
    java.util.Random random() {
        if (random == null) {
            random = skiff.loop.Entropy.secret();
        }
        return random;
    }

    /** An incoming connection finished its encrypted handshake. */
    void encrypted() {
        encrypted++;
    }

    PeerNetwork.Acceptor torrent(byte[] infoHash) {
        return torrents.get(ByteBuffer.wrap(infoHash));
    }

    @Override
    public void accepted(PeerStream stream, InetSocketAddress from) {
        if (unrouted >= MAX_UNROUTED || torrents.isEmpty()) {
            count(torrents.isEmpty() ? Outcome.UNKNOWN_TORRENT : Outcome.BUSY);
            stream.release();
            return;
        }
        unrouted++;
        RoutedStream r = new RoutedStream(this, stream, from);
        try {
            r.sniff(HANDSHAKE_TIMEOUT_MILLIS);
        } catch (IOException e) {
            r.closedBeforeRouting();
        }
    }

    /** A connection stopped waiting: routed, or dropped for {@code why}. */
    void unrouted(Outcome why) {
        unrouted--;
        count(why);
    }

    private void count(Outcome o) {
        outcomes.merge(o, 1, Integer::sum);
    }

    /** Incoming connections by what became of them, for the debug log and tests. */
    Map<Outcome, Integer> outcomes() {
        return new EnumMap<>(outcomes);
    }

    /** Incoming connections whose handshake was encrypted (routed or not after it). */
    int encryptedCount() {
        return encrypted;
    }

    int waiting() {
        return unrouted;
    }
}
