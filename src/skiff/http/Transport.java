package skiff.http;

import java.io.IOException;
import java.nio.ByteBuffer;

/** Bytes to and from an HTTP server (a tracker, a web seed) over a non-blocking socket, in the clear or through TLS. */
interface Transport {
    /** Advances the TLS handshake; true once application data may flow. */
    boolean handshake() throws IOException;

    /** Reads application bytes; 0 when none are ready, -1 at the end of the stream. */
    int read(ByteBuffer dst) throws IOException;

    /** Writes application bytes, returning how many were taken. */
    int write(ByteBuffer src) throws IOException;

    /** Whether encoded bytes still wait for the socket to accept them. */
    boolean wantsWrite();

    /** Whether work runs off the loop (TLS tasks): the socket must not be selected until it wakes the exchange. */
    default boolean working() {
        return false;
    }
}
