package skiff.tracker;

/** What one announce says about us (BEP 3, BEP 15). Byte arrays are 20 bytes each. */
public record AnnounceRequest(byte[] infoHash, byte[] peerId, int port, long uploaded, long downloaded,
                              long left, Event event, int numWant, int key) {
}
