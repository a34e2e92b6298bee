package skiff.bencode;

/** Input that is not valid bencode, or that exceeds a limit; names the byte offset. */
public final class BencodeException extends Exception {
    private final long offset;

    public BencodeException(String message, long offset) {
        super(message + " at byte " + offset);
        this.offset = offset;
    }

    public long offset() {
        return offset;
    }
}
