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
    IDLE, BANNED, BOTH_SEEDS, SHUTDOWN
}
