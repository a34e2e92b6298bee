package skiff.metainfo;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Decides whether a name from a .torrent may become a file name under the download directory.
 * skiff refuses unsafe names rather than rewriting them: a rewritten name silently changes what
 * the user gets, while a refusal says exactly what is wrong. Storage checks again, on the
 * resolved path, that nothing leaves the download directory.
 */
public final class PathSafety {
    /** Most Linux file systems refuse longer names (NAME_MAX). */
    public static final int MAX_COMPONENT_BYTES = 255;
    /** Deeper paths only serve to exhaust PATH_MAX or the stack of a recursive walker. */
    public static final int MAX_DEPTH = 64;
    /** A whole relative path beyond this exceeds Linux PATH_MAX once joined to a directory. */
    public static final int MAX_PATH_BYTES = 3072;

    private PathSafety() {
    }

    /** Returns null when the component is safe, else the reason it is not. */
    public static String problem(String component) {
        if (component.isEmpty()) {
            return "empty path component";
        }
        if (component.equals(".") || component.equals("..")) {
            return "path component '" + component + "' leaves its folder";
        }
        if (component.getBytes(StandardCharsets.UTF_8).length > MAX_COMPONENT_BYTES) {
            return "path component longer than " + MAX_COMPONENT_BYTES + " bytes";
        }
        for (int i = 0; i < component.length(); i++) {
            char c = component.charAt(i);
            if (c == '/' || c == '\\') {
                return "path component contains a path separator";
            }
            if (c < 0x20 || c == 0x7f) {
                return "path component contains a control character";
            }
        }
        if (component.length() >= 2 && component.charAt(1) == ':' && isAsciiLetter(component.charAt(0))) {
            return "path component looks like a drive letter";
        }
        return null;
    }

    /** Throws with a clear reason when any component of {@code path} is unsafe. */
    public static void check(List<String> path, String what) throws MetainfoException {
        if (path.isEmpty()) {
            throw new MetainfoException(what + " has an empty path");
        }
        if (path.size() > MAX_DEPTH) {
            throw new MetainfoException(what + " is nested deeper than " + MAX_DEPTH + " folders");
        }
        int total = 0;
        for (String component : path) {
            String problem = problem(component);
            if (problem != null) {
                throw new MetainfoException("unsafe " + what + " '" + printable(String.join("/", path)) + "': " + problem);
            }
            total += component.getBytes(StandardCharsets.UTF_8).length + 1;
        }
        if (total > MAX_PATH_BYTES) {
            throw new MetainfoException(what + " path longer than " + MAX_PATH_BYTES + " bytes");
        }
    }

    /** A name made safe to print on one terminal line: control characters become '?'. */
    public static String printable(String s) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), 200));
        for (int i = 0; i < s.length() && b.length() < 200; i++) {
            char c = s.charAt(i);
            b.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return b.toString();
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }
}
