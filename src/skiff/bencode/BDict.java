package skiff.bencode;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A bencode dictionary in its original key order. For each value it remembers the byte span the
 * value occupied in the decoded input, so that a hash can be taken over the original bytes
 * (the info-hash of a non-canonical torrent differs from the hash of its re-encoding).
 */
public final class BDict implements BValue {
    /** Where a value lay in the input: [start, end). */
    public record Span(int start, int end) {
        public int length() {
            return end - start;
        }
    }

    private final Map<BBytes, BValue> entries;
    private final Map<BBytes, Span> spans;

    BDict(Map<BBytes, BValue> entries, Map<BBytes, Span> spans) {
        this.entries = Collections.unmodifiableMap(entries);
        this.spans = Collections.unmodifiableMap(spans);
    }

    /** A dictionary built in code (for encoding); it has no spans. */
    public BDict(Map<BBytes, BValue> entries) {
        this(new LinkedHashMap<>(entries), Map.of());
    }

    public Map<BBytes, BValue> entries() {
        return entries;
    }

    public BValue get(String key) {
        return entries.get(BBytes.of(key));
    }

    public boolean has(String key) {
        return entries.containsKey(BBytes.of(key));
    }

    /** The span of the value under {@code key} in the decoded input, if it was decoded. */
    public Optional<Span> span(String key) {
        return Optional.ofNullable(spans.get(BBytes.of(key)));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BDict d && entries.equals(d.entries);
    }

    @Override
    public int hashCode() {
        return entries.hashCode();
    }

    @Override
    public String toString() {
        return entries.toString();
    }
}
