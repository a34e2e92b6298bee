package skiff.testutil;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import org.junit.jupiter.api.Assumptions;

/** External tools for tests: skipped outside CI when missing, a loud failure in CI. */
public final class Tools {
    private Tools() {
    }

    public static boolean inCi() {
        String ci = System.getenv("CI");
        return ci != null && !ci.isEmpty() && !ci.equals("false");
    }

    /** Returns the tool's path, or skips (outside CI) / fails (in CI) when it is not installed. */
    public static String require(String tool) {
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                File f = new File(dir, tool);
                if (f.canExecute()) {
                    return f.getPath();
                }
            }
        }
        missing(tool);
        return null;
    }

    /** Skips (outside CI) or fails (in CI) because {@code what} is not installed. */
    public static void missing(String what) {
        String why = what + " is not installed (.ci/run installs it)";
        if (inCi()) {
            fail(why);
        }
        Assumptions.abort(why);
    }
}
