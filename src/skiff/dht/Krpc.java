package skiff.dht;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import skiff.bencode.BBytes;
import skiff.bencode.BDict;
import skiff.bencode.BInt;
import skiff.bencode.BList;
import skiff.bencode.BValue;
import skiff.bencode.BencodeException;
import skiff.bencode.Decoder;
import skiff.bencode.Dicts;
import skiff.bencode.Encoder;

/**
 * KRPC (BEP 5): bencoded queries, responses and errors over UDP. Pure and strict: one datagram in,
 * one checked {@link Message} or a {@link KrpcException} naming what was wrong. Every length is
 * bounded before use: the datagram, the transaction id, the token, {@code nodes} a multiple of
 * 26 bytes and {@code nodes6} of 38 (BEP 32), the number of contacts and of peer values.
 */
public final class Krpc {
    /** Larger than any KRPC message a real node sends (they stay under the path MTU). */
    public static final int MAX_MESSAGE_BYTES = 4096;
    /** Transaction ids are a few bytes in every client; a long one is garbage. */
    static final int MAX_TID_BYTES = 16;
    /** Tokens are opaque but short (libtorrent: 4 bytes, Transmission: 8 or 20). */
    static final int MAX_TOKEN_BYTES = 64;
    /** Contacts one reply may carry, per family: k = 8 is the norm; a few nodes send more. */
    static final int MAX_CONTACTS = 32;
    /** Peers one get_peers reply may carry (libtorrent sends at most 100). */
    static final int MAX_VALUES = 200;

    public enum Kind { QUERY, RESPONSE, ERROR }

    /** One checked message. Absent fields are null, or 0 and false. */
    public record Message(Kind kind, byte[] tid, String method, NodeId id, NodeId target, byte[] token, int port,
                          boolean impliedPort, List<Contact> nodes, List<InetSocketAddress> values,
                          InetSocketAddress yourAddress, boolean readOnly, int errorCode, String errorText) {
    }

    private Krpc() {
    }

    public static Message decode(byte[] datagram) throws KrpcException {
        if (datagram.length > MAX_MESSAGE_BYTES) {
            throw new KrpcException("message of " + datagram.length + " bytes");
        }
        BDict d;
        try {
            d = Decoder.decode(datagram, MAX_MESSAGE_BYTES) instanceof BDict dict ? dict : null;
        } catch (BencodeException e) {
            throw new KrpcException("not bencode: " + e.getMessage());
        }
        if (d == null) {
            throw new KrpcException("not a dictionary");
        }
        byte[] tid = bytes(d, "t", 1, MAX_TID_BYTES);
        InetSocketAddress you = d.get("ip") instanceof BBytes ip ? Contact.peer(ip.bytes()) : null;
        String y = string(d, "y", 1);
        switch (y) {
            case "q" -> {
                String method = string(d, "q", 32);
                BDict a = dict(d, "a");
                return query(tid, method, a, you);
            }
            case "r" -> {
                BDict r = dict(d, "r");
                List<Contact> nodes = new ArrayList<>(contacts(r, "nodes", false));
                nodes.addAll(contacts(r, "nodes6", true));
                return new Message(Kind.RESPONSE, tid, null, id(r, "id"), null, optionalBytes(r, "token"), 0, false,
                    nodes, values(r), you, false, 0, null);
            }
            case "e" -> {
                if (!(d.get("e") instanceof BList e) || e.items().size() < 2 || !(e.items().get(0) instanceof BInt code)
                        || !(e.items().get(1) instanceof BBytes text)) {
                    throw new KrpcException("an error is [code, message]");
                }
                return new Message(Kind.ERROR, tid, null, null, null, null, 0, false, List.of(), List.of(), you, false,
                    (int) Math.max(0, Math.min(999, code.value())), printable(text.bytes()));
            }
            default -> throw new KrpcException("unknown message type");
        }
    }

    private static Message query(byte[] tid, String method, BDict a, InetSocketAddress you) throws KrpcException {
        NodeId id = id(a, "id");
        boolean ro = a.get("ro") instanceof BInt r && r.value() == 1; // BEP 43: a read-only node
        NodeId target = null;
        byte[] token = null;
        int port = 0;
        boolean implied = false;
        switch (method) {
            case "find_node" -> target = id(a, "target");
            case "get_peers" -> target = id(a, "info_hash");
            case "announce_peer" -> {
                target = id(a, "info_hash");
                token = bytes(a, "token", 1, MAX_TOKEN_BYTES);
                implied = a.get("implied_port") instanceof BInt i && i.value() == 1;
                long p = a.get("port") instanceof BInt i ? i.value() : 0;
                if (!implied && (p < 1 || p > 65535)) {
                    throw new KrpcException("announce_peer without a port");
                }
                port = (int) Math.max(0, Math.min(65535, p));
            }
            default -> {
                // ping, or a method we do not know (answered with error 204)
            }
        }
        return new Message(Kind.QUERY, tid, method, id, target, token, port, implied, List.of(), List.of(), you, ro, 0,
            null);
    }

    private static List<Contact> contacts(BDict r, String key, boolean v6) throws KrpcException {
        BValue v = r.get(key);
        if (v == null) {
            return List.of();
        }
        int entry = v6 ? Contact.COMPACT_V6 : Contact.COMPACT_V4;
        if (!(v instanceof BBytes b) || b.length() % entry != 0) {
            throw new KrpcException(key + " is not a multiple of " + entry + " bytes");
        }
        if (b.length() / entry > MAX_CONTACTS) {
            throw new KrpcException(key + " holds " + b.length() / entry + " contacts");
        }
        return Contact.decode(b.bytes(), v6);
    }

    private static List<InetSocketAddress> values(BDict r) throws KrpcException {
        BValue v = r.get("values");
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof BList l) || l.items().size() > MAX_VALUES) {
            throw new KrpcException("values is not a list of at most " + MAX_VALUES + " peers");
        }
        List<InetSocketAddress> out = new ArrayList<>(l.items().size());
        for (BValue item : l.items()) {
            InetSocketAddress a = item instanceof BBytes b ? Contact.peer(b.bytes()) : null;
            if (a != null && a.getPort() != 0) { // port 0 is no peer; the others in the list may be
                out.add(a);
            }
        }
        return out;
    }

    private static NodeId id(BDict d, String key) throws KrpcException {
        return NodeId.of(bytes(d, key, NodeId.BYTES, NodeId.BYTES));
    }

    private static BDict dict(BDict d, String key) throws KrpcException {
        if (!(d.get(key) instanceof BDict inner)) {
            throw new KrpcException("no '" + key + "' dictionary");
        }
        return inner;
    }

    private static byte[] bytes(BDict d, String key, int min, int max) throws KrpcException {
        if (!(d.get(key) instanceof BBytes b) || b.length() < min || b.length() > max) {
            throw new KrpcException("'" + key + "' is not a string of " + min + (min == max ? "" : " to " + max) + " bytes");
        }
        return b.bytes();
    }

    private static byte[] optionalBytes(BDict d, String key) throws KrpcException {
        return d.get(key) == null ? null : bytes(d, key, 1, MAX_TOKEN_BYTES);
    }

    private static String string(BDict d, String key, int max) throws KrpcException {
        return new String(bytes(d, key, 1, max), StandardCharsets.ISO_8859_1);
    }

    private static String printable(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < Math.min(b.length, 100); i++) {
            char c = (char) (b[i] & 0xff);
            s.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return s.toString();
    }

    // --- encoders: what we send ---

    static byte[] query(byte[] tid, String method, NodeId self, Dicts args, boolean readOnly) {
        args.put("id", self.bytes());
        if (readOnly) {
            args.put("ro", 1);
        }
        return Encoder.encode(Dicts.builder().put("t", tid).put("y", "q").put("q", method).put("a", args.build())
            .put("v", VERSION).build());
    }

    /** A response; {@code to} goes back as BEP 42's {@code ip}, so the asker learns its outside address. */
    static byte[] response(byte[] tid, NodeId self, Dicts values, InetSocketAddress to) {
        values.put("id", self.bytes());
        return Encoder.encode(Dicts.builder().put("t", tid).put("y", "r").put("r", values.build())
            .put("ip", Contact.compactPeer(to)).put("v", VERSION).build());
    }

    static byte[] error(byte[] tid, int code, String text) {
        return Encoder.encode(Dicts.builder().put("t", tid).put("y", "e")
            .put("e", new BList(List.of(new BInt(code), BBytes.of(text)))).put("v", VERSION).build());
    }

    /** Adds BEP 5's nodes and BEP 32's nodes6 for the contacts given. */
    public static Dicts nodes(Dicts d, List<Contact> contacts) {
        byte[] v4 = Contact.encode(contacts, false);
        byte[] v6 = Contact.encode(contacts, true);
        if (v4.length > 0 || v6.length == 0) {
            d.put("nodes", v4);
        }
        if (v6.length > 0) {
            d.put("nodes6", v6);
        }
        return d;
    }

    static Dicts values(Dicts d, List<InetSocketAddress> peers) {
        List<BValue> l = new ArrayList<>(peers.size());
        for (InetSocketAddress p : peers) {
            l.add(new BBytes(Contact.compactPeer(p)));
        }
        return d.put("values", new BList(l));
    }

    /** BEP 5's client version: two letters and two bytes of version ("SK", 0.1). */
    private static final byte[] VERSION = {'S', 'K', 0, 1};
}
