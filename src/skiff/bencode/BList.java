package skiff.bencode;

import java.util.ArrayList;
import java.util.List;

/** A bencode list. */
public record BList(List<BValue> items) implements BValue {
    public BList {
        items = List.copyOf(items);
    }

    public static BList ofStrings(List<String> utf8) {
        List<BValue> items = new ArrayList<>(utf8.size());
        for (String s : utf8) {
            items.add(BBytes.of(s));
        }
        return new BList(items);
    }
}
