package skiff.cli;

import java.nio.file.Path;
import skiff.metainfo.MagnetLink;
import skiff.metainfo.Metainfo;

/** A torrent to run: a .torrent file's metainfo, or a magnet link whose metainfo comes later. */
record Source(Metainfo metainfo, MagnetLink magnet) {
    String infoHashHex() {
        return metainfo != null ? metainfo.infoHashHex() : magnet.infoHashHex();
    }

    String name() {
        return metainfo != null ? metainfo.name() : magnet.displayName();
    }

    /**
     * Why two torrents cannot run in {@code dir} together, or null: one's name inside the other's
     * means the same files, or one's within the other's folder. A magnet's name is known only
     * once its metadata is, so it clashes with nothing before.
     */
    static String clash(Metainfo a, Metainfo b, Path dir) {
        if (a == null || b == null) {
            return null;
        }
        Path pa = Path.of(a.name()).normalize();
        Path pb = Path.of(b.name()).normalize();
        return pa.startsWith(pb) || pb.startsWith(pa) ? "'" + a.name() + "' and '" + b.name() + "' would write the same files in " + dir
            : null;
    }
}
