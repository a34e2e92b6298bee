package skiff.portmap;

import java.io.IOException;
import java.net.InetAddress;
import java.util.function.Consumer;
import skiff.loop.EventLoop;
import skiff.tracker.Trackers;

/**
 * Asks the router to forward the peer port, so that peers outside can dial in: NAT-PMP to the
 * default gateway and a UPnP search at once (as libtorrent does), the first mapping made
 * reported, both kept up until {@link #stop} removes them. A router that answers neither is
 * logged at DEBUG: most networks have none, and nothing else changes. Loop thread only.
 */
public final class PortMapper {
    /** What the clients report. */
    interface Listener {
        void mapped(Mapped m);

        void failed(String why);

        void debug(String message);
    }

    private final Consumer<String> info;
    private final Consumer<String> debug;
    private NatPmpClient natPmp;
    private UpnpClient upnp;
    private Mapped mapped;
    private int failures;
    private int running;

    private PortMapper(Consumer<String> info, Consumer<String> debug) {
        this.info = info;
        this.debug = debug;
    }

    /**
     * Starts mapping {@code port} for TCP (and UDP when {@code udp}); {@code local}: the address the
     * port is bound to, null for any; {@code http}: the client for UPnP's description and SOAP calls.
     */
    public static PortMapper start(EventLoop loop, Trackers http, InetAddress local, int port, boolean udp,
                                   Consumer<String> info, Consumer<String> debug) {
        PortMapper m = new PortMapper(info, debug);
        InetAddress gateway = Gateway.find();
        if (gateway == null) {
            debug.accept("port mapping: no default IPv4 gateway; NAT-PMP not tried");
        } else {
            try {
                m.natPmp = NatPmpClient.start(loop, gateway, local, port, udp, m.listener("NAT-PMP"));
                m.running++;
            } catch (IOException e) {
                debug.accept("port mapping: NAT-PMP to " + gateway.getHostAddress() + ": " + e.getMessage());
            }
        }
        try {
            if (http == null) {
                return m;
            }
            m.upnp = UpnpClient.start(loop, http, local, port, udp, m.listener("UPnP"));
            m.running++;
        } catch (IOException e) {
            debug.accept("port mapping: UPnP search: " + e.getMessage());
        }
        return m;
    }

    private Listener listener(String method) {
        return new Listener() {
            @Override
            public void mapped(Mapped m) {
                if (mapped == null) {
                    mapped = m;
                    info.accept("port mapped by the router: outside " + m);
                } else {
                    debug.accept("port mapping: also by " + method + ": " + m);
                }
            }

            @Override
            public void failed(String why) {
                debug.accept("port mapping: " + why);
                if (++failures == running && mapped == null) {
                    debug.accept("port mapping: no router mapped the port; peers outside reach it only if it is forwarded by hand");
                }
            }

            @Override
            public void debug(String message) {
                debug.accept("port mapping: " + message);
            }
        };
    }

    /** The mapping first made, or null. */
    public Mapped mapped() {
        return mapped;
    }

    /** Removes the mappings (bounded in time), then runs {@code done} on the loop. */
    public void stop(Runnable done) {
        int[] left = {2};
        Runnable one = () -> {
            if (--left[0] == 0) {
                done.run();
            }
        };
        if (natPmp != null) {
            natPmp.stop(one);
        } else {
            one.run();
        }
        if (upnp != null) {
            upnp.stop(one);
        } else {
            one.run();
        }
    }
}
