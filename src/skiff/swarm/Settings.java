package skiff.swarm;

import skiff.storage.DiskIo;

/**
 * How a download behaves; Main fills it from the command line. Zero means "no limit" for the
 * seed ratio and seed time. {@code port} and {@code peerId} are the session's, the same for every
 * torrent, as is {@code client}, the name and version peers hear (BEP 10's {@code v}), and
 * {@code dhtPort}, our DHT node's UDP port (BEP 5's PORT), 0 with the DHT off; {@code recheck}
 * hashes the data on disk even where a resume file vouches for it (--check); {@code sequential}
 * starts pieces in the torrent's order (--sequential); {@code selection}: the files to download
 * (--select-file), null for all; what all torrents share (the upload limit, the connection cap) is in {@link GlobalLimits}.
 */
public record Settings(int maxPeers, int port, byte[] peerId, long connectTimeoutMillis,
                       long tickMillis, int unchokeSlots, long chokeRoundMillis, boolean seed, double seedRatio,
                       long seedTimeMillis, DiskIo diskIo, String client, int dhtPort,
                       boolean recheck, boolean sequential, FileSelection selection) {
    public static final long DEFAULT_CONNECT_TIMEOUT_MILLIS = 10_000;
    public static final long DEFAULT_TICK_MILLIS = 1000;
    /** BEP 3's customary four upload slots. */
    public static final int DEFAULT_UNCHOKE_SLOTS = 4;
    /** {@code unchokeSlots} for slots that follow the upload achieved, from the default up (see {@link Choker}). */
    public static final int AUTO_UNCHOKE_SLOTS = 0;
    /** BEP 3: the choker runs every ten seconds. */
    public static final long DEFAULT_CHOKE_ROUND_MILLIS = 10_000;

    /** The same, downloading the files a magnet link's so= names (BEP 53), unless --select-file chose or so= is null. */
    public Settings orSelectOnly(String so) {
        return so == null || selection != null ? this : new Settings(maxPeers, port, peerId, connectTimeoutMillis, tickMillis,
            unchokeSlots, chokeRoundMillis, seed, seedRatio, seedTimeMillis, diskIo, client, dhtPort, recheck, sequential,
            FileSelection.ofIndices(so));
    }
}
