package skiff.fuzz;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.SplittableRandom;
import skiff.dht.Dht;
import skiff.dht.Krpc;
import skiff.dht.KrpcException;
import skiff.dht.NodeId;

/**
 * KRPC (BEP 5): every input through the strict decoder, then into a live DHT node as a datagram
 * from a new address each time. Fails on an exception, or on an answer that would make the node
 * an amplifier (more than a few times the query's size, and never past one MTU).
 */
final class KrpcFuzzTarget {
    private final Dht node;
    private int sender;
    private long now = 1_000_000;
    private int lastQueryBytes;

    KrpcFuzzTarget() {
        this.node = new Dht(NodeId.random(new SplittableRandom(1)), this::sent, new SplittableRandom(2), now);
    }

    private void sent(byte[] datagram, InetSocketAddress to) {
        if (lastQueryBytes > 0 && (datagram.length > 1400 || datagram.length > 8 * lastQueryBytes + 400)) {
            throw new AssertionError("a " + datagram.length + "-byte answer to a " + lastQueryBytes + "-byte datagram");
        }
    }

    void run(byte[] in) {
        try {
            Krpc.decode(in);
        } catch (KrpcException expected) {
            // documented
        }
        sender++;
        InetSocketAddress from;
        try {
            from = new InetSocketAddress(InetAddress.getByAddress(new byte[] {10, (byte) (sender >> 16), (byte) (sender >> 8),
                (byte) sender}), 6881);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
        lastQueryBytes = in.length;
        node.received(in, from, now);
        lastQueryBytes = 0;
        if (sender % 256 == 0) {
            now += 1000;
            node.tick(now); // timeouts and maintenance run too; what they send is ours, not an answer
        }
    }
}
