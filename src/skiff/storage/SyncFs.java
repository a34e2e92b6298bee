package skiff.storage;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Forces whole filesystems to disk with one {@code syncfs(2)} each, through {@code sync -f}
 * (coreutils 8.24 and later, busybox built with its "fancy" sync): the JDK can force a file, not a
 * filesystem. On ext4, forcing 4,000 freshly written small files one fsync after another took 2.3
 * s; one syncfs of the same data 0.15 s, as the journal commits once. A caller forces file by file
 * when this answers false: no {@code sync}, one without {@code -f}, or a kernel older than 5.8,
 * whose syncfs does not report a failed write (an fsync does, and a resume file must never vouch
 * for data the disk did not take). Blocking: run it on a worker.
 */
final class SyncFs {
    /** Directories per {@code sync} command: a torrent's thousands of folders fit no command line. */
    static final int MAX_ARGS = 256;
    /** Longer than this, and the filesystem is stuck or busy with others' data: force file by file instead. */
    static final long TIMEOUT_SECONDS = 120;

    private final String command;
    private volatile boolean usable;

    /** {@code kernel}: the running kernel's release, as {@code os.version} gives it. */
    SyncFs(String command, String kernel) {
        this.command = command;
        this.usable = reportsErrors(kernel);
    }

    /** The {@code sync} on the PATH, on this kernel. */
    static SyncFs system() {
        return new SyncFs("sync", System.getProperty("os.name", "").equals("Linux") ? System.getProperty("os.version", "") : "");
    }

    /** Linux 5.8 and later: syncfs returns the filesystem's write errors since the caller opened it. */
    static boolean reportsErrors(String kernel) {
        String[] parts = kernel.split("[.-]", 3);
        if (parts.length < 2) {
            return false;
        }
        try {
            int major = Integer.parseInt(parts[0]);
            int minor = Integer.parseInt(parts[1]);
            return major > 5 || (major == 5 && minor >= 8);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /**
     * Forces the filesystems holding {@code dirs}; false when it could not, and from then on (the
     * caller then forces file by file, which reports a failed write of its own).
     */
    boolean sync(Collection<Path> dirs) {
        if (!usable) {
            return false;
        }
        List<Path> all = new ArrayList<>(dirs);
        for (int from = 0; from < all.size(); from += MAX_ARGS) {
            List<String> cmd = new ArrayList<>();
            cmd.add(command);
            cmd.add("-f");
            for (Path p : all.subList(from, Math.min(all.size(), from + MAX_ARGS))) {
                cmd.add(p.toString());
            }
            if (!run(cmd)) {
                return false;
            }
        }
        return true;
    }

    private boolean run(List<String> cmd) {
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(devNull()))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException | UnsupportedOperationException e) {
            usable = false; // no such command: never again
            return false;
        }
        try {
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                usable = false;
                return false;
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            return false;
        }
        if (p.exitValue() != 0) {
            usable = false; // a sync without -f, or a write that failed: file by file from now on
            return false;
        }
        return true;
    }

    private static java.io.File devNull() {
        return new java.io.File("/dev/null");
    }
}
