package skiff.bencode;

import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A bencode dictionary in its original key order. For each value it remembers the byte span the
 * value occupied in the decoded input, so that a hash can be taken over the original bytes
 * (the info-hash of a non-canonical torrent differs from the hash of its re-encoding).
 *
 * <p>Kept as arrays, not maps: a torrent holds a dictionary per file, and two linked hash maps per
 * dictionary (values and spans) made a 50,000-file torrent (2.3 MiB) decode into 34 MB of objects,
 * past the image's heap. A few keys are found by a scan; many, through an index.
 */
public final class BDict implements BValue {
    /** Where a value lay in the input: [start, end). */
    public record Span(int start, int end) {
        public int length() {
            return end - start;
        }
    }

    /** Keys past which a lookup goes through a hash index instead of a scan (a file's dictionary has 2 or 3). */
    static final int SCAN_KEYS = 12;

    private final BBytes[] keys;
    private final BValue[] values;
    private final int[] spans; // start and end per entry; null when built in code
    private final Map<BBytes, Integer> index; // null for a few keys

    /** From the decoder: distinct keys in input order, their values and spans. */
    BDict(BBytes[] keys, BValue[] values, int[] spans) {
        this.keys = keys;
        this.values = values;
        this.spans = spans;
        this.index = indexOf(keys);
    }

    /** A dictionary built in code (for encoding); it has no spans. */
    public BDict(Map<BBytes, BValue> entries) {
        this.keys = entries.keySet().toArray(new BBytes[0]);
        this.values = entries.values().toArray(new BValue[0]);
        this.spans = null;
        this.index = indexOf(keys);
    }

    private static Map<BBytes, Integer> indexOf(BBytes[] keys) {
        if (keys.length <= SCAN_KEYS) {
            return null;
        }
        Map<BBytes, Integer> m = new HashMap<>(keys.length * 2);
        for (int i = 0; i < keys.length; i++) {
            m.put(keys[i], i);
        }
        return m;
    }

    /** The entries in their order, as a new unmodifiable map. */
    public Map<BBytes, BValue> entries() {
        Map<BBytes, BValue> m = new LinkedHashMap<>();
        for (int i = 0; i < keys.length; i++) {
            m.put(keys[i], values[i]);
        }
        return Collections.unmodifiableMap(m);
    }

    public int size() {
        return keys.length;
    }

    public BValue get(String key) {
        int i = find(BBytes.of(key));
        return i < 0 ? null : values[i];
    }

    public boolean has(String key) {
        return find(BBytes.of(key)) >= 0;
    }

    /** The span of the value under {@code key} in the decoded input, if it was decoded. */
    public Optional<Span> span(String key) {
        int i = spans == null ? -1 : find(BBytes.of(key));
        return i < 0 ? Optional.empty() : Optional.of(new Span(spans[2 * i], spans[2 * i + 1]));
    }

    private int find(BBytes key) {
        if (index != null) {
            Integer i = index.get(key);
            return i == null ? -1 : i;
        }
        for (int i = 0; i < keys.length; i++) {
            if (keys[i].equals(key)) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BDict d && entries().equals(d.entries());
    }

    @Override
    public int hashCode() {
        return entries().hashCode();
    }

    @Override
    public String toString() {
        return entries().toString();
    }
}
