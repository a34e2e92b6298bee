package skiff.dht;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.random.RandomGenerator;
import java.util.zip.CRC32C;

/**
 * BEP 42: a node id tied to the node's IP address, so that no one can place nodes at chosen ids
 * without owning many addresses. The first 21 bits of the id come from CRC32-C of the masked
 * address and 3 random bits kept in the id's last byte. Local addresses (loopback, private,
 * link-local) are exempt, as the BEP says.
 */
final class Bep42 {
    private static final byte[] V4_MASK = {0x03, 0x0f, 0x3f, (byte) 0xff};
    private static final byte[] V6_MASK = {0x01, 0x03, 0x07, 0x0f, 0x1f, 0x3f, 0x7f, (byte) 0xff};

    private Bep42() {
    }

    static boolean exempt(InetAddress ip) {
        return ip.isLoopbackAddress() || ip.isSiteLocalAddress() || ip.isLinkLocalAddress() || ip.isAnyLocalAddress()
            || (ip instanceof Inet4Address && (ip.getAddress()[0] & 0xff) == 100 && (ip.getAddress()[1] & 0xc0) == 64); // CGNAT
    }

    /** The CRC32-C the BEP derives from the address and the 3 random bits {@code r}. */
    private static int crc(InetAddress ip, int r) {
        byte[] a = ip.getAddress();
        byte[] mask = a.length == 4 ? V4_MASK : V6_MASK;
        byte[] masked = new byte[mask.length];
        for (int i = 0; i < mask.length; i++) {
            masked[i] = (byte) (a[i] & mask[i]);
        }
        masked[0] |= (byte) ((r & 7) << 5);
        CRC32C c = new CRC32C();
        c.update(masked);
        return (int) c.getValue();
    }

    /** Whether {@code id} is one the node at {@code ip} may use (always, from a local address). */
    static boolean valid(NodeId id, InetAddress ip) {
        if (exempt(ip)) {
            return true;
        }
        byte[] b = id.bytes();
        int crc = crc(ip, b[19]);
        return b[0] == (byte) (crc >>> 24) && b[1] == (byte) (crc >>> 16) && (b[2] & 0xf8) == ((crc >>> 8) & 0xf8);
    }

    /** A random id valid for {@code ip}. */
    static NodeId idFor(InetAddress ip, RandomGenerator random) {
        byte[] b = new byte[NodeId.BYTES];
        random.nextBytes(b);
        int crc = crc(ip, b[19]);
        b[0] = (byte) (crc >>> 24);
        b[1] = (byte) (crc >>> 16);
        b[2] = (byte) ((crc >>> 8) & 0xf8 | b[2] & 0x07);
        return NodeId.of(b);
    }
}
