package skiff.swarm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import skiff.tracker.AnnounceResponse;

class TrackerLinkTest {
    /** "1 peer", not "1 peers". */
    @Test
    void trackerAnswersAreCountedInWords() {
        List<String> lines = new ArrayList<>();
        Events events = (Events) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Events.class},
            (proxy, method, args) -> {
                if (method.getName().equals("info")) {
                    lines.add((String) args[0]);
                }
                return method.getReturnType() == boolean.class ? false : null;
            });
        TrackerLink link = new TrackerLink(new PeerSet(6881), events, () -> { });
        link.announced("http://t/announce", new AnnounceResponse(1800, 60, List.of(new InetSocketAddress("10.0.0.1", 1)), 0, 0, null, null));
        link.announced("http://t/announce", new AnnounceResponse(1800, 60, List.of(new InetSocketAddress("10.0.0.1", 1),
            new InetSocketAddress("10.0.0.2", 1)), 0, 0, null, null));
        assertEquals(List.of("tracker http://t/announce: 1 peer (1 new)", "tracker http://t/announce: 2 peers (1 new)"), lines);
    }
}
