package skiff.cli;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import skiff.http.Text;

/**
 * The terminal's size: {@code COLUMNS}/{@code LINES} when set (shells rarely export them), else
 * what {@code stty size} says of {@code /dev/tty}, else 80 by 24. Asked once at the start and again
 * on SIGWINCH, on a worker: it starts a process.
 */
record Terminal(int columns, int rows) {
    static final Terminal DEFAULT = new Terminal(80, 24);

    static Terminal ask() {
        int envColumns = number(System.getenv("COLUMNS"));
        int envRows = number(System.getenv("LINES"));
        Terminal stty = envColumns > 0 && envRows > 0 ? null : stty();
        int columns = envColumns > 0 ? envColumns : stty != null ? stty.columns : DEFAULT.columns;
        int rows = envRows > 0 ? envRows : stty != null ? stty.rows : DEFAULT.rows;
        return new Terminal(columns, rows);
    }

    /** {@code stty size} on the controlling terminal: "rows columns"; null when there is none. */
    private static Terminal stty() {
        File tty = new File("/dev/tty");
        if (!tty.canRead()) {
            return null;
        }
        try {
            Process p = new ProcessBuilder("stty", "size").redirectInput(tty).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(1, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            List<String> parts = Text.words(new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
            if (parts.size() == 2 && number(parts.get(0)) > 0 && number(parts.get(1)) > 0) {
                return new Terminal(number(parts.get(1)), number(parts.get(0)));
            }
        } catch (java.io.IOException | RuntimeException e) {
            // no stty, or no terminal: the default
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return null;
    }

    private static int number(String s) {
        try {
            return s == null ? -1 : Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
