package skiff.mse;

import skiff.peer.SecondTry;

/**
 * An outgoing stream that opens with an encrypted handshake and, when the peer refuses it, dials
 * once more in plaintext, as libtorrent's pe_enabled does: many clients accept only plain
 * handshakes. The connection above hears one connect (or one failure) either way, and writes
 * nothing before it, so nothing needs replaying. Loop thread only.
 */
public final class PlainRetry extends SecondTry {
    /** {@code dialer}: a fresh plain stream to the same peer. */
    public PlainRetry(MseStream encrypted, Dialer dialer) {
        super(encrypted, dialer);
    }

    @Override
    protected void attemptConnectFailed(skiff.peer.PeerStream s, String why) {
        if (retried || !(s instanceof MseStream m && m.handshakeFailed())) {
            up.connectFailed(why); // the peer's port is shut, or the plaintext try failed too
        } else if (!redial()) {
            up.connectFailed(why + "; plaintext: cannot dial");
        }
    }
}
