package skiff.peer;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import skiff.bencode.BBytes;
import skiff.bencode.BDict;
import skiff.bencode.BValue;
import skiff.bencode.BencodeException;
import skiff.bencode.Decoder;
import skiff.bencode.Dicts;
import skiff.bencode.Encoder;

/**
 * Peer exchange (BEP 11, {@code ut_pex}): the peers one side connected to ({@code added}, with a
 * flags byte each) and left ({@code dropped}) since its last message, IPv4 in 6-byte and IPv6 in
 * 18-byte compact form. Pure and bounded: more entries than real clients send are cut off.
 */
public record PexMessage(List<InetSocketAddress> added, byte[] addedFlags, List<InetSocketAddress> dropped) {
    /** Entries of each list a message may carry (libtorrent sends at most 50 added and 50 dropped). */
    public static final int MAX_ENTRIES = 200;
    /** BEP 11's flags: the peer prefers encryption (0x01), is a seed (0x02), supports uTP (0x04), holepunch (0x08), reachable (0x10). */
    public static final int FLAG_ENCRYPTION = 0x01;
    public static final int FLAG_SEED = 0x02;
    public static final int FLAG_UTP = 0x04;
    public static final int FLAG_REACHABLE = 0x10;

    public byte[] message() {
        List<InetSocketAddress> a4 = new ArrayList<>();
        List<InetSocketAddress> a6 = new ArrayList<>();
        ByteBuffer f4 = ByteBuffer.allocate(added.size());
        ByteBuffer f6 = ByteBuffer.allocate(added.size());
        for (int i = 0; i < added.size(); i++) {
            boolean v4 = added.get(i).getAddress().getAddress().length == 4;
            (v4 ? a4 : a6).add(added.get(i));
            (v4 ? f4 : f6).put(addedFlags[i]);
        }
        List<InetSocketAddress> d4 = new ArrayList<>();
        List<InetSocketAddress> d6 = new ArrayList<>();
        for (InetSocketAddress a : dropped) {
            (a.getAddress().getAddress().length == 4 ? d4 : d6).add(a);
        }
        return Encoder.encode(Dicts.builder().put("added", compact(a4, 6)).put("added.f", java.util.Arrays.copyOf(f4.array(), f4.position()))
            .put("added6", compact(a6, 18)).put("added6.f", java.util.Arrays.copyOf(f6.array(), f6.position()))
            .put("dropped", compact(d4, 6)).put("dropped6", compact(d6, 18)).build());
    }

    private static byte[] compact(List<InetSocketAddress> list, int size) {
        ByteBuffer b = ByteBuffer.allocate(list.size() * size);
        for (InetSocketAddress a : list) {
            b.put(a.getAddress().getAddress()).putShort((short) a.getPort());
        }
        return b.array();
    }

    /** A message from a peer; null if it is not one (not a dictionary, or a list that is not whole entries). */
    public static PexMessage parse(byte[] b, int offset, int length) {
        BValue v;
        try {
            v = Decoder.decode(java.util.Arrays.copyOfRange(b, offset, offset + length), ExtensionHandshake.MAX_BYTES);
        } catch (BencodeException e) {
            return null;
        }
        if (!(v instanceof BDict d)) {
            return null;
        }
        List<InetSocketAddress> added = new ArrayList<>();
        List<InetSocketAddress> dropped = new ArrayList<>();
        ByteBuffer flags = ByteBuffer.allocate(2 * MAX_ENTRIES);
        if (!entries(d.get("added"), d.get("added.f"), 4, added, flags) || !entries(d.get("added6"), d.get("added6.f"), 16, added, flags)
                || !entries(d.get("dropped"), null, 4, dropped, null) || !entries(d.get("dropped6"), null, 16, dropped, null)) {
            return null;
        }
        return new PexMessage(added, java.util.Arrays.copyOf(flags.array(), flags.position()), dropped);
    }

    /** Appends the entries of a compact list to {@code out} (at most {@link #MAX_ENTRIES}); false if malformed. */
    private static boolean entries(BValue list, BValue flagList, int ipBytes, List<InetSocketAddress> out, ByteBuffer flags) {
        if (list == null) {
            return true;
        }
        if (!(list instanceof BBytes bytes) || bytes.length() % (ipBytes + 2) != 0) {
            return false;
        }
        byte[] raw = bytes.bytes();
        byte[] f = flagList instanceof BBytes fb ? fb.bytes() : new byte[0];
        int n = Math.min(raw.length / (ipBytes + 2), MAX_ENTRIES);
        for (int i = 0; i < n; i++) {
            int at = i * (ipBytes + 2);
            int port = (raw[at + ipBytes] & 0xff) << 8 | raw[at + ipBytes + 1] & 0xff;
            try {
                InetAddress ip = InetAddress.getByAddress(java.util.Arrays.copyOfRange(raw, at, at + ipBytes));
                if (port != 0) {
                    out.add(new InetSocketAddress(ip, port));
                    if (flags != null && flags.hasRemaining()) {
                        flags.put(i < f.length ? f[i] : 0);
                    }
                }
            } catch (UnknownHostException e) {
                return false; // not reached: the length is 4 or 16
            }
        }
        return true;
    }
}
