package skiff.cli;

import java.io.PrintStream;
import java.util.Locale;
import skiff.swarm.Status;

/**
 * The status the user watches. On a terminal: one line redrawn in place, fitted to the width.
 * Elsewhere: a plain line every few seconds, no escape codes.
 */
final class Progress {
    private final PrintStream out;
    private final boolean terminal;
    private final int width;
    private boolean lineOpen;

    Progress(PrintStream out, boolean terminal, int width) {
        this.out = out;
        this.terminal = terminal;
        this.width = Math.max(20, width);
    }

    /** Whether stdout is a terminal: on Linux, fd 1 links to a tty device; elsewhere, the JDK's guess. */
    static boolean stdoutIsTerminal() {
        try {
            java.nio.file.Path fd1 = java.nio.file.Path.of("/proc/self/fd/1");
            if (java.nio.file.Files.exists(fd1, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                String target = java.nio.file.Files.readSymbolicLink(fd1).toString();
                return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
            }
        } catch (java.io.IOException | UnsupportedOperationException | SecurityException e) {
            // fall back below
        }
        return System.console() != null;
    }

    static int terminalWidth() {
        String columns = System.getenv("COLUMNS");
        try {
            return columns == null ? 80 : Integer.parseInt(columns.trim());
        } catch (NumberFormatException e) {
            return 80;
        }
    }

    void show(Status s) {
        String text = line(s, terminal ? width - 1 : Integer.MAX_VALUE);
        if (terminal) {
            out.print("\r" + text + " ".repeat(Math.max(0, width - 1 - text.length())) + "\r");
            lineOpen = true;
        } else {
            out.println(text);
        }
        out.flush();
    }

    /** Clears a redrawn line so that a log line can be printed cleanly. */
    void clear() {
        if (terminal && lineOpen) {
            out.print("\r" + " ".repeat(width - 1) + "\r");
            out.flush();
            lineOpen = false;
        }
    }

    void end() {
        if (terminal && lineOpen) {
            out.println();
            lineOpen = false;
        }
    }

    static String line(Status s, int max) {
        String pct = String.format(Locale.ROOT, "%5.1f%%", 100 * s.fraction());
        String sizes = Units.bytes(s.haveBytes()) + "/" + Units.bytes(s.totalBytes());
        String rates = "down " + Units.bytes((long) s.downRate()) + "/s up " + Units.bytes((long) s.upRate()) + "/s";
        String eta = "ETA " + eta(s);
        String peers = "peers " + s.connections() + "/" + s.knownPeers() + " seeds " + s.seeds();
        String core = pct + " " + sizes + " " + rates + " " + eta + " " + peers;
        if (!s.state().equals("downloading")) {
            core = s.state() + " " + core;
        }
        int barWidth = Math.min(30, max - core.length() - 3);
        if (barWidth >= 8) {
            int filled = (int) Math.round(barWidth * s.fraction());
            core = "[" + "#".repeat(filled) + "-".repeat(barWidth - filled) + "] " + core;
        }
        return core.length() > max ? core.substring(0, max) : core;
    }

    static String eta(Status s) {
        long left = s.totalBytes() - s.haveBytes();
        if (left == 0) {
            return "0s";
        }
        if (s.downRate() < 1) {
            return "--";
        }
        long secs = (long) (left / s.downRate());
        if (secs >= 100 * 3600) {
            return "--";
        }
        return secs >= 3600 ? (secs / 3600) + "h" + (secs % 3600 / 60) + "m"
                : secs >= 60 ? (secs / 60) + "m" + (secs % 60) + "s" : secs + "s";
    }
}
