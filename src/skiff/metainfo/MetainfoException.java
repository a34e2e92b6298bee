package skiff.metainfo;

/** A .torrent that cannot be used, with a reason a user can read in one line. */
public final class MetainfoException extends Exception {
    public MetainfoException(String message) {
        super(message);
    }
}
