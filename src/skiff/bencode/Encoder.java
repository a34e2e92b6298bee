package skiff.bencode;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Canonical bencode encoder: dictionary keys sorted as raw unsigned bytes (BEP 3). */
public final class Encoder {
    private Encoder() {
    }

    public static byte[] encode(BValue value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(value, out);
        return out.toByteArray();
    }

    private static void write(BValue value, ByteArrayOutputStream out) {
        if (value instanceof BInt i) {
            ascii(out, "i" + i.value() + "e");
        } else if (value instanceof BBytes b) {
            ascii(out, b.length() + ":");
            out.writeBytes(b.bytes());
        } else if (value instanceof BList l) {
            out.write('l');
            for (BValue item : l.items()) {
                write(item, out);
            }
            out.write('e');
        } else if (value instanceof BDict d) {
            out.write('d');
            List<Map.Entry<BBytes, BValue>> sorted = new ArrayList<>(d.entries().entrySet());
            // not Map.Entry.comparingByKey(): its comparator is a serializable lambda, which the
            // class-data archive cannot hold, so its class was generated at every start
            sorted.sort((a, b) -> a.getKey().compareTo(b.getKey()));
            for (Map.Entry<BBytes, BValue> e : sorted) {
                write(e.getKey(), out);
                write(e.getValue(), out);
            }
            out.write('e');
        }
    }

    private static void ascii(ByteArrayOutputStream out, String s) {
        out.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
    }
}
