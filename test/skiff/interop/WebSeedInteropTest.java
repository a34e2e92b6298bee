package skiff.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import skiff.testutil.Content;
import skiff.testutil.Ports;
import skiff.testutil.Procs;
import skiff.testutil.ReferencePeers;
import skiff.testutil.SkiffProcess;
import skiff.testutil.TlsProxy;
import skiff.testutil.WebServer;

/**
 * Web seeds (BEP 19) served by nginx on 127.0.0.1: a multi-file torrent from a web seed alone,
 * over HTTP and over HTTPS; and beside a libtorrent seeder, a web seed with corrupt data is
 * banned and one that lacks the file is named, while the download completes.
 */
@Tag("interop")
class WebSeedInteropTest {
    private static final String TRACKER = "http://127.0.0.1:1/announce"; // nobody: the web seed is the only source

    @TempDir
    Path tmp;

    @Test
    void aMultiFileTorrentComesFromAWebSeedAloneOverHttpAndHttps() throws Exception {
        Path www = Files.createDirectories(tmp.resolve("www"));
        Path tree = Content.multiFile(www.resolve("tree"), Interop.bigBytes() / 4);
        try (WebServer web = WebServer.start(www); TlsProxy tls = TlsProxy.start(web.port)) {
            String[][] cases = {{"http", web.url("/")}, {"https", "https://localhost:" + tls.port + "/"}};
            for (String[] c : cases) {
                Path torrent = tmp.resolve(c[0] + ".torrent");
                Interop.torrent(tree, torrent, List.of(TRACKER), 32 << 10, List.of(c[1]));
                Path dl = Files.createDirectories(tmp.resolve("dl-" + c[0]));
                List<String> jvm = c[0].equals("https") ? tls.trustingJvmOptions(tmp) : List.of();
                SkiffProcess skiff = SkiffProcess.startWithJvm(tmp.resolve(c[0] + ".log"), jvm, List.of("-l", "DEBUG", "-d",
                    dl.toString(), "--port", String.valueOf(Ports.free()), "--no-dht", "--no-port-map", torrent.toString()));
                try {
                    assertEquals(0, skiff.waitFor(Interop.timeoutSeconds()), c[0] + ": " + Interop.tail(skiff.output()));
                } finally {
                    Procs.stop(skiff.process);
                }
                Content.assertSameTree(tree, dl.resolve("tree"));
                assertTrue(skiff.output().contains(c[1] + ": handshake (web seed)"), c[0] + ": " + Interop.tail(skiff.output()));
            }
            String log = web.accessLog();
            assertTrue(log.contains("\"GET /tree/a/b/c/deep.bin HTTP/1.1\" 206 "), Interop.tail(log));
            assertTrue(!log.contains("zero.bin"), "an empty file is never asked for");
        }
    }

    /** A magnet link's ws= (with the metadata from a libtorrent peer that has no data to give) brings the data. */
    @Test
    void aMagnetLinksWebSeedBringsTheData() throws Exception {
        Path www = Files.createDirectories(tmp.resolve("www"));
        Path source = Content.random(www.resolve("movie.bin"), Interop.bigBytes() / 4, 43);
        Path torrent = tmp.resolve("t.torrent");
        skiff.metainfo.Metainfo m = Interop.torrent(source, torrent, List.of(TRACKER), 64 << 10);
        Path empty = Files.createDirectories(tmp.resolve("lt-empty"));
        int ltPort = Ports.free();
        Path ltLog = tmp.resolve("lt.log");
        // a leecher with nothing: it can give the metadata (BEP 9), not one piece
        Process lt = ReferencePeers.libtorrent(torrent, empty, ltPort, ltLog, "--extensions", "ut_metadata");
        try (WebServer web = WebServer.start(www)) {
            Interop.awaitFile(lt, ltLog, "state=downloading", 60);
            String magnet = "magnet:?xt=urn:btih:" + m.infoHashHex() + "&ws=" + web.url("/movie.bin") + "&x.pe=127.0.0.1:" + ltPort;
            Path dl = Files.createDirectories(tmp.resolve("dl"));
            SkiffProcess skiff = SkiffProcess.start(tmp.resolve("skiff.log"), "-l", "DEBUG", "-d", dl.toString(), "--port",
                String.valueOf(Ports.free()), "--no-dht", "--no-port-map", magnet);
            try {
                assertEquals(0, skiff.waitFor(Interop.timeoutSeconds()), Interop.tail(skiff.output()));
            } finally {
                Procs.stop(skiff.process);
            }
            Content.assertSameBytes(source, dl.resolve("movie.bin"));
            assertTrue(skiff.output().contains(web.url("/movie.bin") + ": handshake (web seed)"), Interop.tail(skiff.output()));
        } finally {
            Procs.stop(lt);
        }
    }

    @Test
    void aCorruptWebSeedIsBannedAndAMissingOneNamedWhileAPeerCompletesTheDownload() throws Exception {
        Path seedDir = Files.createDirectories(tmp.resolve("seed"));
        Path source = Content.random(seedDir.resolve("big.bin"), Interop.bigBytes() / 4, 41);
        Path www = Files.createDirectories(tmp.resolve("www/bad"));
        Path bad = Files.copy(source, www.resolve("big.bin"));
        try (FileChannel ch = FileChannel.open(bad, StandardOpenOption.WRITE)) {
            for (long at = 1000; at < Files.size(bad); at += 1 << 20) { // a bad byte in every MiB
                ch.write(java.nio.ByteBuffer.wrap(new byte[] {0x55}), at);
            }
        }
        try (WebServer web = WebServer.start(tmp.resolve("www"))) {
            String badUrl = web.url("/bad/big.bin");
            String missingUrl = web.url("/missing/big.bin");
            Path torrent = tmp.resolve("t.torrent");
            Interop.torrent(source, torrent, List.of(TRACKER), 64 << 10, List.of(badUrl, missingUrl));
            int seedPort = Ports.free();
            Path ltLog = tmp.resolve("lt.log");
            Process lt = ReferencePeers.libtorrent(torrent, seedDir, seedPort, ltLog);
            SkiffProcess skiff = null;
            try {
                Interop.awaitFile(lt, ltLog, "state=seeding", 60);
                Path dl = Files.createDirectories(tmp.resolve("dl"));
                skiff = SkiffProcess.start(tmp.resolve("skiff.log"), "-l", "DEBUG", "-d", dl.toString(), "--port",
                    String.valueOf(Ports.free()), "--no-dht", "--no-port-map", "--peer", "127.0.0.1:" + seedPort, torrent.toString());
                assertEquals(0, skiff.waitFor(Interop.timeoutSeconds()), Interop.tail(skiff.output()));
                Content.assertSameBytes(source, dl.resolve("big.bin"));
                String out = skiff.output();
                assertTrue(out.contains("banned " + badUrl + ": sent corrupt data"), Interop.tail(out));
                assertTrue(java.util.regex.Pattern.compile("web seed " + java.util.regex.Pattern.quote(missingUrl)
                    + ": big.bin: HTTP 404; trying again in 30 s").matcher(out).find(), Interop.tail(out));
            } finally {
                Procs.stop(lt);
                if (skiff != null) {
                    Procs.stop(skiff.process);
                }
            }
        }
    }
}
