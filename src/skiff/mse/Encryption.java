package skiff.mse;

/** How a session uses MSE, as Transmission's and libtorrent's settings put it. */
public enum Encryption {
    /** Plain handshakes only: an encrypted one is dropped. */
    OFF,
    /**
     * The default: encrypted handshakes accepted, the payload left plain when the peer allows it
     * (libtorrent's choice: the handshake already hides what the connection is, and RC4 on every
     * byte costs CPU); dials plain, and once more encrypted when a peer hangs up on plaintext.
     */
    ALLOW,
    /** Also dial encrypted, and choose RC4 for the payload when offered. */
    PREFER,
    /** Encrypted connections with RC4 payload only; plain ones are dropped. */
    REQUIRE;

    /** The mode a user names (off, allow, prefer, require), or null. */
    public static Encryption named(String name) {
        for (Encryption e : values()) {
            if (e.name().equalsIgnoreCase(name)) {
                return e;
            }
        }
        return null;
    }

    /** The payload methods offered or accepted. */
    public int methods() {
        return this == REQUIRE ? MseHandshake.RC4 : MseHandshake.PLAINTEXT | MseHandshake.RC4;
    }

    public boolean acceptsEncrypted() {
        return this != OFF;
    }

    public boolean acceptsPlain() {
        return this != REQUIRE;
    }

    public boolean preferRc4() {
        return this == PREFER || this == REQUIRE;
    }

    /** Whether outgoing connections open with an encrypted handshake. */
    public boolean dialsEncrypted() {
        return this == PREFER || this == REQUIRE;
    }
}
