package skiff.mse;

/** An encrypted handshake (MSE) that cannot go on: the message says why, in a few words. */
public final class MseException extends Exception {
    private static final long serialVersionUID = 1L;
    private final boolean unknownTorrent;

    MseException(String message) {
        this(message, false);
    }

    MseException(String message, boolean unknownTorrent) {
        super(message, null, false, false);
        this.unknownTorrent = unknownTorrent;
    }

    /** The peer asked for a torrent we do not run (its SKEY matched none): not a protocol error. */
    public boolean unknownTorrent() {
        return unknownTorrent;
    }
}
