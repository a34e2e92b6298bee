package skiff.loop;

import java.io.IOException;
import java.nio.channels.SelectionKey;

/**
 * What a channel registered with the {@link EventLoop} does when it is ready. A handler that
 * throws is closed by the loop with the exception as reason; the loop goes on.
 */
public interface Handler {
    /** Called with the key's ready set; runs on the loop thread and must not block. */
    void ready(SelectionKey key) throws IOException;

    /** The loop closed this handler's channel, because of {@code cause} (null on a clean stop). */
    void closed(Throwable cause);
}
