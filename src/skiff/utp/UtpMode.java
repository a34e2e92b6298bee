package skiff.utp;

/** How a session uses uTP (BEP 29) beside TCP. */
public enum UtpMode {
    /** TCP only: SYNs are refused. */
    OFF,
    /**
     * The default: incoming uTP accepted; dials go over TCP (the kernel moves the bytes, with
     * sendfile), and over uTP once when TCP cannot connect (a peer reachable only by UDP).
     */
    ALLOW,
    /** Dials go over uTP first, as libtorrent's do, and over TCP when uTP cannot connect. */
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
