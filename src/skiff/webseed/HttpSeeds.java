package skiff.webseed;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import skiff.loop.Dns;
import skiff.loop.EventLoop;
import skiff.metainfo.Bitfield;
import skiff.metainfo.FileEntry;
import skiff.metainfo.Metainfo;
import skiff.peer.PeerStream;

/** Opens web seeds (BEP 19, GetRight style) for the session's torrents, with what its HTTP clients share. */
public final class HttpSeeds {
    private final EventLoop loop;
    private final Dns dns;
    private final Supplier<SSLContext> tls;
    private final String userAgent;
    /**
     * Files each seed's server said it does not have (404, 410), by torrent and URL: its next
     * connection claims none of their pieces, so the swarm asks it for what it has. Kept for the
     * process's life; a torrent lists few seeds.
     */
    private final Map<String, Set<Integer>> missing = new HashMap<>();

    /** {@code tls}: the TLS context for https seeds, null for the JDK's default trust store. */
    public HttpSeeds(EventLoop loop, Dns dns, Supplier<SSLContext> tls, String userAgent) {
        this.loop = loop;
        this.dns = dns;
        this.tls = tls;
        this.userAgent = userAgent;
    }

    /**
     * A stream to the web seed at {@code url} holding {@code m}'s files; its connections open as
     * requests need them.
     *
     * @throws IllegalArgumentException for a URL that is not http(s) with a host
     */
    public PeerStream open(String url, Metainfo m) {
        SeedFiles files = new SeedFiles(m, url);
        Set<Integer> lacking = missing.computeIfAbsent(m.infoHashHex() + " " + url, k -> new HashSet<>());
        Bitfield has = claimed(m, lacking);
        if (has.count() == 0) {
            throw new IllegalArgumentException("its server has none of the torrent's files");
        }
        WireSide wire = new WireSide(m.infoHash(), peerId(url), has, m.pieceLength());
        return new WebSeedStream(loop, files, wire, l -> new HttpLink(loop, dns, tls, l), userAgent, lacking::add);
    }

    /** Every piece but those holding a byte of a file the server lacks. */
    static Bitfield claimed(Metainfo m, Set<Integer> lacking) {
        Bitfield has = new Bitfield(m.pieceCount());
        for (int i = 0; i < m.pieceCount(); i++) {
            has.set(i);
        }
        for (int f : lacking) {
            FileEntry e = m.files().get(f);
            if (e.length() > 0) {
                for (long p = e.offset() / m.pieceLength(); p <= (e.offset() + e.length() - 1) / m.pieceLength(); p++) {
                    has.clear((int) p);
                }
            }
        }
        return has;
    }

    /** A peer id of the URL's own, so that the swarm tells two seeds apart and never takes one for us. */
    static byte[] peerId(String url) {
        try {
            return MessageDigest.getInstance("SHA-1").digest(("web seed " + url).getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is missing from this runtime", e);
        }
    }
}
