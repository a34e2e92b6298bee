package skiff.bencode;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Small builder for dictionaries made in code: {@code Dicts.builder().put("a", 1).build()}. */
public final class Dicts {
    private final Map<BBytes, BValue> entries = new LinkedHashMap<>();

    private Dicts() {
    }

    public static Dicts builder() {
        return new Dicts();
    }

    public Dicts put(String key, BValue value) {
        entries.put(BBytes.of(key), value);
        return this;
    }

    public Dicts put(String key, long value) {
        return put(key, new BInt(value));
    }

    public Dicts put(String key, String utf8) {
        return put(key, BBytes.of(utf8));
    }

    public Dicts put(String key, byte[] bytes) {
        return put(key, new BBytes(bytes));
    }

    public Dicts putStrings(String key, List<String> values) {
        return put(key, BList.ofStrings(values));
    }

    public BDict build() {
        return new BDict(entries);
    }
}
