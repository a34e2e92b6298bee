package skiff.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import skiff.testutil.Content;
import skiff.testutil.NatRouter;
import skiff.testutil.Procs;
import skiff.testutil.SkiffProcess;

/**
 * Port mapping against miniupnpd, a router's own daemon, in network namespaces: skiff on the LAN
 * seeds behind it, gets its port forwarded (TCP and UDP) by NAT-PMP or by UPnP, a libtorrent
 * peer outside the router downloads through the forward, and at skiff's exit the forwards are gone.
 */
@Tag("interop")
class PortMapInteropTest {
    @TempDir
    Path tmp;

    @Test
    void natPmpForwardsThePortAndTheExitRemovesIt() throws Exception {
        mapsSeedsAndUnmaps(true, false, "NAT-PMP");
    }

    @Test
    void upnpForwardsThePortAndTheExitRemovesIt() throws Exception {
        mapsSeedsAndUnmaps(false, true, "UPnP");
    }

    private void mapsSeedsAndUnmaps(boolean natPmp, boolean upnp, String method) throws Exception {
        NatRouter.requireTools();
        Path seed = Files.createDirectories(tmp.resolve("seed"));
        Path file = Content.random(seed.resolve("file.bin"), Interop.shortRun() ? 2 << 20 : 16 << 20, 77);
        Interop.torrent(file, tmp.resolve("t.torrent"), List.of(), 1 << 16);
        int port = 40000 + (int) (ProcessHandle.current().pid() % 20000); // a fresh namespace: any port is free
        Path debug = tmp.resolve("debug.log");
        try (NatRouter router = NatRouter.start(Files.createDirectories(tmp.resolve("router")), natPmp, upnp)) {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            long started = System.nanoTime();
            SkiffProcess skiff = SkiffProcess.command(tmp.resolve("skiff.log"), router.inLan(List.of(java, "-jar",
                Path.of("build/skiff.jar").toAbsolutePath().toString(), "--port-map", "--seed", "-q", "-l", "DEBUG",
                "--log-file", debug.toString(), "--port", String.valueOf(port), "-d", seed.toString(), tmp.resolve("t.torrent").toString())));
            try {
                String mapped = awaitLine(debug, "port mapped by the router", skiff.process, 30);
                System.out.printf("port map | %-7s | mapped %d ms after skiff started (JVM start included)%n", method,
                    (System.nanoTime() - started) / 1_000_000);
                assertEquals("outside " + NatRouter.OUTSIDE + ":" + port + " TCP+UDP (" + method + ")",
                    mapped.substring(mapped.indexOf("outside ")), Files.readString(debug));
                List<String> forwards = router.forwards();
                String to = "dport " + port + " dnat ip to " + NatRouter.LAN_ADDRESS + ":" + port;
                assertEquals(2, forwards.stream().filter(f -> f.contains(to)).count(), "TCP and UDP: " + forwards);
                assertTrue(forwards.stream().anyMatch(f -> f.contains("0x6 ")) && forwards.stream().anyMatch(f -> f.contains("0x11 ")),
                    forwards::toString);
                if (upnp) { // miniupnpc's own client sees them too
                    String listed = router.upnpList();
                    for (String protocol : List.of("TCP", "UDP")) {
                        assertTrue(listed.contains(protocol + " " + port + "->" + NatRouter.LAN_ADDRESS + ":" + port), listed);
                    }
                }

                Path got = Files.createDirectories(tmp.resolve("outside"));
                Process peer = Procs.start(router.inWan(List.of("/usr/bin/python3", Path.of("tools/lt_peer.py").toAbsolutePath().toString(),
                    "--torrent", tmp.resolve("t.torrent").toString(), "--save-path", got.toString(), "--port", "6881",
                    "--bind", NatRouter.WAN_ADDRESS, "--peer", NatRouter.OUTSIDE + ":" + port, "--exit-when-done",
                    "--seconds", String.valueOf(Interop.timeoutSeconds()))), tmp.resolve("peer.log"));
                try {
                    assertTrue(peer.waitFor(Interop.timeoutSeconds() + 10, TimeUnit.SECONDS), "the peer outside finished");
                    assertEquals(0, peer.exitValue(), Files.readString(tmp.resolve("peer.log")));
                } finally {
                    Procs.stop(peer);
                }
                Content.assertSameBytes(file, got.resolve("file.bin"));

                skiff.process.destroy(); // SIGTERM: skiff stops as on Ctrl-C
                assertTrue(skiff.process.waitFor(20, TimeUnit.SECONDS), "skiff stopped");
                assertEquals(List.of(), router.forwards(), "skiff removed its forwards at exit");
                assertTrue(router.miniupnpdLog().contains(method.equals("UPnP") ? "DeletePortMapping" : "lifetime=0"),
                    "removed by " + method);
            } finally {
                Procs.stop(skiff.process);
            }
        }
    }

    /** The first line of {@code log} holding {@code text}, waiting at most {@code seconds} while {@code p} runs. */
    private static String awaitLine(Path log, String text, Process p, int seconds) throws Exception {
        Pattern line = Pattern.compile("^.*" + Pattern.quote(text) + ".*$", Pattern.MULTILINE);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (Files.exists(log)) {
                Matcher m = line.matcher(Files.readString(log));
                if (m.find()) {
                    return m.group();
                }
            }
            if (p.waitFor(50, TimeUnit.MILLISECONDS)) {
                break;
            }
        }
        throw new AssertionError("no '" + text + "' in " + (Files.exists(log) ? Files.readString(log) : "(no log)"));
    }
}
