package skiff.swarm;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import skiff.metainfo.Metainfo;
import skiff.peer.CloseReason;
import skiff.peer.PeerConnection;
import skiff.peer.PeerStream;

/**
 * A download's web seeds (BEP 19): each is a connection like a peer's while the download wants
 * pieces, opened again after a failure with a growing wait, and the user hears why one fails.
 * A web seed is known by an unresolved address holding its URL, so no peer can be taken for it.
 */
final class WebSeeds {
    /** The wait after a first failure; libtorrent waits 30 s too (urlseed_wait_retry). */
    static final long FIRST_RETRY_MILLIS = 30_000;
    /** Doubling stops here: a seed down for a day is still tried a few times an hour. */
    static final long MAX_RETRY_MILLIS = 15 * 60_000;
    /** BEP 19 lists are short; a .torrent with more is not honest about them. */
    static final int MAX_SEEDS = 32;

    private static final class Seed {
        final String url;
        final InetSocketAddress address;
        PeerConnection<PeerState> connection;
        long nextTryMillis;
        int failures;
        String lastWarning;

        Seed(String url) {
            this.url = url;
            this.address = InetSocketAddress.createUnresolved(url, 0);
        }
    }

    private final List<Seed> seeds = new ArrayList<>();
    private final Metainfo metainfo;
    private final PeerNetwork network;
    private final Events events;

    WebSeeds(Metainfo metainfo, List<String> urls, PeerNetwork network, Events events) {
        this.metainfo = metainfo;
        this.network = network;
        this.events = events;
        for (String u : urls) {
            if (seeds.size() < MAX_SEEDS && seeds.stream().noneMatch(s -> s.url.equals(u))) {
                seeds.add(new Seed(u));
            }
        }
    }

    /** Whether {@code c} is a web seed's connection (its address an unresolved one holding the URL). */
    static boolean is(PeerConnection<PeerState> c) {
        return c.address().isUnresolved();
    }

    int size() {
        return seeds.size();
    }

    /** Connects the seeds not connected whose wait is over; {@code open} makes the connection from a stream. */
    void dial(long now, java.util.function.BiFunction<PeerStream, InetSocketAddress, PeerConnection<PeerState>> open) {
        for (Seed s : seeds) {
            if (s.connection != null || now < s.nextTryMillis) {
                continue;
            }
            PeerStream stream;
            try {
                stream = network.webSeed(s.url, metainfo);
            } catch (IOException | IllegalArgumentException e) {
                s.nextTryMillis = Long.MAX_VALUE; // a URL we cannot use now will not become usable
                warn(s, "web seed " + s.url + " not used: " + e.getMessage());
                continue;
            }
            s.connection = open.apply(stream, s.address);
        }
    }

    /** A connection closed: if a web seed's, it is opened again later, sooner if it delivered. */
    void closed(PeerConnection<PeerState> c, CloseReason reason, String detail, long now) {
        for (Seed s : seeds) {
            if (s.connection != c) {
                continue;
            }
            s.connection = null;
            if (reason == CloseReason.BANNED) {
                s.nextTryMillis = Long.MAX_VALUE;
                return;
            }
            boolean delivered = c.state().goodPieces > 0 || c.counters().bytesDownloaded() > 0;
            s.failures = delivered ? 1 : s.failures + 1;
            long wait = Math.min(MAX_RETRY_MILLIS, FIRST_RETRY_MILLIS << Math.min(s.failures - 1, 10));
            s.nextTryMillis = now + wait;
            if (reason == CloseReason.IO_ERROR && detail != null) {
                warn(s, "web seed " + s.url + ": " + detail + "; trying again in " + wait / 1000 + " s");
            }
            return;
        }
    }

    /** Says a seed's trouble once, not again while it stays the same. */
    private void warn(Seed s, String message) {
        int retry = message.indexOf("; trying again in ");
        String key = retry < 0 ? message : message.substring(0, retry); // the same trouble, whatever the wait
        if (!key.equals(s.lastWarning)) {
            s.lastWarning = key;
            events.warn(message);
        }
    }
}
