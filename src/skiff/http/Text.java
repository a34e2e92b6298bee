package skiff.http;

import java.util.ArrayList;
import java.util.List;

/**
 * Lines, words and character classes of protocol text, without {@code java.util.regex}: a pattern
 * loads about 30 classes and makes more at run time, which every start of the image pays for in
 * private memory and CPU (it is not in the class-data archive's list of what a download needs).
 */
public final class Text {
    private Text() {
    }

    /** The lines of {@code s}, split at LF with a CR before it dropped, at most {@code max}; trailing empty lines dropped. */
    public static List<String> lines(String s, int max) {
        List<String> out = new ArrayList<>();
        int start = 0;
        while (start <= s.length() && out.size() < max) {
            int nl = out.size() == max - 1 ? -1 : s.indexOf('\n', start);
            int end = nl < 0 ? s.length() : nl;
            out.add(s.substring(start, end > start && s.charAt(end - 1) == '\r' && nl >= 0 ? end - 1 : end));
            if (nl < 0) {
                break;
            }
            start = nl + 1;
        }
        while (!out.isEmpty() && out.get(out.size() - 1).isEmpty()) {
            out.remove(out.size() - 1);
        }
        return out;
    }

    /** The words of {@code s}: runs of characters between spaces, tabs and line ends. */
    public static List<String> words(String s) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            while (i < s.length() && space(s.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < s.length() && !space(s.charAt(i))) {
                i++;
            }
            if (i > start) {
                out.add(s.substring(start, i));
            }
        }
        return out;
    }

    /** Whether {@code s} is not empty and holds only ASCII digits. */
    public static boolean digits(String s) {
        return only(s, "0123456789");
    }

    /** Whether {@code s} is not empty and holds only ASCII hexadecimal digits. */
    public static boolean hex(String s) {
        return only(s, "0123456789abcdefABCDEF");
    }

    /** Whether {@code s} is not empty and holds only characters of {@code allowed}. */
    public static boolean only(String s, String allowed) {
        for (int i = 0; i < s.length(); i++) {
            if (allowed.indexOf(s.charAt(i)) < 0) {
                return false;
            }
        }
        return !s.isEmpty();
    }

    /** Regular expressions' {@code \s}: space, tab, line feed, vertical tab, form feed, carriage return. */
    public static boolean space(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r';
    }
}
