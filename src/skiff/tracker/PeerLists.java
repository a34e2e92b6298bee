package skiff.tracker;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import skiff.bencode.BBytes;
import skiff.bencode.BDict;
import skiff.bencode.BInt;
import skiff.bencode.BList;
import skiff.bencode.BValue;

/** Peer lists in the forms trackers send: compact IPv4 (BEP 23), compact IPv6 (BEP 7), dictionaries (BEP 3). */
public final class PeerLists {
    /** More peers than this from one answer are ignored; no client connects to more. */
    static final int MAX_PEERS = 2000;
    /** A dictionary-form ip longer than an IPv6 literal is not an address. */
    private static final int MAX_IP_CHARS = 45;

    private PeerLists() {
    }

    /** Appends the peers of a compact list; {@code width} is 6 (IPv4) or 18 (IPv6). Port 0 is dropped. */
    static void compact(byte[] bytes, int offset, int length, int width, List<InetSocketAddress> out) {
        int addrLen = width - 2;
        for (int i = offset; i + width <= offset + length && out.size() < MAX_PEERS; i += width) {
            byte[] addr = new byte[addrLen];
            System.arraycopy(bytes, i, addr, 0, addrLen);
            int port = ((bytes[i + addrLen] & 0xff) << 8) | (bytes[i + addrLen + 1] & 0xff);
            if (port == 0) {
                continue;
            }
            try {
                out.add(new InetSocketAddress(InetAddress.getByAddress(addr), port));
            } catch (UnknownHostException impossible) {
                // getByAddress only fails on a wrong length, which cannot happen here
            }
        }
    }

    /** Dictionary form: {ip, port[, peer id]}; the ip must be a literal address (no DNS here). */
    static void dictionaries(BList list, List<InetSocketAddress> out) {
        for (BValue v : list.items()) {
            if (out.size() >= MAX_PEERS) {
                return;
            }
            if (!(v instanceof BDict d) || !(d.get("ip") instanceof BBytes ip) || !(d.get("port") instanceof BInt port)) {
                continue;
            }
            if (port.value() <= 0 || port.value() > 65535 || ip.length() > MAX_IP_CHARS) {
                continue;
            }
            InetAddress a = skiff.http.IpLiteral.parse(ip.utf8());
            if (a != null) {
                out.add(new InetSocketAddress(a, (int) port.value()));
            }
        }
    }
}
