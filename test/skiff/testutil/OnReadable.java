package skiff.testutil;

import java.io.IOException;
import skiff.peer.PeerStream;

/** A stream's listener for tests that only react to bytes arriving: every other event is ignored. */
public interface OnReadable {
    void run() throws IOException;

    /** Events that run {@code onRead} each time bytes (or the end) may be read. */
    static PeerStream.Events events(OnReadable onRead) {
        return new PeerStream.Events() {
            @Override
            public void connected() {
            }

            @Override
            public void connectFailed(String why) {
            }

            @Override
            public void readable() throws IOException {
                onRead.run();
            }

            @Override
            public void writable() {
            }

            @Override
            public void closed(Throwable cause) {
            }
        };
    }

    /** Events that ignore everything. */
    static PeerStream.Events ignored() {
        return events(() -> { });
    }
}
