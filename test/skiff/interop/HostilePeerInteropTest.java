package skiff.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import skiff.metainfo.Metainfo;
import skiff.testutil.Content;
import skiff.testutil.HostilePeer;
import skiff.testutil.Opentracker;
import skiff.testutil.Ports;
import skiff.testutil.Procs;
import skiff.testutil.ReferencePeers;
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
        Path seed = Files.createDirectories(tmp.resolve("seed"));
        long size = 6L << 20;
        Content.random(seed.resolve("file.bin"), size, 41);
        Path torrent = tmp.resolve("t.torrent");
        Metainfo m = Interop.torrent(seed.resolve("file.bin"), torrent, List.of("http://127.0.0.1:1/announce"), 64 << 10);
        try (Opentracker ot = Opentracker.start(List.of(m.infoHashHex())); HostilePeer bad = new HostilePeer(m, behaviour)) {
            Interop.torrent(seed.resolve("file.bin"), torrent, List.of(ot.http()), 64 << 10);
            bad.announce(ot.http());
            Process lt = ReferencePeers.libtorrent(torrent, seed, Ports.free(), tmp.resolve("lt.log"),
                "--upload-limit", String.valueOf(size / 4));
            try {
                ot.awaitSeeders(m.infoHashHex(), 2, 30);
                List<String> cmd = List.of("-l", "DEBUG", "-d", tmp.resolve("dl").toString(), "--port",
                    String.valueOf(Ports.free()), torrent.toString());
                SkiffProcess skiff = SkiffProcess.startWithJvm(tmp.resolve("skiff.log"), List.of("-Xmx64m"), cmd);
                int code = skiff.waitFor(Interop.timeoutSeconds());
                String log = skiff.output();
                assertEquals(0, code, log.length() > 6000 ? log.substring(0, 6000) : log);
                assertTrue(bad.connections.get() >= 1, "skiff met the hostile peer");
                Content.assertSameBytes(seed.resolve("file.bin"), tmp.resolve("dl/file.bin"));
                if (behaviour == HostilePeer.Behaviour.CORRUPT_DATA && !bad.notes.stream().noneMatch(n -> n.startsWith("served"))) {
                    assertTrue(log.contains("banned 127.0.0.1:" + bad.port()), "the corrupting peer is banned");
                }
            } finally {
                Procs.stop(lt);
            }
        }
    }
}
