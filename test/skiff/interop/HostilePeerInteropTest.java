package skiff.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import skiff.testutil.Content;
import skiff.testutil.HostilePeer;
import skiff.testutil.Ports;
import skiff.testutil.SkiffProcess;

/**
 * One hostile peer beside one honest (slowed) libtorrent seeder: whatever the hostile one does,
 * the download completes from the honest one, within a 64 MiB heap, and the bytes on disk match.
 */
@Tag("interop")
class HostilePeerInteropTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @EnumSource(HostilePeer.Behaviour.class)
    void downloadSurvives(HostilePeer.Behaviour behaviour) throws Exception {
        survives(behaviour, "mmap");
    }

    /** The behaviours that reach the block path, again with whole blocks written by pwrite. */
    @ParameterizedTest
    @EnumSource(names = {"HUGE_LENGTH", "UNREQUESTED_PIECES", "CORRUPT_DATA", "TRICKLE"})
    void downloadSurvivesWithPositionalDiskIo(HostilePeer.Behaviour behaviour) throws Exception {
        survives(behaviour, "positional");
    }

    private void survives(HostilePeer.Behaviour behaviour, String diskIo) throws Exception {
        long size = 6L << 20;
        try (SeededTorrent t = SeededTorrent.create(tmp, size, 41, 64 << 10); HostilePeer bad = new HostilePeer(t.meta, behaviour)) {
            bad.announce(t.tracker.http());
            t.libtorrent("--upload-limit", String.valueOf(size / 4));
            t.tracker.awaitSeeders(t.meta.infoHashHex(), 2, 30);
            List<String> cmd = List.of("-l", "DEBUG", "-d", tmp.resolve("dl").toString(), "--port",
                String.valueOf(Ports.free()), "--disk-io", diskIo, t.torrent.toString());
            SkiffProcess skiff = SkiffProcess.startWithJvm(tmp.resolve("skiff.log"), List.of("-Xmx64m"), cmd);
            int code = skiff.waitFor(Interop.timeoutSeconds());
            String log = skiff.output();
            assertEquals(0, code, log.length() > 6000 ? log.substring(0, 6000) : log);
            assertTrue(bad.connections.get() >= 1, "skiff met the hostile peer");
            Content.assertSameBytes(t.file, tmp.resolve("dl/file.bin"));
            if (behaviour == HostilePeer.Behaviour.CORRUPT_DATA && bad.notes.stream().anyMatch(n -> n.startsWith("served"))) {
                assertTrue(log.contains("banned 127.0.0.1:" + bad.port()), "the corrupting peer is banned");
            }
        }
    }
}
