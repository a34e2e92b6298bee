package skiff.portmap;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import skiff.http.Text;

/**
 * The default IPv4 gateway, where NAT-PMP asks (RFC 6886 section 3: the client sends to its
 * default gateway). The JDK has no call for it; Linux lists routes in /proc/net/route. Elsewhere
 * there is none and only UPnP, found by multicast, is tried.
 */
final class Gateway {
    static final Path ROUTES = Path.of("/proc/net/route");
    /** RTF_UP | RTF_GATEWAY, from linux/route.h. */
    private static final int UP_GATEWAY = 0x3;
    /** The routing table of a router or a laptop is a few lines; a bound for a hostile or odd file. */
    private static final int MAX_BYTES = 1 << 20;

    private Gateway() {
    }

    /** The default gateway, or null when there is none or the table cannot be read. */
    static InetAddress find() {
        try {
            if (Files.size(ROUTES) > MAX_BYTES) {
                return null;
            }
            return parse(Files.readString(ROUTES, StandardCharsets.US_ASCII));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The default route's gateway (destination and mask 0, up, via a gateway) of least metric in /proc/net/route's text. */
    static InetAddress parse(String table) {
        InetAddress best = null;
        long bestMetric = Long.MAX_VALUE;
        for (String line : table.split("\n")) {
            List<String> f = Text.words(line);
            if (f.size() < 8 || !f.get(1).equals("00000000") || !f.get(7).equals("00000000")) {
                continue;
            }
            try {
                int flags = Integer.parseInt(f.get(3), 16);
                long metric = Long.parseLong(f.get(6));
                long gw = Long.parseLong(f.get(2), 16);
                if ((flags & UP_GATEWAY) != UP_GATEWAY || gw == 0 || metric >= bestMetric) {
                    continue;
                }
                // the kernel prints the address as a host-order (little-endian) number
                byte[] a = {(byte) gw, (byte) (gw >> 8), (byte) (gw >> 16), (byte) (gw >> 24)};
                best = InetAddress.getByAddress(a);
                bestMetric = metric;
            } catch (NumberFormatException | UnknownHostException e) {
                // a line that is not a route
            }
        }
        return best;
    }
}
