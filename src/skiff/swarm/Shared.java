package skiff.swarm;

import skiff.storage.BlockBuffers;
import skiff.storage.HashPool;

/**
 * What a download borrows from the session that runs it: the process's block buffers, the
 * workers' hashing scratch and the global limits, so that per-torrent memory stays small;
 * where DHT nodes that peers name (BEP 5's PORT) go; and which addresses are where we listen
 * (with our port), so that nobody dials them.
 */
public record Shared(BlockBuffers blockBuffers, HashPool.Scratch hashScratch, GlobalLimits limits,
                     java.util.function.Consumer<java.net.InetSocketAddress> dhtNodes,
                     java.util.function.Predicate<java.net.InetAddress> ours) {
    /** A download alone in its process with nothing limited (tests, the simulation). */
    public static Shared alone(java.util.function.LongSupplier clockMillis) {
        return new Shared(new BlockBuffers(), new HashPool.Scratch(), GlobalLimits.none(clockMillis), a -> { }, java.net.InetAddress::isLoopbackAddress);
    }
}
