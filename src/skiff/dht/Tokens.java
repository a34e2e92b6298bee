package skiff.dht;

import java.net.InetAddress;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * get_peers tokens (BEP 5): SHA-1 of a secret and the asker's IP, cut to 8 bytes, so an
 * announce_peer proves it came from the address that asked. The secret changes every 5 minutes
 * and the previous one is still accepted, so a token lives 5 to 10 minutes.
 */
final class Tokens {
    static final long ROTATE_MILLIS = 5 * 60_000;
    static final int TOKEN_BYTES = 8;

    private final RandomGenerator random;
    private final MessageDigest sha1;
    private byte[] current = new byte[16];
    private byte[] previous = new byte[16];
    private long rotatedMillis;

    Tokens(RandomGenerator random, long now) {
        this.random = random;
        try {
            this.sha1 = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-1", e);
        }
        random.nextBytes(current);
        random.nextBytes(previous);
        rotatedMillis = now;
    }

    void tick(long now) {
        if (now - rotatedMillis >= ROTATE_MILLIS) {
            previous = current;
            current = new byte[16];
            random.nextBytes(current);
            rotatedMillis = now;
        }
    }

    byte[] issue(InetAddress to) {
        return token(current, to);
    }

    boolean valid(byte[] token, InetAddress from) {
        return token != null && (MessageDigest.isEqual(token, token(current, from))
            || MessageDigest.isEqual(token, token(previous, from)));
    }

    private byte[] token(byte[] secret, InetAddress ip) {
        sha1.reset();
        sha1.update(secret);
        sha1.update(ip.getAddress());
        return Arrays.copyOf(sha1.digest(), TOKEN_BYTES);
    }
}
