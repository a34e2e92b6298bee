package skiff.dht;

/** A datagram that is not a well-formed KRPC message; says what was wrong in a few words. */
public final class KrpcException extends Exception {
    public KrpcException(String message) {
        super(message);
    }
}
