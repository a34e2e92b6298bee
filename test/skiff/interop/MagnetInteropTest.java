package skiff.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import skiff.testutil.Content;
import skiff.testutil.Ports;
import skiff.testutil.Procs;
import skiff.testutil.ReferencePeers;
import skiff.testutil.SkiffProcess;

/** Magnet links (BEP 9/10) against real clients: the metadata from them, and from us. */
@Tag("interop")
class MagnetInteropTest {
    @TempDir
    Path tmp;

    private static long size() {
        return Interop.shortRun() ? 3 << 20 : 64 << 20;
    }

    private static String magnet(String hashText, String rest) {
        return "magnet:?xt=urn:btih:" + hashText + "&dn=file.bin" + rest;
    }

    /** RFC 4648 base32 of the info-hash, as early clients wrote magnet links. */
    private static String base32(byte[] hash) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        StringBuilder b = new StringBuilder();
        long bits = 0;
        int have = 0;
        for (byte x : hash) {
            bits = bits << 8 | (x & 0xff);
            have += 8;
            while (have >= 5) {
                b.append(alphabet.charAt((int) (bits >>> (have - 5)) & 31));
                have -= 5;
            }
        }
        return b.toString();
    }

    private int download(Path dl, String link, String name, String... extra) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("-d", dl.toString(), "--port", String.valueOf(Ports.free()),
            "--status-interval", "1"));
        args.addAll(List.of(extra));
        args.add(link);
        SkiffProcess s = SkiffProcess.start(tmp.resolve(name + ".log"), args.toArray(new String[0]));
        int code = s.waitFor(Interop.timeoutSeconds());
        assertEquals(0, code, s.output());
        return code;
    }

    @Test
    void fromAMagnetWithOnlyPeersThenAgainFromTheKeptMetadata() throws Exception {
        try (SeededTorrent t = SeededTorrent.create(tmp, size(), 81, 64 << 10)) {
            int port = Ports.free();
            t.libtorrent(port, "--extensions", "ut_metadata");
            Path dl = tmp.resolve("dl");
            download(dl, magnet(t.meta.infoHashHex(), "&x.pe=127.0.0.1:" + port), "first");
            Content.assertSameBytes(t.file, dl.resolve("file.bin"));
            String first = Files.readString(tmp.resolve("first.log"));
            assertTrue(first.contains("metadata: " + t.meta.infoBytes().length + " bytes from 1 peer"), first);
            assertTrue(Files.isRegularFile(dl.resolve(".skiff").resolve(t.meta.infoHashHex() + ".torrent")));
            // again, the data gone: the kept metadata is used, nothing is fetched
            Files.delete(dl.resolve("file.bin"));
            download(dl, magnet(t.meta.infoHashHex(), "&x.pe=127.0.0.1:" + port), "second");
            Content.assertSameBytes(t.file, dl.resolve("file.bin"));
            String second = Files.readString(tmp.resolve("second.log"));
            assertFalse(second.contains("fetching its metadata"), second);
        }
    }

    @Test
    void fromABase32MagnetWithOnlyATracker() throws Exception {
        try (SeededTorrent t = SeededTorrent.create(tmp, size(), 82, 64 << 10)) {
            t.libtorrent("--extensions", "ut_metadata");
            Path dl = tmp.resolve("dl");
            String tr = java.net.URLEncoder.encode(t.tracker.http(), java.nio.charset.StandardCharsets.UTF_8);
            Path saved = tmp.resolve("saved.torrent");
            download(dl, magnet(base32(t.meta.infoHash()), "&tr=" + tr), "tracker", "--save-torrent", saved.toString());
            Content.assertSameBytes(t.file, dl.resolve("file.bin"));
            skiff.metainfo.Metainfo m = skiff.metainfo.MetainfoParser.parse(Files.readAllBytes(saved));
            assertEquals(t.meta.infoHashHex(), m.infoHashHex(), "--save-torrent wrote the torrent itself");
            assertEquals(List.of(List.of(t.tracker.http())), m.tiers(), "with the magnet's tracker");
        }
    }

    /** A reference client that seeds the torrent on a port: the test stops it. */
    private interface Seeder {
        Process start(SeededTorrent t, int port) throws Exception;
    }

    /** skiff, given a magnet whose only source is x.pe naming {@code seeder}, downloads byte-exact. */
    private void fromSeederByXpe(long contentSeed, String name, Seeder seeder) throws Exception {
        try (SeededTorrent t = SeededTorrent.create(tmp, size(), contentSeed, 64 << 10)) {
            int port = Ports.free();
            Process p = seeder.start(t, port);
            try {
                Path dl = tmp.resolve("dl");
                download(dl, magnet(t.meta.infoHashHex(), "&x.pe=127.0.0.1:" + port), name);
                Content.assertSameBytes(t.file, dl.resolve("file.bin"));
            } finally {
                Procs.stop(p);
            }
        }
    }

    @Test
    void fromAnAria2Seeder() throws Exception {
        fromSeederByXpe(83, "aria2", (t, port) -> ReferencePeers.aria2(t.torrent, t.seedDir, port, tmp.resolve("aria2.log"),
            "--seed-time=10"));
    }

    @Test
    void fromATransmissionSeeder() throws Exception {
        fromSeederByXpe(85, "transmission", (t, port) -> ReferencePeers.transmission(t.torrent, t.seedDir, port, tmp,
            tmp.resolve("tr.log")));
    }

    /** aria2 with a magnet naming only the tracker finds skiff there, and takes the metadata and data from it. */
    @Test
    void anAria2LeecherGivenOnlyAMagnetGetsEverythingFromSkiff() throws Exception {
        try (SeededTorrent t = SeededTorrent.create(tmp, size(), 86, 64 << 10)) {
            int port = Ports.free();
            SkiffProcess seeder = SkiffProcess.start(tmp.resolve("seed.log"), "-d", t.seedDir.toString(), "--port",
                String.valueOf(port), "--seed", t.torrent.toString());
            try {
                t.tracker.awaitSeeders(t.meta.infoHashHex(), 1, 30);
                Path leech = Files.createDirectories(tmp.resolve("leech"));
                String tr = java.net.URLEncoder.encode(t.tracker.http(), java.nio.charset.StandardCharsets.UTF_8);
                String bin = skiff.testutil.Tools.require("aria2c");
                Process aria = Procs.start(List.of(bin, "--enable-dht=false", "--enable-dht6=false", "--bt-enable-lpd=false",
                    "--enable-peer-exchange=false", "--listen-port=" + Ports.free(), "--interface=127.0.0.1", "--disable-ipv6=true",
                    "--seed-time=0", "--summary-interval=0", "--console-log-level=warn", "--bt-save-metadata=false",
                    "--file-allocation=none", "-d", leech.toString(), magnet(t.meta.infoHashHex(), "&tr=" + tr)), tmp.resolve("aria2.log"));
                try {
                    assertTrue(aria.waitFor(Interop.timeoutSeconds(), TimeUnit.SECONDS), Files.readString(tmp.resolve("aria2.log")));
                    assertEquals(0, aria.exitValue(), Files.readString(tmp.resolve("aria2.log")));
                } finally {
                    Procs.stop(aria);
                }
                Content.assertSameBytes(t.file, leech.resolve("file.bin"));
            } finally {
                Procs.stop(seeder.process);
            }
        }
    }

    @Test
    void aLibtorrentLeecherGivenOnlyAMagnetGetsEverythingFromSkiff() throws Exception {
        try (SeededTorrent t = SeededTorrent.create(tmp, size(), 84, 64 << 10)) {
            int port = Ports.free();
            SkiffProcess seeder = SkiffProcess.start(tmp.resolve("seed.log"), "-d", t.seedDir.toString(), "--port",
                String.valueOf(port), "--seed", t.torrent.toString());
            try {
                assertTrue(Procs.waitForPort(port, seeder.process, 30), seeder.output());
                Path leech = Files.createDirectories(tmp.resolve("leech"));
                Process lt = ReferencePeers.libtorrent(null, leech, Ports.free(), tmp.resolve("lt.log"), "--magnet",
                    magnet(t.meta.infoHashHex(), ""), "--extensions", "ut_metadata", "--peer", "127.0.0.1:" + port, "--exit-when-done");
                try {
                    assertTrue(lt.waitFor(Interop.timeoutSeconds(), TimeUnit.SECONDS), Files.readString(tmp.resolve("lt.log")));
                    assertEquals(0, lt.exitValue());
                } finally {
                    Procs.stop(lt);
                }
                Content.assertSameBytes(t.file, leech.resolve("file.bin"));
            } finally {
                Procs.stop(seeder.process);
            }
        }
    }

    @Test
    void badMagnetLinksAreOneLineAndExit2() throws Exception {
        String hex = "c12fe1c06bba254a9dc9f519b335aa7c1367a88a";
        List<String> bad = List.of("magnet:?dn=nothing", "magnet:?xt=urn:btih:" + hex.substring(1),
            "magnet:?xt=urn:btmh:1220" + "ab".repeat(32), "magnet:?xt=urn:btih:" + hex + "&dn=%zz%");
        for (int i = 0; i < bad.size(); i++) {
            for (String command : List.of("download", "show")) {
                SkiffProcess s = command.equals("show") ? SkiffProcess.start(tmp.resolve("bad" + i + command), "show", bad.get(i))
                    : SkiffProcess.start(tmp.resolve("bad" + i + command), "-d", tmp.resolve("x").toString(), "--port",
                        String.valueOf(Ports.free()), bad.get(i));
                assertEquals(2, s.waitFor(30), s.output());
                String out = s.output().strip();
                assertTrue(out.startsWith("skiff: bad magnet link: ") && !out.contains("\n") && !out.contains("Exception"), out);
            }
        }
    }
}
