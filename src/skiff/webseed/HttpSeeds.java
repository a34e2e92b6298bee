package skiff.webseed;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import skiff.loop.Dns;
import skiff.loop.EventLoop;
import skiff.metainfo.Metainfo;
import skiff.peer.PeerStream;

/** Opens web seeds (BEP 19, GetRight style) for the session's torrents, with what its HTTP clients share. */
public final class HttpSeeds {
    private final EventLoop loop;
    private final Dns dns;
    private final Supplier<SSLContext> tls;
    private final String userAgent;

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
        WireSide wire = new WireSide(m.infoHash(), peerId(url), m.pieceCount(), m.pieceLength());
        return new WebSeedStream(loop, files, wire, l -> new HttpLink(loop, dns, tls, l), userAgent);
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
