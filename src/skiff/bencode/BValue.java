package skiff.bencode;

/** A decoded bencode value: an integer, a byte string, a list or a dictionary. */
public sealed interface BValue permits BInt, BBytes, BList, BDict {
}
