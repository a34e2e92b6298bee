package skiff.peer;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import skiff.bencode.BBytes;
import skiff.bencode.BDict;
import skiff.bencode.BInt;
import skiff.bencode.BValue;
import skiff.bencode.BencodeException;
import skiff.bencode.Decoder;
import skiff.bencode.Dicts;
import skiff.bencode.Encoder;

/**
 * The extension protocol's handshake (BEP 10): which extensions a peer speaks and under which
 * message ids ({@code m}), its client ({@code v}), listening port ({@code p}), request queue
 * ({@code reqq}), the address it sees us at ({@code yourip}) and the metadata's size (BEP 9).
 * Pure; what a peer sends is bounded and checked, anything odd in it ignored rather than trusted.
 */
public record ExtensionHandshake(Map<String, Integer> ids, String client, int port, int reqq, byte[] yourIp,
                                 int metadataSize) {
    /** Bigger than any real handshake (libtorrent's are a few hundred bytes). */
    public static final int MAX_BYTES = 64 << 10;
    /** Extensions of one peer we keep ids of; real clients name a dozen. */
    static final int MAX_EXTENSIONS = 64;
    static final int MAX_CLIENT_CHARS = 64;
    /** BEP 9's metadata is the info dictionary: no bigger than the largest torrent we take. */
    public static final int MAX_METADATA_BYTES = 16 << 20;
    /** Our ids for the extensions we speak (BEP 10 leaves them to each side; these are libtorrent's). */
    public static final int UT_METADATA = 2;
    public static final int UT_PEX = 1;

    /**
     * Our handshake as a whole message: {@code extensions} by name and our id for each,
     * {@code metadataSize} 0 while we do not have it, {@code theirAddress} as the peer's {@code yourip}.
     */
    public static byte[] message(Map<String, Integer> extensions, String client, int port, int reqq, InetAddress theirAddress,
                                 int metadataSize) {
        Dicts m = Dicts.builder();
        extensions.forEach(m::put);
        Dicts d = Dicts.builder().put("m", m.build()).put("reqq", reqq).put("v", client);
        if (port > 0) {
            d.put("p", port);
        }
        if (theirAddress != null) {
            d.put("yourip", theirAddress.getAddress());
        }
        if (metadataSize > 0) {
            d.put("metadata_size", metadataSize);
        }
        byte[] dict = Encoder.encode(d.build());
        return java.nio.ByteBuffer.allocate(4 + 2 + dict.length).putInt(2 + dict.length).put((byte) Wire.EXTENDED).put((byte) 0)
            .put(dict).array();
    }

    /** A peer's handshake (the bencoded dictionary after the extended message's id byte); null if it is not one. */
    public static ExtensionHandshake parse(byte[] body, int offset, int length) {
        if (length > MAX_BYTES) {
            return null;
        }
        BValue v;
        try {
            v = Decoder.decode(java.util.Arrays.copyOfRange(body, offset, offset + length), MAX_BYTES);
        } catch (BencodeException e) {
            return null;
        }
        if (!(v instanceof BDict d)) {
            return null;
        }
        Map<String, Integer> ids = new LinkedHashMap<>();
        if (d.get("m") instanceof BDict m) {
            for (Map.Entry<BBytes, BValue> e : m.entries().entrySet()) {
                // 0 switches an extension off (BEP 10); an id must fit the message's one byte
                if (ids.size() < MAX_EXTENSIONS && e.getValue() instanceof BInt id && id.value() > 0 && id.value() < 256) {
                    ids.put(new String(e.getKey().bytes(), StandardCharsets.UTF_8), (int) id.value());
                }
            }
        }
        String client = d.get("v") instanceof BBytes b ? printable(b.utf8()) : null;
        byte[] yourIp = d.get("yourip") instanceof BBytes b && (b.length() == 4 || b.length() == 16) ? b.bytes() : null;
        return new ExtensionHandshake(Collections.unmodifiableMap(ids), client, intIn(d.get("p"), 1, 65_535),
            intIn(d.get("reqq"), 1, 1_000_000), yourIp, intIn(d.get("metadata_size"), 1, MAX_METADATA_BYTES));
    }

    /** The peer's id for {@code extension}, or 0 if it does not speak it. */
    public int id(String extension) {
        return ids.getOrDefault(extension, 0);
    }

    /** -1 when absent, not an integer, or out of range. */
    private static int intIn(BValue v, long min, long max) {
        return v instanceof BInt i && i.value() >= min && i.value() <= max ? (int) i.value() : -1;
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0, n = 0; i < s.length() && n < MAX_CLIENT_CHARS; n++) {
            int c = s.codePointAt(i);
            b.appendCodePoint(Character.isISOControl(c) ? '?' : c);
            i += Character.charCount(c);
        }
        return b.toString();
    }
}
