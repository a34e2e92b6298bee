package skiff.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

/**
 * --on-complete CMD (aria2's --on-download-complete, transmission's -f): once a torrent's data
 * is all verified, {@code /bin/sh -c CMD} runs on a worker (starting a process blocks), with
 * SKIFF_PATH (the file or the torrent's folder), SKIFF_NAME and SKIFF_INFO_HASH in its
 * environment. Its output goes to our stderr, so stdout stays ours (--json). A command that
 * fails is a warning, never the download's failure. It gets the environment skiff was started
 * with, less what the image's launcher added for the JVM.
 */
final class CompletionHook {
    private CompletionHook() {
    }

    static void run(Executor workers, Executor loop, String command, Path path, String name, String infoHashHex,
                    Consumer<String> warn) {
        try {
            workers.execute(() -> {
                ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", "exec 1>&2\n" + command)
                    .redirectError(ProcessBuilder.Redirect.INHERIT).redirectInput(ProcessBuilder.Redirect.from(devNull()));
                Map<String, String> env = pb.environment();
                if (Boolean.getBoolean("skiff.launcherSetMallocArenaMax")) {
                    env.remove("MALLOC_ARENA_MAX"); // the image's launcher set it for the JVM alone
                }
                env.put("SKIFF_PATH", path.toAbsolutePath().normalize().toString());
                env.put("SKIFF_NAME", name);
                env.put("SKIFF_INFO_HASH", infoHashHex);
                try {
                    int code = pb.start().waitFor();
                    if (code != 0) {
                        loop.execute(() -> warn.accept("--on-complete command exited with " + code));
                    }
                } catch (IOException e) {
                    loop.execute(() -> warn.accept("--on-complete command did not start: " + e.getMessage()));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt(); // skiff is ending; the command goes on by itself
                }
            });
        } catch (RejectedExecutionException e) {
            warn.accept("--on-complete command not run: skiff is stopping");
        }
    }

    private static java.io.File devNull() {
        return new java.io.File("/dev/null");
    }
}
