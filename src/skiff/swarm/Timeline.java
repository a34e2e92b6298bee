package skiff.swarm;

/**
 * A download's times: when it started, when it completed (the download's time ends there, the
 * seeding's begins), and when seeding must end (--seed-ratio, --seed-time). Loop thread only.
 */
final class Timeline {
    private final Settings settings;
    private final long totalBytes;
    private long startedMillis = -1;
    private long completedAtMillis = -1;
    private long seedingSinceMillis = -1;

    Timeline(Settings settings, long totalBytes) {
        this.settings = settings;
        this.totalBytes = totalBytes;
    }

    void started(long now) {
        startedMillis = now;
    }

    /** Every piece verified and flushed; seeding starts now if asked for. */
    void completed(long now) {
        completedAtMillis = now;
        if (settings.seed()) {
            seedingSinceMillis = now;
        }
    }

    long elapsedMillis(long now) {
        return startedMillis < 0 ? 0 : now - startedMillis;
    }

    /** How long the download took, or -1 while it has not completed. */
    long completedAfterMillis() {
        return completedAtMillis < 0 || startedMillis < 0 ? -1 : completedAtMillis - startedMillis;
    }

    /** Which seeding limit was reached now ("seed ratio reached", "seed time reached"), once; else null. */
    String seedingLimitReached(long now, long uploaded) {
        if (seedingSinceMillis < 0) {
            return null;
        }
        boolean ratioMet = settings.seedRatio() > 0 && uploaded >= settings.seedRatio() * totalBytes;
        boolean timeMet = settings.seedTimeMillis() > 0 && now - seedingSinceMillis >= settings.seedTimeMillis();
        if (!ratioMet && !timeMet) {
            return null;
        }
        seedingSinceMillis = -1;
        return ratioMet ? "seed ratio reached" : "seed time reached";
    }
}
