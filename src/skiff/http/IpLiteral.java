package skiff.http;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** IP address literals, told apart from host names without ever asking DNS. */
public final class IpLiteral {
    private IpLiteral() {
    }

    /** Parses an IPv4 or IPv6 literal without ever asking DNS; null when it is not one. */
    public static InetAddress parse(String s) {
        try {
            if (s.indexOf(':') >= 0) {
                if (!Text.only(s, "0123456789abcdefABCDEF:.")) {
                    return null;
                }
                return InetAddress.getByName(s); // a string with ':' is parsed as an IPv6 literal, never looked up
            }
            String[] parts = s.split("\\.", -1);
            if (parts.length != 4) {
                return null;
            }
            byte[] b = new byte[4];
            for (int i = 0; i < 4; i++) {
                if (parts[i].isEmpty() || parts[i].length() > 3 || !digits(parts[i])) {
                    return null;
                }
                int n = Integer.parseInt(parts[i]);
                if (n > 255) {
                    return null;
                }
                b[i] = (byte) n;
            }
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static boolean digits(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }
}
