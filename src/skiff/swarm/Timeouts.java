package skiff.swarm;

import skiff.peer.CloseReason;
import skiff.peer.PeerConnection;
import skiff.peer.Wire;

/** The clocks on one connection, checked every tick: connect, handshake, requests, keep-alive, idle. */
final class Timeouts {
    static final long HANDSHAKE_TIMEOUT_MILLIS = 20_000;
    /** A request unanswered this long goes to another peer. */
    static final long REQUEST_TIMEOUT_MILLIS = 60_000;
    /**
     * A peer that answers none of our requests this long, while others deliver, loses them all at
     * once rather than one by one at the request timeout: a stalled or lying peer must not hold
     * the last blocks of a download (a slow peer still sends a block now and then).
     */
    static final long STALL_MILLIS = 15_000;
    /** BEP 3 suggests keep-alives every two minutes; idle peers are dropped after three. */
    static final long KEEPALIVE_MILLIS = 110_000;
    static final long IDLE_MILLIS = 180_000;

    private final Settings settings;
    private final Events events;

    Timeouts(Settings settings, Events events) {
        this.settings = settings;
        this.events = events;
    }

    /** {@code lastBlockMillis}: when any peer last sent a block we asked for. */
    void check(PeerConnection<PeerState> c, PeerState s, long now, Picker<PeerConnection<PeerState>> picker, long lastBlockMillis) {
        if (!c.handshakeDone()) {
            if (c.outgoing() && !c.socketConnected()) {
                if (now - c.counters().createdMillis() > settings.connectTimeoutMillis()) {
                    c.close(CloseReason.CONNECT_TIMEOUT, null);
                }
            } else if (now - c.counters().createdMillis() > HANDSHAKE_TIMEOUT_MILLIS) {
                c.close(CloseReason.HANDSHAKE_TIMEOUT, null);
            }
            return;
        }
        boolean othersDeliver = now - lastBlockMillis <= STALL_MILLIS;
        // The owner of a failed piece's retry holds it alone (no endgame copies): its stall costs
        // the whole download, so it is noticed as fast as a stall beside delivering peers.
        boolean fast = othersDeliver || picker.ownsRetry(c);
        long cutoff = fast && s.stalled(now, STALL_MILLIS) ? now : now - REQUEST_TIMEOUT_MILLIS;
        int expired = s.requests.expire(cutoff, key -> {
            int piece = (int) (key >>> 32);
            int begin = (int) key * Wire.BLOCK_BYTES;
            picker.released(piece, begin);
            c.send().cancel(piece, begin, picker.blockLength(piece, (int) key));
        });
        if (expired > 0) {
            s.snubbedUntilMillis = now + REQUEST_TIMEOUT_MILLIS;
            picker.disown(c);
            s.queueDepth = PeerState.MIN_QUEUE_DEPTH;
            events.debug(c + ": snubbed (" + expired + " requests timed out)");
        }
        if (now - c.counters().lastReceiveMillis() > IDLE_MILLIS) {
            c.close(CloseReason.IDLE, null);
        } else if (now - c.counters().lastSendMillis() > KEEPALIVE_MILLIS) {
            c.send().keepAlive();
        }
    }
}
