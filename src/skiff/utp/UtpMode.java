package skiff.utp;

/** How a session uses uTP (BEP 29) beside TCP. */
public enum UtpMode {
    /** TCP only: SYNs are refused. */
    OFF,
    /**
     * The default: incoming uTP accepted; dials go over TCP, where the kernel moves the bytes (with
     * sendfile): 301.6-397.2 MiB/s from one libtorrent seeder against 29.0-59.2 over uTP.
     */
    ALLOW,
    /** Dials go over uTP first, as libtorrent's do, and over TCP when uTP gets no answer or a RESET. */
    PREFER;

    /** The mode a user names (off, allow, prefer), or null. */
    public static UtpMode named(String name) {
        for (UtpMode m : values()) {
            if (m.name().equalsIgnoreCase(name)) {
                return m;
            }
        }
        return null;
    }
}
