package skiff.peer;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * An address and port as a user reads and types them: {@code 10.0.0.1:6881}, and IPv6 in RFC
 * 5952's short form within brackets, {@code [2001:db8::1]:6881}, as {@code --peer} takes it (the
 * JDK writes every group, {@code 0:0:0:0:0:0:0:1:6881}).
 */
public final class AddressText {
    private AddressText() {
    }

    public static String of(InetSocketAddress a) {
        if (a.isUnresolved()) {
            return a.getHostString() + ":" + a.getPort();
        }
        return of(a.getAddress()) + ":" + a.getPort();
    }

    /** An IPv4 address as is; an IPv6 one short and bracketed. */
    public static String of(InetAddress ip) {
        if (!(ip instanceof Inet6Address)) {
            return ip.getHostAddress();
        }
        byte[] b = ip.getAddress();
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            g[i] = (b[2 * i] & 0xff) << 8 | b[2 * i + 1] & 0xff;
        }
        int bestAt = -1;
        int bestLen = 1; // RFC 5952 4.2.2: a single zero group is not shortened
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLen) { // the first of equally long runs (4.2.3)
                bestAt = i;
                bestLen = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < 8; i++) {
            if (i == bestAt) {
                s.append("::");
                i += bestLen - 1;
                continue;
            }
            if (s.length() > 1 && s.charAt(s.length() - 1) != ':') {
                s.append(':');
            }
            s.append(Integer.toHexString(g[i]));
        }
        return s.append(']').toString();
    }
}
