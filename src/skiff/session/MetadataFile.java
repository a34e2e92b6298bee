package skiff.session;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executor;
import skiff.bencode.BList;
import skiff.bencode.BValue;
import skiff.bencode.Encoder;
import skiff.metainfo.Metainfo;
import skiff.metainfo.MetainfoException;
import skiff.metainfo.MetainfoParser;
import skiff.swarm.Events;

/**
 * A magnet link's metadata kept as {@code DIR/.skiff/INFOHASH.torrent}, so that a restart does not
 * fetch it again: the info dictionary exactly as hashed, with the link's trackers.
 */
public final class MetadataFile {
    private MetadataFile() {
    }

    public static Path path(Path downloadDir, String infoHashHex) {
        return downloadDir.resolve(".skiff").resolve(infoHashHex + ".torrent");
    }

    /**
     * A .torrent around {@code info} (its bytes kept exactly, or the info-hash would change),
     * {@code tiers} and {@code webSeeds} (BEP 19's url-list; null or empty for none).
     */
    public static byte[] torrent(byte[] info, List<List<String>> tiers, List<String> webSeeds) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(info.length + 256);
        out.write('d');
        if (tiers != null && !tiers.isEmpty()) {
            string(out, "announce");
            string(out, tiers.get(0).get(0));
            string(out, "announce-list");
            List<BValue> list = new ArrayList<>(tiers.size());
            for (List<String> t : tiers) {
                list.add(BList.ofStrings(t));
            }
            out.writeBytes(Encoder.encode(new BList(list)));
        }
        string(out, "info");
        out.writeBytes(info);
        if (webSeeds != null && !webSeeds.isEmpty()) {
            string(out, "url-list"); // after "info": a dictionary's keys are sorted
            out.writeBytes(Encoder.encode(BList.ofStrings(webSeeds)));
        }
        out.write('e');
        return out.toByteArray();
    }

    private static void string(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeBytes((b.length + ":").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(b);
    }

    /** Writes it on a worker, atomically; a failure is a warning (the next start fetches it again). */
    public static void save(Executor workers, Executor loop, Path downloadDir, Metainfo m, List<List<String>> tiers, Events events) {
        saveAs(workers, loop, path(downloadDir, m.infoHashHex()), m, tiers, events);
    }

    /** Writes the .torrent to {@code target} on a worker, atomically (--save-torrent too). */
    public static void saveAs(Executor workers, Executor loop, Path target, Metainfo m, List<List<String>> tiers, Events events) {
        byte[] bytes = torrent(m.infoBytes(), tiers, m.urlList());
        workers.execute(() -> {
            try {
                if (target.getParent() != null) {
                    Files.createDirectories(target.getParent());
                }
                Path tmp = target.resolveSibling(target.getFileName() + ".part");
                Files.write(tmp, bytes);
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                loop.execute(() -> events.warn("cannot write the metadata to " + target + ": " + e.getMessage()));
            }
        });
    }

    /** The metadata kept from an earlier run, if it is there and is this torrent's; else null. */
    public static Metainfo load(Path downloadDir, byte[] infoHash) {
        Path p = path(downloadDir, java.util.HexFormat.of().formatHex(infoHash));
        try {
            if (!Files.isRegularFile(p) || Files.size(p) > MetainfoParser.MAX_TORRENT_BYTES) {
                return null;
            }
            Metainfo m = MetainfoParser.parse(Files.readAllBytes(p));
            return Arrays.equals(m.infoHash(), infoHash) ? m : null;
        } catch (IOException | MetainfoException e) {
            return null; // fetched again
        }
    }
}
