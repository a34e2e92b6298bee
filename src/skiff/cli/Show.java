package skiff.cli;

import java.io.PrintStream;
import java.time.Instant;
import java.util.List;
import skiff.metainfo.FileEntry;
import skiff.metainfo.MagnetLink;
import skiff.metainfo.Metainfo;
import skiff.metainfo.PathSafety;

/** {@code skiff show}: what a torrent holds, in the manner of transmission-show. */
final class Show {
    private Show() {
    }

    /** What a magnet link says, without touching the network. */
    static void print(MagnetLink m, PrintStream out) {
        out.println("Name: " + PathSafety.printable(m.displayName()));
        out.println("Hash: " + m.infoHashHex());
        out.println("Size: unknown until the metadata comes from peers (BEP 9)");
        if (m.selectOnly() != null) {
            out.println("Files: only " + m.selectOnly() + " (so=, BEP 53: counted from 0, padding files too; --select-file overrides)");
        }
        out.println();
        out.println("TRACKERS");
        if (m.trackers().isEmpty()) {
            out.println("  (none)");
        }
        for (int i = 0; i < m.trackers().size(); i++) {
            out.println("  Tier #" + (i + 1));
            out.println("    " + PathSafety.printable(m.trackers().get(i)));
        }
        out.println();
        out.println("PEERS");
        if (m.peers().isEmpty()) {
            out.println("  (none)");
        }
        for (java.net.InetSocketAddress p : m.peers()) {
            String host = p.getHostString();
            out.println("  " + PathSafety.printable(host.contains(":") ? "[" + host + "]" : host) + ":" + p.getPort());
        }
        if (!m.webSeeds().isEmpty()) {
            out.println();
            out.println("WEB SEEDS");
            m.webSeeds().forEach(u -> out.println("  " + PathSafety.printable(u)));
        }
    }

    static void print(Metainfo m, String source, PrintStream out) {
        out.println("Name: " + PathSafety.printable(m.name()));
        out.println("File: " + source);
        out.println("Hash: " + m.infoHashHex());
        out.println("Magnet: " + MagnetLink.uri(m));
        out.println("Size: " + Units.bytes(m.totalLength()) + " (" + m.totalLength() + " bytes)");
        out.println("Pieces: " + m.pieceCount() + " x " + Units.bytes(m.pieceLength()));
        out.println("Private: " + (m.isPrivate() ? "yes" : "no"));
        m.createdBy().ifPresent(c -> out.println("Created by: " + PathSafety.printable(c)));
        m.creationDate().ifPresent(d -> out.println("Created on: " + Instant.ofEpochSecond(
                Math.max(0, Math.min(d, 253402300799L)))));
        m.comment().ifPresent(c -> out.println("Comment: " + PathSafety.printable(c)));
        out.println();
        out.println("TRACKERS");
        List<List<String>> tiers = m.tiers();
        if (tiers.isEmpty()) {
            out.println("  (none)");
        }
        for (int i = 0; i < tiers.size(); i++) {
            out.println("  Tier #" + (i + 1));
            for (String url : tiers.get(i)) {
                out.println("    " + PathSafety.printable(url));
            }
        }
        if (!m.urlList().isEmpty()) {
            out.println();
            out.println("WEB SEEDS");
            m.urlList().forEach(u -> out.println("  " + PathSafety.printable(u)));
        }
        out.println();
        out.println("FILES (numbered for --select-file)");
        int n = 0;
        for (FileEntry f : m.files()) {
            if (f.padding()) {
                continue;
            }
            String path = m.singleFile() ? f.displayPath() : m.name() + "/" + f.displayPath();
            out.println(String.format("  %3d  ", ++n) + PathSafety.printable(path) + " (" + Units.bytes(f.length()) + ")");
        }
    }
}
