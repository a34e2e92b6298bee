package skiff.bencode;

/** A bencode integer; BEP 3 puts no bound on it, we keep 64 bits. */
public record BInt(long value) implements BValue {
}
