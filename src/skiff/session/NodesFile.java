package skiff.session;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import skiff.bencode.BBytes;
import skiff.bencode.BDict;
import skiff.bencode.BencodeException;
import skiff.bencode.Decoder;
import skiff.bencode.Dicts;
import skiff.bencode.Encoder;
import skiff.dht.Contact;
import skiff.dht.NodeId;

/**
 * The DHT's state between runs: our node id (libtorrent and Transmission keep theirs, so the
 * nodes near us stay near), our outside address as nodes reported it (BEP 42), and the nodes we
 * knew, as bencode {id, ip, nodes, nodes6} in compact form.
 * Read before the loop runs, written atomically when the session stops. A file that is not ours
 * or is damaged is ignored with a warning: the DHT bootstraps from the routers instead.
 */
final class NodesFile {
    /** 2,000 nodes of either family fit with room; a larger file is not ours. */
    static final int MAX_BYTES = 128 << 10;

    /** {@code external}: our outside address as other nodes agreed on it (BEP 42), or null. */
    record Saved(NodeId id, List<Contact> nodes, java.net.InetAddress external) {
    }

    private NodesFile() {
    }

    /** What the file holds, or null when there is none; a damaged file says why through IOException. */
    static Saved load(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        if (Files.size(file) > MAX_BYTES) {
            throw new IOException("larger than " + MAX_BYTES + " bytes");
        }
        try {
            if (!(Decoder.decode(Files.readAllBytes(file), MAX_BYTES) instanceof BDict d)
                    || !(d.get("id") instanceof BBytes id) || id.length() != NodeId.BYTES) {
                throw new IOException("not a skiff DHT nodes file");
            }
            List<Contact> nodes = new ArrayList<>();
            if (d.get("nodes") instanceof BBytes v4) {
                nodes.addAll(Contact.decodeAll(v4.bytes(), false));
            }
            if (d.get("nodes6") instanceof BBytes v6) {
                nodes.addAll(Contact.decodeAll(v6.bytes(), true));
            }
            java.net.InetAddress external = null;
            if (d.get("ip") instanceof BBytes ip && (ip.length() == 4 || ip.length() == 16)) {
                external = java.net.InetAddress.getByAddress(ip.bytes());
            }
            return new Saved(NodeId.of(id.bytes()), nodes, external);
        } catch (BencodeException | IllegalArgumentException e) {
            throw new IOException(e.getMessage());
        }
    }

    static void save(Path file, NodeId id, List<Contact> nodes, java.net.InetAddress external) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Dicts d0 = Dicts.builder().put("id", id.bytes());
        if (external != null) {
            d0.put("ip", external.getAddress());
        }
        BDict d = skiff.dht.Krpc.nodes(d0, nodes).build();
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, Encoder.encode(d));
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** $XDG_STATE_HOME/skiff/dht.dat, else ~/.local/state/skiff/dht.dat (the XDG base directory rule). */
    static Path defaultPath() {
        String state = System.getenv("XDG_STATE_HOME");
        Path base = state != null && !state.isEmpty() ? Path.of(state)
            : Path.of(System.getProperty("user.home"), ".local", "state");
        return base.resolve("skiff").resolve("dht.dat");
    }
}
