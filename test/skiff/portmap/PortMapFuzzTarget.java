package skiff.portmap;

import java.net.InetAddress;
import java.net.URI;
import java.nio.ByteBuffer;

/**
 * What a LAN host can send about port mapping: an SSDP answer, a device description, a SOAP
 * answer, a NAT-PMP answer. Each input through every reader: a result or a PortMapException,
 * never another exception, and never a control URL on another host than the description's.
 */
public final class PortMapFuzzTarget {
    private static final InetAddress ROUTER = InetAddress.getLoopbackAddress();
    private static final URI LOCATION = URI.create("http://127.0.0.1:5000/rootDesc.xml");

    private PortMapFuzzTarget() {
    }

    public static void run(byte[] in) {
        try {
            Upnp.location(in, in.length, ROUTER);
        } catch (PortMapException expected) {
            // documented
        }
        try {
            Upnp.Service s = Upnp.service(in, LOCATION);
            if (!"127.0.0.1".equals(s.control().getHost())) {
                throw new AssertionError("a control URL on another host: " + s.control());
            }
        } catch (PortMapException expected) {
            // documented
        }
        Upnp.errorCode(in);
        Upnp.externalAddress(in);
        try {
            NatPmp.parse(ByteBuffer.wrap(in));
        } catch (PortMapException expected) {
            // documented
        }
    }
}
