package skiff.swarm;

import java.io.IOException;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import skiff.loop.EventLoop;
import skiff.loop.Timer;
import skiff.metainfo.Bitfield;
import skiff.peer.BlockSource;
import skiff.peer.CloseReason;
import skiff.peer.PeerConnection;
import skiff.peer.Wire;
import skiff.storage.Storage;

/**
 * The giving half of a swarm: which peers we unchoke (every ten seconds, see {@link Choker}),
 * which requests we serve (verified pieces only, a block at most), the upload rate limit, and the
 * bytes themselves, sent from the files with transferTo.
 */
final class Uploader implements BlockSource {
    /** Requests for pieces we lack or of more than a block, tolerated before the peer is dropped. */
    static final int MAX_INVALID_REQUESTS = 50;

    private final Settings settings;
    private final Storage storage;
    private final Choker choker;
    private final GlobalLimits limits;
    private final EventLoop loop;
    private final Collection<PeerConnection<PeerState>> connections;
    private Bitfield have;
    private long lastRoundMillis;
    private Timer growLater;

    /** {@code connections}: the download's, a live view. */
    Uploader(Settings settings, Storage storage, Choker choker, GlobalLimits limits, EventLoop loop,
             Collection<PeerConnection<PeerState>> connections) {
        this.settings = settings;
        this.limits = limits;
        this.storage = storage;
        this.choker = choker;
        this.loop = loop;
        this.connections = connections;
    }

    void start(Bitfield verified, long nowMillis) {
        this.have = verified;
        this.lastRoundMillis = nowMillis;
    }

    /** Each tick: wake peers the rate limit held back, and run the choker when due. */
    void tick(long nowMillis, boolean seeding, Collection<PeerConnection<PeerState>> connections) {
        if (limits.uploadLimited()) {
            for (PeerConnection<PeerState> c : List.copyOf(connections)) {
                if (c.uploadsWaiting()) {
                    c.flush();
                }
            }
        }
        if (nowMillis - lastRoundMillis >= settings.chokeRoundMillis()) {
            lastRoundMillis = nowMillis;
            round(nowMillis, seeding, connections);
        } else {
            grow(nowMillis, connections);
        }
    }

    /** A slot's rate is known this long after it opened: a few round trips of a far peer. */
    static final long MEASURED_AFTER_MILLIS = 400;

    /** Opens more slots, at once, to peers waiting for one, while every open slot earns its place. */
    private void grow(long nowMillis, Collection<PeerConnection<PeerState>> connections) {
        List<Choker.Candidate> measured = new ArrayList<>();
        int unchoked = 0;
        boolean waiting = false;
        for (PeerConnection<PeerState> c : connections) {
            if (c.handshakeDone() && c.peerInterested()) {
                if (c.amChoking()) {
                    waiting = true;
                    continue;
                }
                unchoked++;
                PeerState s = c.state();
                long served = nowMillis - s.servedSinceMillis;
                if (served >= MEASURED_AFTER_MILLIS) {
                    // a new slot's own average until two ticks have smoothed its rate
                    double rate = served >= 2 * settings.tickMillis() ? s.upRateBytesPerSec
                            : (c.counters().bytesUploaded() - s.upBytesAtUnchoke) * 1000.0 / served;
                    measured.add(new Choker.Candidate(c, true, 0, rate, false, 0));
                }
            }
        }
        if (!waiting || unchoked < choker.slots()) {
            return;
        }
        if (choker.grow(measured)) {
            for (int i = unchoked; i < choker.slots(); i++) {
                slotFreed(connections, nowMillis);
            }
        } else if (measured.size() < unchoked) {
            growOnceMeasured(nowMillis);
        }
    }

    /**
     * Peers wait, and a slot's rate is not known yet: look again as soon as it is, not at the next
     * tick, so that a crowd's slots open in steps of {@link #MEASURED_AFTER_MILLIS} rather than of a
     * second (a flash crowd's far leechers got their first block after a second, libtorrent's 0.6 s).
     */
    private void growOnceMeasured(long nowMillis) {
        if (growLater != null) {
            return;
        }
        long newest = Long.MIN_VALUE;
        for (PeerConnection<PeerState> c : connections) {
            if (c.handshakeDone() && c.peerInterested() && !c.amChoking()) {
                newest = Math.max(newest, c.state().servedSinceMillis);
            }
        }
        long delay = Math.max(1, newest + MEASURED_AFTER_MILLIS - nowMillis);
        growLater = loop.schedule(delay, () -> {
            growLater = null;
            grow(loop.nowMillis(), connections);
        });
    }

    private void round(long nowMillis, boolean seeding, Collection<PeerConnection<PeerState>> connections) {
        List<Choker.Candidate> candidates = new ArrayList<>();
        for (PeerConnection<PeerState> c : connections) {
            if (c.handshakeDone()) {
                PeerState s = c.state();
                candidates.add(new Choker.Candidate(c, c.peerInterested(), s.downRateBytesPerSec, s.upRateBytesPerSec,
                        s.snubbedUntilMillis > nowMillis, s.lastUnchokedMillis));
            }
        }
        Set<Object> unchoke = choker.choose(candidates, seeding);
        for (PeerConnection<PeerState> c : List.copyOf(connections)) {
            if (c.handshakeDone()) {
                unchoke(c, unchoke.contains(c), nowMillis);
            }
        }
    }

    private static void unchoke(PeerConnection<PeerState> c, boolean unchoke, long nowMillis) {
        PeerState s = c.state();
        if (unchoke && c.amChoking()) {
            s.servedSinceMillis = nowMillis;
            s.upBytesAtUnchoke = c.counters().bytesUploaded();
        }
        c.send().choke(!unchoke);
        if (unchoke) {
            s.lastUnchokedMillis = nowMillis;
        }
    }

    /**
     * A peer that gains interest gets a free slot at once, if there is one; one that loses it is
     * choked, and its slot goes at once to the interested peer that has waited longest, not at the
     * next round (a seed's slots idle no more than a round trip).
     */
    void interested(PeerConnection<PeerState> c, boolean interested, Collection<PeerConnection<PeerState>> connections,
                    long nowMillis) {
        if (interested) {
            if (unchoked(connections) < choker.slots()) {
                unchoke(c, true, nowMillis);
            } else {
                grow(nowMillis, connections); // the slots may have proven themselves since the last tick
            }
            return;
        }
        c.send().choke(true);
        slotFreed(connections, nowMillis);
    }

    /** An unchoked peer left or lost interest: the longest waiting interested peer takes its slot. */
    void slotFreed(Collection<PeerConnection<PeerState>> connections, long nowMillis) {
        if (unchoked(connections) >= choker.slots()) {
            return;
        }
        List<Choker.Candidate> waiting = new ArrayList<>();
        for (PeerConnection<PeerState> c : connections) {
            if (c.handshakeDone() && c.amChoking() && c.peerInterested()) {
                waiting.add(new Choker.Candidate(c, true, 0, 0, false, c.state().lastUnchokedMillis));
            }
        }
        if (!waiting.isEmpty()) {
            @SuppressWarnings("unchecked")
            PeerConnection<PeerState> next = (PeerConnection<PeerState>) choker.longestWaiting(waiting).id();
            unchoke(next, true, nowMillis);
        }
    }

    private static int unchoked(Collection<PeerConnection<PeerState>> connections) {
        int n = 0;
        for (PeerConnection<PeerState> c : connections) {
            if (c.handshakeDone() && c.peerInterested() && !c.amChoking()) {
                n++;
            }
        }
        return n;
    }

    void request(PeerConnection<PeerState> c, int piece, int begin, int length) {
        boolean servable = have != null && have.get(piece) && length <= Wire.BLOCK_BYTES;
        if (c.amChoking() && !(servable && c.allowedFast(piece))) {
            c.send().reject(piece, begin, length); // crossed our choke: BEP 6 says so, BEP 3 drops it silently
            return;
        }
        if (!servable) {
            c.send().reject(piece, begin, length); // without the Fast extension there is no reject: it is ignored
            PeerState s = c.state();
            if (++s.invalidRequests > MAX_INVALID_REQUESTS) {
                c.close(CloseReason.INVALID_REQUESTS, null);
            }
            return;
        }
        c.queueUpload(piece, begin, length); // past the limit it is dropped and counted, the peer kept
    }

    @Override
    public long transfer(long offset, int length, WritableByteChannel out) throws IOException {
        return storage.transfer(offset, length, out);
    }

    @Override
    public boolean allowUpload(int bytes) {
        return limits.takeUpload(bytes);
    }
}
