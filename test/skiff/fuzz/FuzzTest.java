package skiff.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import skiff.bencode.BencodeException;
import skiff.bencode.Decoder;
import skiff.metainfo.Metainfo;
import skiff.metainfo.MetainfoException;
import skiff.metainfo.MetainfoParser;
import skiff.peer.FrameFuzzTarget;
import skiff.peer.PeerFuzzTarget;
import skiff.storage.StorageFuzzTargets;
import skiff.tracker.TrackerFuzzTargets;

/**
 * make fuzz: a mutation campaign over every parser that reads untrusted bytes, seeded from the
 * corpus in test/fuzz-corpus. FUZZ_INPUTS (default 1,000,000) and FUZZ_SECONDS (default 600) bound
 * each target; `make fuzz SHORT=1` runs a few seconds each. FUZZ_SEED (default 0) is added to each
 * target's random seed: a campaign with a new one tries inputs no earlier campaign did, and the
 * same one repeats a campaign exactly. Failing inputs are written to build/fuzz-failures for the corpus.
 */
@Tag("fuzz")
class FuzzTest {
    private static final Path CORPUS = Path.of("test/fuzz-corpus");

    @TempDir
    Path tmp;

    private static long env(String name, long fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : Long.parseLong(v.trim());
    }

    private static List<byte[]> corpus(String target) throws Exception {
        List<byte[]> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(CORPUS.resolve(target))) {
            for (Path p : (Iterable<Path>) files.sorted()::iterator) {
                out.add(Files.readAllBytes(p));
            }
        }
        assertTrue(!out.isEmpty(), "empty corpus for " + target);
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"bencode", "metainfo", "peer", "frames", "extension", "http", "udp", "resume", "krpc", "upnp", "mse", "utp", "webseed"})
    void campaign(String target) throws Exception {
        long inputs = env("FUZZ_INPUTS", 1_000_000);
        long seconds = env("FUZZ_SECONDS", 600);
        long salt = env("FUZZ_SEED", 0);
        Metainfo meta = MetainfoParser.parse(Files.readAllBytes(Path.of("test/fixtures/torrents/mk-multi.torrent")));
        Fuzzer.Report report;
        Fuzzer fuzzer = new Fuzzer();
        switch (target) {
            case "bencode" -> report = fuzzer.run(target, corpus(target), in -> {
                try {
                    Decoder.decode(in);
                } catch (BencodeException expected) {
                    // documented
                }
            }, inputs, seconds * 1000, salt + 1);
            case "metainfo" -> report = fuzzer.run(target, corpus(target), in -> {
                try {
                    MetainfoParser.parse(in);
                } catch (MetainfoException expected) {
                    // documented
                }
            }, inputs, seconds * 1000, salt + 2);
            case "peer" -> {
                try (PeerFuzzTarget peer = new PeerFuzzTarget(meta)) {
                    report = fuzzer.run(target, corpus(target), peer::run, inputs, seconds * 1000, salt + 3);
                }
            }
            case "frames" -> report = fuzzer.run(target, corpus("peer"), new FrameFuzzTarget(meta)::run, inputs, seconds * 1000, salt + 7);
            case "extension" -> report = fuzzer.run(target, corpus(target), in -> {
                // BEP 10's handshake and BEP 9's messages: a result or null, never an exception
                skiff.peer.ExtensionHandshake h = skiff.peer.ExtensionHandshake.parse(in, 0, in.length);
                if (h != null && (h.ids().size() > 64 || h.metadataSize() > skiff.peer.ExtensionHandshake.MAX_METADATA_BYTES)) {
                    throw new AssertionError("unbounded handshake: " + h);
                }
                skiff.peer.MetadataMessages.Message m = skiff.peer.MetadataMessages.parse(in, 0, in.length);
                if (m != null && m.dataLength() > skiff.peer.MetadataMessages.PIECE_BYTES) {
                    throw new AssertionError("a metadata piece over 16 KiB");
                }
                skiff.peer.PexMessage pex = skiff.peer.PexMessage.parse(in, 0, in.length); // BEP 11
                if (pex != null && (pex.added().size() > 2 * skiff.peer.PexMessage.MAX_ENTRIES
                        || pex.dropped().size() > 2 * skiff.peer.PexMessage.MAX_ENTRIES || pex.addedFlags().length > pex.added().size())) {
                    throw new AssertionError("an unbounded PEX message");
                }
            }, inputs, seconds * 1000, salt + 8);
            case "krpc" -> report = fuzzer.run(target, corpus(target), new KrpcFuzzTarget()::run, inputs, seconds * 1000, salt + 9);
            case "mse" -> report = fuzzer.run(target, corpus(target), skiff.mse.MseFuzzTarget::run, inputs, seconds * 1000, salt + 11);
            case "utp" -> report = fuzzer.run(target, corpus(target), new skiff.utp.UtpFuzzTarget()::run, inputs, seconds * 1000, salt + 12);
            case "webseed" -> report = fuzzer.run(target, corpus(target), new skiff.webseed.WebSeedFuzzTarget(meta)::run, inputs, seconds * 1000, salt + 13);
            case "upnp" -> report = fuzzer.run(target, corpus(target), skiff.portmap.PortMapFuzzTarget::run, inputs, seconds * 1000, salt + 10);
            case "http" -> report = fuzzer.run(target, corpus(target), TrackerFuzzTargets::http, inputs, seconds * 1000, salt + 4);
            case "udp" -> report = fuzzer.run(target, corpus(target), TrackerFuzzTargets::udp, inputs, seconds * 1000, salt + 5);
            default -> {
                StorageFuzzTargets resume = new StorageFuzzTargets(meta, tmp);
                report = fuzzer.run(target, corpus(target), resume::resume, inputs, seconds * 1000, salt + 6);
            }
        }
        System.out.printf("fuzz | %-8s | %,d inputs | %d failures%n", target, report.inputs(), report.failures().size());
        if (!report.failures().isEmpty()) {
            Path dir = Files.createDirectories(Path.of("build/fuzz-failures", target));
            StringBuilder why = new StringBuilder();
            for (Fuzzer.Failure f : report.failures()) {
                Path file = dir.resolve(HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-1")
                    .digest(f.input())).substring(0, 16));
                Files.write(file, f.input());
                why.append(f.what()).append(" (").append(file).append(")\n");
                if (f.error() != null && why.length() < 200) {
                    f.error().printStackTrace();
                }
            }
            fail(target + ": " + report.failures().size() + " failures\n" + why);
        }
        assertTrue(report.inputs() >= Math.min(inputs, 1000), "too few inputs ran: " + report.inputs());
    }
}
