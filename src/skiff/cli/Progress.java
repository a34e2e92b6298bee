package skiff.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import skiff.metainfo.FileEntry;
import skiff.metainfo.PathSafety;
import skiff.swarm.Status;
import skiff.swarm.TorrentState;

/**
 * The status the user watches. On a terminal: one line redrawn in place, fitted to the width
 * (plus one line per file with --files). Elsewhere: a plain line every few seconds, no escape
 * codes; or, with --json, one JSON object per line.
 */
final class Progress {
    private final PrintStream out;
    private final boolean terminal;
    private final boolean json;
    private int width;
    private int height = Integer.MAX_VALUE;
    private int linesOpen;
    private String drawn; // the last status drawn on the terminal, to put back after a log line
    private int drawnLines;

    Progress(PrintStream out, boolean terminal, boolean json, int width) {
        this.out = out;
        this.terminal = terminal && !json;
        this.json = json;
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

    /** The terminal's new size (SIGWINCH): the next redraw fits it. */
    void resize(int columns, int rows) {
        this.width = Math.max(20, columns);
        this.height = Math.max(3, rows);
    }

    /**
     * One torrent's status; {@code files}/{@code fileDone} are null unless the per-file view is on.
     * {@code dhtNodes}: the session's DHT nodes, -1 with the DHT off; {@code dhtPeers}: peers it gave this torrent.
     */
    record Row(Status status, List<FileEntry> files, long[] fileDone, int dhtNodes, int dhtPeers) {
        Row(Status status, List<FileEntry> files, long[] fileDone) {
            this(status, files, fileDone, -1, 0);
        }
    }

    /** Draws one torrent's status. */
    void show(Status s, List<FileEntry> files, long[] fileDone) {
        show(List.of(new Row(s, files, fileDone)));
    }

    /**
     * Draws every torrent's status: alone, its line; among several, one line each led by its
     * name, then a total. With --json, one object per torrent.
     */
    void show(List<Row> rows) {
        if (json) {
            for (Row r : rows) {
                String line = json(r.status(), r.files(), r.fileDone());
                out.println(line.substring(0, line.length() - 1) + ",\"dht_nodes\":" + (r.dhtNodes() < 0 ? "null" : r.dhtNodes())
                        + ",\"dht_peers\":" + r.dhtPeers() + "}");
            }
            out.flush();
            return;
        }
        List<String> lines = new ArrayList<>();
        int max = terminal ? width - 1 : Integer.MAX_VALUE;
        int nameWidth = rows.size() > 1 ? nameWidth(rows, width) : 0;
        int bar = 30; // one bar width for every row, so that the bars line up
        for (Row r : rows) {
            bar = Math.min(bar, max - (nameWidth + 1) - core(r.status()).length() - 3);
        }
        for (Row r : rows) {
            String lead = nameWidth == 0 ? "" : Units.padRight(cut(r.status().name(), nameWidth), nameWidth) + " ";
            lines.add(lead + line(r.status(), max - lead.length(), rows.size() > 1 ? bar : 30));
            if (r.files() != null) {
                // on a terminal the files share what rows the status lines leave; the rest is counted
                int room = terminal ? Math.max(1, (height - 1 - rows.size() - (rows.size() > 1 ? 1 : 0)) / rows.size()) : Integer.MAX_VALUE;
                lines.addAll(fileLines(r, room, max));
            }
        }
        if (rows.size() > 1) {
            lines.add(Units.padRight("total", nameWidth) + " " + total(rows, max - nameWidth - 1));
        }
        StringBuilder b = new StringBuilder();
        if (terminal) {
            clearLines(b);
            int start = b.length();
            for (int i = 0; i < lines.size(); i++) {
                String l = lines.get(i);
                b.append(i == 0 ? "" : "\n").append(l).append(" ".repeat(Math.max(0, width - 1 - l.length())));
            }
            b.append('\r');
            linesOpen = lines.size();
            drawn = b.substring(start);
            drawnLines = lines.size();
        } else {
            for (String l : lines) {
                b.append(l).append('\n');
            }
        }
        out.print(b);
        out.flush();
    }

    /**
     * A torrent's file lines, at most {@code room}: when they do not all fit, the files being
     * filled now (partly done) first, then the rest in order, and a last line says how many more.
     */
    private List<String> fileLines(Row r, int room, int max) {
        List<Integer> shown = new ArrayList<>();
        List<Integer> rest = new ArrayList<>();
        for (int i = 0; i < r.files().size(); i++) {
            if (!r.files().get(i).padding()) {
                boolean busy = r.fileDone()[i] > 0 && r.fileDone()[i] < r.files().get(i).length();
                (busy ? shown : rest).add(i);
            }
        }
        int total = shown.size() + rest.size();
        shown.addAll(rest);
        List<String> out = new ArrayList<>();
        int fit = total <= room ? total : Math.max(0, room - 1);
        List<Integer> chosen = new ArrayList<>(shown.subList(0, fit));
        java.util.Collections.sort(chosen); // in the torrent's order, once chosen
        for (int i : chosen) {
            out.add((terminal ? "" : "  ") + fileLine(r.files().get(i), r.fileDone()[i], max));
        }
        if (fit < total) {
            out.add((terminal ? "" : "  ") + "... and " + (total - fit) + " more files");
        }
        return out;
    }

    /** The name column among several torrents: the longest name, within a quarter of the width. */
    private static int nameWidth(List<Row> rows, int width) {
        int longest = 5; // "total"
        for (Row r : rows) {
            longest = Math.max(longest, r.status().name().length());
        }
        return Math.min(longest, Math.max(8, width / 4));
    }

    private static String cut(String s, int max) {
        String p = PathSafety.printable(s);
        return p.length() <= max ? p : p.substring(0, Math.max(0, max - 1)) + "~";
    }

    /** All torrents at once: bytes, rates, ETA of what is left, connections, and how many are done. */
    static String total(List<Row> rows, int max) {
        long have = 0;
        long total = 0;
        double down = 0;
        double up = 0;
        int peers = 0;
        int done = 0;
        for (Row r : rows) {
            Status s = r.status();
            have += s.haveBytes();
            total += s.totalBytes();
            down += s.downRate();
            up += s.upRate();
            peers += s.connections();
            done += s.totalBytes() > 0 && s.haveBytes() == s.totalBytes() ? 1 : 0;
        }
        double fraction = total == 0 ? 0 : (double) have / total;
        long left = total - have;
        String eta = left == 0 ? "0s" : down < 1 ? "--" : duration((long) (left / down));
        String text = Units.padLeft(Units.decimal(100 * fraction, 1), 5) + "% " + Units.bytes(have) + "/" + Units.bytes(total)
                + " down " + Units.bytes((long) down) + "/s up " + Units.bytes((long) up) + "/s ETA " + eta + " peers " + peers
                + ", " + done + " of " + rows.size() + " complete";
        return text.length() > max ? text.substring(0, Math.max(0, max)) : text;
    }

    /** Moves back over what was drawn and blanks it (terminal only). */
    private void clearLines(StringBuilder b) {
        if (linesOpen == 0) {
            return;
        }
        b.append('\r');
        for (int i = 1; i < linesOpen; i++) {
            b.append("\033[2K\033[1A"); // erase the line, then go up one
        }
        b.append("\033[2K\r");
    }

    /** Clears a redrawn status so that a log line can be printed cleanly. */
    void clear() {
        if (terminal && linesOpen > 0) {
            StringBuilder b = new StringBuilder();
            clearLines(b);
            out.print(b);
            out.flush();
            linesOpen = 0;
        }
    }

    /** Draws the last status again after {@link #clear} made room for a log line (terminal only). */
    void restore() {
        if (terminal && linesOpen == 0 && drawn != null) {
            out.print(drawn);
            out.flush();
            linesOpen = drawnLines;
        }
    }

    void end() {
        drawn = null;
        if (terminal && linesOpen > 0) {
            out.println();
            linesOpen = 0;
        }
    }

    /** {@code done}: -1 for a file not selected (--select-file), shown as skipped. */
    static String fileLine(FileEntry f, long done, int max) {
        double pct = f.length() == 0 ? 100 : 100.0 * done / f.length();
        String text = (done < 0 ? "  skip" : Units.padLeft(Units.decimal(pct, 1), 5) + "%") + " " + Units.padLeft(Units.bytes(f.length()), 9)
                + "  " + PathSafety.printable(f.displayPath());
        return text.length() > max ? text.substring(0, max) : text;
    }

    static String line(Status s, int max) {
        return line(s, max, 30);
    }

    /** The status line with a bar of at most {@code maxBar} characters (several torrents share one width). */
    static String line(Status s, int max, int maxBar) {
        String core = core(s);
        int barWidth = Math.min(maxBar, max - core.length() - 3);
        if (barWidth >= 8) {
            double f = s.state() == TorrentState.CHECKING && s.checkedFraction() >= 0 ? s.checkedFraction() : s.fraction();
            int filled = (int) Math.round(barWidth * f);
            core = "[" + "#".repeat(filled) + "-".repeat(barWidth - filled) + "] " + core;
        }
        return core.length() > max ? core.substring(0, max) : core;
    }

    /** The line without its bar. */
    private static String core(Status s) {
        if (s.state() == TorrentState.CHECKING && s.checkedFraction() >= 0) {
            return "checking " + Units.padLeft(Units.decimal(100 * s.checkedFraction(), 1), 5) + "% of the data on disk ("
                    + Units.bytes(s.totalBytes()) + ")";
        }
        if (s.state() == TorrentState.METADATA) {
            return "fetching metadata (BEP 9) peers " + s.connections() + "/" + s.knownPeers();
        }
        if (s.state() == TorrentState.SEEDING) { // what a seed is for: what it gave, and the ratio
            double ratio = s.totalBytes() == 0 ? 0 : (double) s.uploadedBytes() / s.totalBytes();
            return "seeding " + Units.bytes(s.totalBytes()) + " up " + Units.bytes((long) s.upRate()) + "/s uploaded "
                    + Units.bytes(s.uploadedBytes()) + " ratio " + Units.decimal(ratio, 2) + " peers " + s.connections() + "/"
                    + s.knownPeers();
        }
        String pct = Units.padLeft(Units.decimal(100 * s.fraction(), 1), 5) + "%";
        String sizes = Units.bytes(s.haveBytes()) + "/" + Units.bytes(s.totalBytes());
        String rates = "down " + Units.bytes((long) s.downRate()) + "/s up " + Units.bytes((long) s.upRate()) + "/s";
        String eta = s.stalled() != null ? "stalled: " + s.stalled() : "ETA " + eta(s);
        String peers = "peers " + s.connections() + "/" + s.knownPeers() + " seeds " + s.seeds();
        String core = pct + " " + sizes + " " + rates + " " + eta + " " + peers;
        if (s.state() != TorrentState.DOWNLOADING) {
            core = s.state().label() + " " + core;
        }
        return core;
    }

    /**
     * One status object: every field's unit is in its name (README, "JSON status"). {@code files}
     * and {@code fileDone}: the per-file view, or null.
     */
    static String json(Status s, List<FileEntry> files, long[] fileDone) {
        long left = s.totalBytes() - s.haveBytes();
        long etaSeconds = left == 0 ? 0 : s.downRate() < 1 ? -1 : (long) (left / s.downRate());
        StringBuilder b = new StringBuilder(256).append("{\"event\":\"status\",").append(identity(s))
                .append(",\"state\":\"").append(s.state().label()).append("\",\"percent\":").append(Units.decimal(100 * s.fraction(), 2))
                .append(",\"have_bytes\":").append(s.haveBytes()).append(",\"total_bytes\":").append(s.totalBytes())
                .append(",\"downloaded_bytes\":").append(s.downloadedBytes()).append(",\"uploaded_bytes\":").append(s.uploadedBytes())
                .append(",\"down_rate_bytes_per_s\":").append((long) s.downRate())
                .append(",\"up_rate_bytes_per_s\":").append((long) s.upRate())
                .append(",\"peers\":").append(s.connections()).append(",\"known_peers\":").append(s.knownPeers())
                .append(",\"seeds\":").append(s.seeds()).append(",\"eta_seconds\":").append(etaSeconds)
                .append(",\"stalled\":").append(s.stalled() == null ? "null" : Units.json(s.stalled()))
                .append(",\"closed_connections\":").append(closes(s.closes()))
                .append(",\"dropped_tracker_replies\":").append(s.droppedTrackerReplies())
                .append(",\"checked_percent\":").append(s.checkedFraction() < 0 ? "null" : Units.decimal(100 * s.checkedFraction(), 2));
        if (files != null) {
            b.append(",\"files\":[");
            boolean first = true;
            for (int i = 0; i < files.size(); i++) {
                if (!files.get(i).padding()) {
                    b.append(first ? "" : ",").append("{\"path\":").append(Units.json(files.get(i).displayPath()))
                        .append(",\"total_bytes\":").append(files.get(i).length()).append(",\"have_bytes\":").append(Math.max(0, fileDone[i]))
                        .append(fileDone[i] < 0 ? ",\"selected\":false}" : "}");
                    first = false;
                }
            }
            b.append(']');
        }
        return b.append('}').toString();
    }

    /**
     * The last line: where the data is ({@code where}: its absolute path, or the name before there
     * is one), the download's size, time and speed (up to completion, not counting the seeding
     * after it), then seeding time, uploaded bytes and ratio; a stopped download says how to resume.
     */
    static String summaryLine(Status s, String where, boolean complete, double totalSeconds, boolean seeded) {
        double downloadSeconds = s.completedAfterMillis() >= 0 ? Math.max(0.001, s.completedAfterMillis() / 1000.0) : totalSeconds;
        double seedingSeconds = s.completedAfterMillis() >= 0 && seeded ? Math.max(0, totalSeconds - downloadSeconds) : 0;
        double ratio = s.totalBytes() == 0 ? 0 : (double) s.uploadedBytes() / s.totalBytes();
        return (complete ? "done: " : "stopped: ") + where + ", " + Units.bytes(s.haveBytes()) + " of "
                + Units.bytes(s.totalBytes()) + " in " + Units.decimal(downloadSeconds, 1) + " s, average "
                + Units.bytes((long) (s.downloadedBytes() / downloadSeconds)) + "/s, downloaded " + Units.bytes(s.downloadedBytes())
                + ", peers used " + s.peersUsed() + (seedingSeconds >= 0.05 ? "; seeded " + Units.decimal(seedingSeconds, 1) + " s" : "")
                + ", uploaded " + Units.bytes(s.uploadedBytes()) + ", ratio " + Units.decimal(ratio, 2)
                + (complete ? "" : "; the same command resumes");
    }

    /** The run's end as one object: {@code event} done or stopped, the download's totals (its speed over its own time, not the seeding after). */
    static String jsonSummary(Status s, String path, boolean complete, double seconds, double ratio) {
        double downloadSeconds = s.completedAfterMillis() >= 0 ? s.completedAfterMillis() / 1000.0 : seconds;
        return "{\"event\":\"" + (complete ? "done" : "stopped") + "\"," + identity(s) + ",\"path\":"
                + (path == null ? "null" : Units.json(path)) + ",\"state\":\"" + s.state().label()
                + "\",\"have_bytes\":" + s.haveBytes() + ",\"total_bytes\":" + s.totalBytes()
                + ",\"downloaded_bytes\":" + s.downloadedBytes() + ",\"uploaded_bytes\":" + s.uploadedBytes()
                + ",\"seconds\":" + Units.decimal(seconds, 1) + ",\"download_seconds\":" + Units.decimal(downloadSeconds, 1)
                + ",\"average_down_bytes_per_s\":" + (long) (s.downloadedBytes() / Math.max(0.001, downloadSeconds))
                + ",\"peers_used\":" + s.peersUsed() + ",\"ratio\":" + Units.decimal(ratio, 2)
                + ",\"closed_connections\":" + closes(s.closes()) + "}";
    }

    private static String identity(Status s) {
        return "\"name\":" + Units.json(s.name()) + ",\"info_hash\":\"" + s.infoHashHex() + "\",\"elapsed_seconds\":"
                + Units.decimal(s.elapsedMillis() / 1000.0, 1);
    }

    /** Close reasons are enum names: no escaping needed. */
    private static String closes(java.util.Map<String, Integer> closes) {
        StringBuilder b = new StringBuilder("{");
        for (java.util.Map.Entry<String, Integer> e : closes.entrySet()) {
            b.append(b.length() > 1 ? "," : "").append('"').append(e.getKey()).append("\":").append(e.getValue());
        }
        return b.append('}').toString();
    }

    static String eta(Status s) {
        long left = s.totalBytes() - s.haveBytes();
        if (left == 0) {
            return "0s";
        }
        if (s.downRate() < 1) {
            return "--";
        }
        return duration((long) (left / s.downRate()));
    }

    private static String duration(long secs) {
        if (secs >= 100 * 3600) {
            return "--";
        }
        return secs >= 3600 ? (secs / 3600) + "h" + (secs % 3600 / 60) + "m"
                : secs >= 60 ? (secs / 60) + "m" + (secs % 60) + "s" : secs + "s";
    }
}
