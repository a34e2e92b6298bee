package skiff.portmap;

import java.net.InetAddress;

/**
 * A port the router forwards to us: by which protocol ("NAT-PMP", "UPnP"), at which outside
 * address (null when the router did not say) and port, for TCP and, when asked, UDP.
 */
public record Mapped(String method, InetAddress external, int externalPort, boolean udp) {
    @Override
    public String toString() {
        return (external == null ? "port " : external.getHostAddress() + ":") + externalPort + (udp ? " TCP+UDP" : " TCP")
            + " (" + method + ")";
    }
}
