package skiff.cli;

import java.io.PrintStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Leveled log lines to stderr or a file. One instance, made by Main and passed by hand. */
public final class Log {
    public enum Level { DEBUG, INFO, WARNING, ERROR }

    private final Level threshold;
    private final PrintStream out;
    private final boolean timestamps;

    public Log(Level threshold, PrintStream out, boolean timestamps) {
        this.threshold = threshold;
        this.out = out;
        this.timestamps = timestamps;
    }

    public boolean enabled(Level level) {
        return level.compareTo(threshold) >= 0;
    }

    public void log(Level level, String message) {
        if (!enabled(level)) {
            return;
        }
        String line = timestamps
                ? Instant.now().truncatedTo(ChronoUnit.MILLIS) + " " + level + " " + message
                : level.name().toLowerCase(java.util.Locale.ROOT) + ": " + message;
        out.println(line);
    }

    public void debug(String message) {
        log(Level.DEBUG, message);
    }

    public void info(String message) {
        log(Level.INFO, message);
    }

    public void warn(String message) {
        log(Level.WARNING, message);
    }

    public void error(String message) {
        log(Level.ERROR, message);
    }
}
