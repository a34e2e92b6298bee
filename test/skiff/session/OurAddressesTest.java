package skiff.session;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OurAddressesTest {
    private static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }

    /**
     * Bound to one address, only that one is ours: another program on this host may listen on our
     * port at another of its addresses (in the Transmission interop tests every peer is on one
     * loopback, each at its own address, and skiff dialled none of them).
     */
    @Test
    void boundToOneAddressOnlyThatOneAndTheOutsideOneAreOurs() throws Exception {
        InetAddress[] outside = {null};
        OurAddresses ours = new OurAddresses(ip("10.99.0.1"), () -> outside[0]);
        List<Runnable> posted = new ArrayList<>();
        ours.lookUp(posted::add, posted::add);
        assertTrue(posted.isEmpty(), "nothing to look up");
        assertTrue(ours.test(ip("10.99.0.1")));
        assertFalse(ours.test(ip("10.99.0.4")));
        assertFalse(ours.test(ip("127.0.0.1")));
        assertFalse(ours.test(ip("203.0.113.7")));
        outside[0] = ip("203.0.113.7"); // the DHT's nodes agree on it
        assertTrue(ours.test(ip("203.0.113.7")));
    }

    /** Bound to every address: loopback at once, and each of the host's once the lookup has answered on the loop. */
    @Test
    void boundToEveryAddressTheHostsAreOursOnceLookedUp() throws Exception {
        OurAddresses ours = new OurAddresses(ip("0.0.0.0"), () -> null);
        assertTrue(ours.test(ip("127.0.0.1")));
        assertFalse(ours.test(ip("203.0.113.7")));
        List<Runnable> onLoop = new ArrayList<>();
        ours.lookUp(Runnable::run, onLoop::add);
        List<InetAddress> host = new ArrayList<>(OurAddresses.interfaces());
        host.removeIf(InetAddress::isLoopbackAddress);
        for (InetAddress a : host) {
            assertFalse(ours.test(a), "not before the answer is set on the loop: " + a);
        }
        onLoop.forEach(Runnable::run);
        for (InetAddress a : OurAddresses.interfaces()) {
            assertTrue(ours.test(a), a.toString());
        }
        assertFalse(ours.test(ip("203.0.113.7")));
    }
}
