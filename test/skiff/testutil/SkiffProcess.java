package skiff.testutil;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** skiff itself as a user runs it: the built jar in its own JVM. */
public final class SkiffProcess {
    public final Process process;
    public final Path log;

    private SkiffProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    public static SkiffProcess start(Path log, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-jar", "build/skiff.jar"));
        cmd.addAll(List.of(args));
        return new SkiffProcess(Procs.start(cmd, log), log);
    }

    /** Any command that runs skiff, the jlink image's launcher say. */
    public static SkiffProcess command(Path log, List<String> command) throws IOException {
        return new SkiffProcess(Procs.start(command, log), log);
    }

    /** With JVM options (a heap cap, say) before the jar. */
    public static SkiffProcess startWithJvm(Path log, List<String> jvm, List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(jvm);
        cmd.addAll(List.of("-jar", "build/skiff.jar"));
        cmd.addAll(args);
        return new SkiffProcess(Procs.start(cmd, log), log);
    }

    /** Waits at most {@code seconds}; returns the exit code, or -1 after stopping it on timeout. */
    public int waitFor(int seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            Procs.stop(process);
            return -1;
        }
        return process.exitValue();
    }

    /**
     * Waits (bounded) until a status line shows at least {@code percent} done: for acting
     * "mid-download" on a condition rather than after a guessed sleep. Needs --status-interval.
     */
    public void awaitProgress(double percent, int seconds) throws IOException, InterruptedException {
        java.util.regex.Pattern status = java.util.regex.Pattern.compile("\\] +(\\d+\\.\\d)% ");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline && process.isAlive()) {
            java.util.regex.Matcher m = status.matcher(output());
            double seen = -1;
            while (m.find()) {
                seen = Double.parseDouble(m.group(1));
            }
            if (seen >= percent) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("never reached " + percent + "%: " + output());
    }

    public String output() throws IOException {
        return Files.readString(log);
    }
}
