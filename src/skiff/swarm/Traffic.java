package skiff.swarm;

import skiff.peer.PeerConnection;

/**
 * Bytes moved, for the trackers and the status line, and the swarm's rates: bytes over the last
 * few ticks, the window starting with the transfer itself (not with the process), so that the
 * first status after data arrives shows its rate and a change shows within seconds. Loop thread only.
 */
final class Traffic {
    /** Ticks a rate is measured over. */
    static final int WINDOW_TICKS = 5;
    /** Less time than this measured says nothing about a rate. */
    static final double MIN_RATE_SECONDS = 0.25;

    private long downloaded;
    private long uploaded;
    private final Window down = new Window();
    private final Window up = new Window();
    private long tickUp;
    /** Wanted bytes received at the last tick: the download rate counts what we asked for, not the overhead. */
    private long downloadedAtTick;
    private long tickMillis = -1;

    /** Bytes per tick over the last {@link #WINDOW_TICKS} ticks since the first byte. */
    private static final class Window {
        private final long[] bytes = new long[WINDOW_TICKS];
        private final double[] seconds = new double[WINDOW_TICKS];
        private int next;
        private boolean started;

        void add(long b, double s) {
            if (!started && b == 0) {
                return; // the idle time before the first byte is no part of the rate
            }
            started = true;
            bytes[next] = b;
            seconds[next] = s;
            next = (next + 1) % WINDOW_TICKS;
        }

        /** With what came since the last tick ({@code partial} bytes in {@code partialSeconds}), so the rate is live between ticks. */
        double rate(long partial, double partialSeconds) {
            long b = partial;
            double s = started || partial > 0 ? partialSeconds : 0;
            for (int i = 0; i < WINDOW_TICKS; i++) {
                b += bytes[i];
                s += seconds[i];
            }
            return s < MIN_RATE_SECONDS ? 0 : b / s; // a block in the first milliseconds is no rate yet
        }
    }

    /** The swarm starts at {@code nowMillis}: the first rate counts from here. */
    void start(long nowMillis) {
        tickMillis = nowMillis;
    }

    /** A block we asked for arrived. */
    void received(int bytes) {
        downloaded += bytes;
    }

    /** One connection at a tick: its own rates, and its share of the swarm's. */
    void sample(PeerConnection<PeerState> c, PeerState s, double seconds) {
        s.sampleDown(c.counters().bytesDownloaded(), seconds);
        tickUp += s.sampleUp(c.counters().bytesUploaded(), seconds);
    }

    /** Once every connection is sampled, at {@code nowMillis}. */
    void endTick(double seconds, long nowMillis) {
        down.add(downloaded - downloadedAtTick, seconds);
        downloadedAtTick = downloaded;
        up.add(tickUp, seconds);
        uploaded += tickUp;
        tickUp = 0;
        tickMillis = nowMillis;
    }

    /** A connection closing: what it uploaded since its last sample still counts. */
    void closed(PeerConnection<PeerState> c, PeerState s) {
        uploaded += c.counters().bytesUploaded() - s.lastUpBytes;
        s.lastUpBytes = c.counters().bytesUploaded();
    }

    long downloaded() {
        return downloaded;
    }

    long uploaded() {
        return uploaded;
    }

    /** Bytes per second we asked for and got, over the last few seconds up to {@code nowMillis}. */
    double downRate(long nowMillis) {
        return down.rate(downloaded - downloadedAtTick, tickMillis < 0 ? 0 : (nowMillis - tickMillis) / 1000.0);
    }

    double upRate() {
        return up.rate(0, 0);
    }
}
