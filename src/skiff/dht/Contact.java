package skiff.dht;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/** A node's id and UDP address; BEP 5's compact form is 26 bytes (IPv4), BEP 32's 38 (IPv6). */
public record Contact(NodeId id, InetSocketAddress address) {
    static final int COMPACT_V4 = NodeId.BYTES + 6;
    static final int COMPACT_V6 = NodeId.BYTES + 18;

    /** Decodes compact node info; the caller has checked the length is a multiple of the entry size. */
    static List<Contact> decode(byte[] b, boolean v6) {
        int entry = v6 ? COMPACT_V6 : COMPACT_V4;
        int ipBytes = entry - NodeId.BYTES - 2;
        List<Contact> out = new ArrayList<>(b.length / entry);
        for (int off = 0; off + entry <= b.length; off += entry) {
            byte[] ip = new byte[ipBytes];
            System.arraycopy(b, off + NodeId.BYTES, ip, 0, ipBytes);
            int port = (b[off + entry - 2] & 0xff) << 8 | b[off + entry - 1] & 0xff;
            out.add(new Contact(NodeId.of(b, off), new InetSocketAddress(address(ip), port)));
        }
        return out;
    }

    /** Compact node info of any count (a saved nodes file); IllegalArgumentException when the length is not whole entries. */
    public static List<Contact> decodeAll(byte[] b, boolean v6) {
        if (b.length % (v6 ? COMPACT_V6 : COMPACT_V4) != 0) {
            throw new IllegalArgumentException("compact nodes of " + b.length + " bytes");
        }
        return decode(b, v6);
    }

    /** Compact node info for the contacts of one family; the others are skipped. */
    static byte[] encode(List<Contact> contacts, boolean v6) {
        int entry = v6 ? COMPACT_V6 : COMPACT_V4;
        int ipBytes = entry - NodeId.BYTES - 2;
        List<Contact> fit = new ArrayList<>();
        for (Contact c : contacts) {
            if (c.address.getAddress().getAddress().length == ipBytes) {
                fit.add(c);
            }
        }
        byte[] out = new byte[fit.size() * entry];
        int off = 0;
        for (Contact c : fit) {
            c.id.copyTo(out, off);
            System.arraycopy(c.address.getAddress().getAddress(), 0, out, off + NodeId.BYTES, ipBytes);
            out[off + entry - 2] = (byte) (c.address.getPort() >> 8);
            out[off + entry - 1] = (byte) c.address.getPort();
            off += entry;
        }
        return out;
    }

    /** BEP 5's compact peer info (4 or 16 address bytes, then the port), or null for any other length. */
    static InetSocketAddress peer(byte[] b) {
        if (b.length != 6 && b.length != 18) {
            return null;
        }
        byte[] ip = java.util.Arrays.copyOf(b, b.length - 2);
        return new InetSocketAddress(address(ip), (b[b.length - 2] & 0xff) << 8 | b[b.length - 1] & 0xff);
    }

    static byte[] compactPeer(InetSocketAddress a) {
        byte[] ip = a.getAddress().getAddress();
        byte[] out = java.util.Arrays.copyOf(ip, ip.length + 2);
        out[ip.length] = (byte) (a.getPort() >> 8);
        out[ip.length + 1] = (byte) a.getPort();
        return out;
    }

    private static InetAddress address(byte[] ip) {
        try {
            return InetAddress.getByAddress(ip); // a literal: no lookup
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 or 16 bytes are always an address", e);
        }
    }
}
