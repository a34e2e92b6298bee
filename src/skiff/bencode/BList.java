package skiff.bencode;

import java.util.List;

/** A bencode list. */
public record BList(List<BValue> items) implements BValue {
    public BList {
        items = List.copyOf(items);
    }

    public static BList ofStrings(List<String> utf8) {
        return new BList(utf8.stream().<BValue>map(BBytes::of).toList());
    }
}
