package skiff.testutil;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Samples a running process from /proc every 50 ms: CPU seconds (user + system) and peak
 * anonymous memory (RssAnon), the figures the benchmarks report. Linux only; stops with the process.
 */
public final class ProcStats implements AutoCloseable {
    private static final double CLOCK_TICKS_PER_SEC = 100.0; // USER_HZ on Linux
    private final long pid;
    private final Thread thread;
    private volatile double cpuSeconds;
    private volatile long peakRssAnonKib;
    private volatile boolean running = true;

    public ProcStats(Process p) {
        this.pid = p.pid();
        this.thread = new Thread(this::sample, "proc-stats-" + pid);
        thread.setDaemon(true);
        thread.start();
    }

    private void sample() {
        for (int i = 0; i < 20 * 3600 && running; i++) { // an hour at most
            try {
                String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                cpuSeconds = (Long.parseLong(f[11]) + Long.parseLong(f[12])) / CLOCK_TICKS_PER_SEC;
                for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
                    if (line.startsWith("RssAnon:")) {
                        long kib = Long.parseLong(line.replaceAll("[^0-9]", ""));
                        peakRssAnonKib = Math.max(peakRssAnonKib, kib);
                    }
                }
                Thread.sleep(50);
            } catch (IOException | RuntimeException e) {
                return; // the process is gone
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** CPU seconds at the last sample before the process ended. */
    public double cpuSeconds() {
        return cpuSeconds;
    }

    public double peakRssAnonMib() {
        return peakRssAnonKib / 1024.0;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(1000);
    }
}
