package skiff.testutil;

import java.util.ArrayList;
import java.util.List;

/**
 * Just enough of a terminal to check a status display: a cursor on a screen of fixed size that
 * follows carriage returns, newlines, cursor-up and auto-wrap, counting scrolls. A redraw of
 * skiff's status starts where its erase-line is followed by a carriage return; at each the
 * cursor's row and the scrolls so far are noted, so a test sees whether every redraw starts on
 * the same row with nothing scrolled in between (a line too wide for the screen would wrap and
 * push each redraw one row further down).
 */
public final class TerminalScreen {
    private final int columns;
    private final int rows;
    private int row;
    private int col;
    public int scrolls;
    /** For each redraw: the row it started on, and the scrolls before it. */
    public final List<Integer> redrawRows = new ArrayList<>();
    public final List<Integer> scrollsAtRedraw = new ArrayList<>();

    public TerminalScreen(int columns, int rows) {
        this.columns = columns;
        this.rows = rows;
    }

    public TerminalScreen feed(String out) {
        for (int i = 0; i < out.length(); i++) {
            char c = out.charAt(i);
            if (c == '\r') {
                col = 0;
            } else if (c == '\n') {
                down();
            } else if (c == '\u001b' && i + 1 < out.length() && out.charAt(i + 1) == '[') {
                int j = i + 2;
                while (j < out.length() && !Character.isLetter(out.charAt(j))) {
                    j++;
                }
                String arg = out.substring(i + 2, Math.min(j, out.length()));
                char cmd = j < out.length() ? out.charAt(j) : ' ';
                if (cmd == 'A') {
                    row = Math.max(0, row - (arg.isEmpty() ? 1 : Integer.parseInt(arg)));
                } else if (cmd == 'K' && j + 1 < out.length() && out.charAt(j + 1) == '\r') {
                    redrawRows.add(row);
                    scrollsAtRedraw.add(scrolls);
                }
                i = j;
            } else if (c >= ' ') {
                if (col == columns) { // the previous character filled the line: this one wraps
                    col = 0;
                    down();
                }
                col++;
            }
        }
        return this;
    }

    private void down() {
        if (row == rows - 1) {
            scrolls++;
        } else {
            row++;
        }
    }
}
