package skiff.peer;

/**
 * Why a connection ended; every close names one, and the download counts them per reason (shown
 * at DEBUG when it stops, and in --json).
 */
public enum CloseReason {
    CONNECT_FAILED, CONNECT_TIMEOUT, END_OF_STREAM, IO_ERROR,
    HANDSHAKE_TIMEOUT, NOT_BITTORRENT, WRONG_INFO_HASH, SELF, DUPLICATE,
    MESSAGE_TOO_LONG, BAD_MESSAGE_SIZE, BAD_BITFIELD, HAVE_OUT_OF_RANGE,
    REQUEST_OUT_OF_RANGE, INVALID_REQUESTS, PIECE_OUT_OF_RANGE, SEND_QUEUE_FULL,
    IDLE, BANNED, BOTH_SEEDS, SHUTDOWN, BAD_EXTENSION_MESSAGE, BLOCK_BEFORE_METADATA, METADATA_DONE, NO_METADATA, BAD_METADATA;

    /** The reason in words, for the debug log (the JSON keeps the lower-case names). */
    public String words() {
        return switch (this) {
            case CONNECT_FAILED -> "could not connect";
            case CONNECT_TIMEOUT -> "no answer to our connect";
            case END_OF_STREAM -> "the peer closed the connection";
            case IO_ERROR -> "network error";
            case HANDSHAKE_TIMEOUT -> "no handshake in time";
            case NOT_BITTORRENT -> "not a BitTorrent peer";
            case WRONG_INFO_HASH -> "wrong torrent";
            case SELF -> "connected to ourselves";
            case DUPLICATE -> "already connected to this peer";
            case MESSAGE_TOO_LONG -> "a message over the size limit";
            case BAD_MESSAGE_SIZE -> "a message of the wrong size";
            case BAD_BITFIELD -> "a malformed bitfield";
            case HAVE_OUT_OF_RANGE -> "a have for a piece that does not exist";
            case REQUEST_OUT_OF_RANGE -> "a request outside the torrent";
            case INVALID_REQUESTS -> "too many invalid requests";
            case PIECE_OUT_OF_RANGE -> "a block outside the torrent";
            case SEND_QUEUE_FULL -> "it does not read what we send";
            case IDLE -> "idle too long";
            case BANNED -> "banned for bad data";
            case BOTH_SEEDS -> "both of us have everything";
            case SHUTDOWN -> "we are stopping";
            case BAD_EXTENSION_MESSAGE -> "a malformed extension message";
            case BLOCK_BEFORE_METADATA -> "a block before we had the metadata";
            case METADATA_DONE -> "metadata in; not needed for the download";
            case NO_METADATA -> "it cannot give us the metadata";
            case BAD_METADATA -> "wrong metadata";
        };
    }
}
