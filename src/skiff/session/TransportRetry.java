package skiff.session;

import skiff.peer.PeerStream;
import skiff.peer.SecondTry;

/**
 * An outgoing stream whose transport could not reach the peer dials it once more another way
 * (TCP after uTP: a peer without uTP). The connection above hears one connect or one failure.
 * Loop thread only.
 */
final class TransportRetry extends SecondTry {
    private String firstFailure;

    /** {@code other}: a fresh stream to the same peer over the other transport. */
    TransportRetry(PeerStream first, Dialer other) {
        super(first, other);
    }

    @Override
    protected void attemptConnectFailed(PeerStream s, String why) {
        if (retried) {
            up.connectFailed(firstFailure + "; " + s.transport() + ": " + why);
            return;
        }
        firstFailure = s.transport() + ": " + why;
        if (!redial()) {
            up.connectFailed(firstFailure);
        }
    }
}
