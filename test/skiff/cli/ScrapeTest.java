package skiff.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import skiff.metainfo.MetainfoParser;
import skiff.testutil.Opentracker;

/** skiff show --scrape against a real opentracker, over HTTP and UDP, and a dead tracker. */
class ScrapeTest {
    @TempDir
    Path tmp;

    @Test
    void showScrapeAsksEveryTracker() throws Exception {
        String hash = "d80b1b8092a2eccc79e80a91c7140923ff74c7a3"; // the content/data fixture at 32 KiB pieces
        try (Opentracker ot = Opentracker.start(List.of(hash))) {
            Path torrent = tmp.resolve("t.torrent");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Main main = new Main(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
            assertEquals(0, main.run(new String[] {"create", "--no-date", "--piece-size", "32K", "-t", ot.http(), "-t", ot.udp(),
                "-t", "http://127.0.0.1:1/announce", "-o", torrent.toString(), "test/fixtures/content/data"}), err.toString());
            assertEquals(hash, MetainfoParser.parse(java.nio.file.Files.readAllBytes(torrent)).infoHashHex());
            out.reset();
            assertEquals(0, main.run(new String[] {"show", "--scrape", torrent.toString()}), err.toString());
            String text = out.toString(StandardCharsets.UTF_8);
            assertTrue(text.contains(ot.http() + ": seeders 0, leechers 0, downloaded 0"), text);
            assertTrue(text.contains(ot.udp() + ": seeders 0, leechers 0, downloaded 0"), text);
            assertTrue(text.contains("http://127.0.0.1:1/announce: "), text);
        }
    }
}
