package skiff.portmap;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import skiff.http.Text;

/**
 * UPnP IGD messages: the SSDP search (UPnP Device Architecture 1.1, section 1.3), the router's
 * answer to it, its device description, and the SOAP calls of its WAN connection service
 * (WANIPConnection:1/2 or WANPPPConnection:1). Pure. Everything here comes from any host on the
 * LAN, so each read is bounded and the router may only point at itself.
 */
final class Upnp {
    static final String SSDP_GROUP = "239.255.255.250";
    static final int SSDP_PORT = 1900;
    /** Largest description read: real ones are 2-10 KiB. */
    static final int MAX_DESCRIPTION_BYTES = 256 << 10;
    /** The WAN services that map ports, most capable first. */
    private static final String[] SERVICES = {"urn:schemas-upnp-org:service:WANIPConnection:2",
        "urn:schemas-upnp-org:service:WANIPConnection:1", "urn:schemas-upnp-org:service:WANPPPConnection:1"};
    /** UPnP error codes from WANIPConnection:2, section 2.5. */
    static final int CONFLICT_IN_MAPPING = 718;
    static final int ONLY_PERMANENT_LEASES = 725;

    /** The service that maps ports: where to POST, and the type its SOAPAction names. */
    record Service(URI control, String type) {
    }

    private Upnp() {
    }

    /** The search for routers, sent to the SSDP group; {@code MX}: seconds a device may wait before it answers. */
    static byte[] search(int mx) {
        return ("M-SEARCH * HTTP/1.1\r\n"
            + "HOST: " + SSDP_GROUP + ":" + SSDP_PORT + "\r\n"
            + "ST: urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\n"
            + "MAN: \"ssdp:discover\"\r\n"
            + "MX: " + mx + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * The description's address from an answer to the search, sent by {@code from}: an http URL
     * on that same host, else an exception (another host could steer us anywhere).
     */
    static URI location(byte[] datagram, int length, InetAddress from) throws PortMapException {
        String text = new String(datagram, 0, length, StandardCharsets.ISO_8859_1);
        List<String> lines = Text.lines(text, 64);
        if (lines.isEmpty() || !lines.get(0).startsWith("HTTP/1.") || !lines.get(0).contains(" 200")) {
            throw new PortMapException("SSDP answer is not HTTP 200");
        }
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("location")) {
                URI u = httpUri(line.substring(colon + 1).trim());
                sameHost(u, from);
                return u;
            }
        }
        throw new PortMapException("SSDP answer without LOCATION");
    }

    /** The port-mapping service in a device description fetched from {@code location}, or an exception. */
    static Service service(byte[] description, URI location) throws PortMapException {
        if (description.length > MAX_DESCRIPTION_BYTES) {
            throw new PortMapException("device description of " + description.length + " bytes");
        }
        String xml = new String(description, StandardCharsets.UTF_8);
        String base = element(xml, "URLBase", 0);
        URI against = location;
        if (base != null && !base.isBlank()) {
            against = httpUri(base.trim());
        }
        for (String wanted : SERVICES) {
            int at = 0;
            while ((at = xml.indexOf("<service>", at)) >= 0) {
                int end = xml.indexOf("</service>", at);
                if (end < 0) {
                    break;
                }
                String block = xml.substring(at, end);
                at = end;
                String type = element(block, "serviceType", 0);
                String control = element(block, "controlURL", 0);
                if (type != null && type.trim().equals(wanted) && control != null && !control.isBlank()) {
                    URI u;
                    try {
                        u = against.resolve(new URI(control.trim()));
                    } catch (URISyntaxException | IllegalArgumentException e) {
                        throw new PortMapException("unreadable controlURL");
                    }
                    httpUri(u.toString());
                    if (!location.getHost().equalsIgnoreCase(u.getHost())) {
                        throw new PortMapException("controlURL points at another host: " + u.getHost());
                    }
                    return new Service(u, wanted);
                }
            }
        }
        throw new PortMapException("the router describes no WAN connection service");
    }

    static byte[] addPortMapping(Service s, int port, String protocol, InetAddress internal, int leaseSeconds) {
        return soap(s, "AddPortMapping", "<NewRemoteHost></NewRemoteHost><NewExternalPort>" + port + "</NewExternalPort>"
            + "<NewProtocol>" + protocol + "</NewProtocol><NewInternalPort>" + port + "</NewInternalPort>"
            + "<NewInternalClient>" + internal.getHostAddress() + "</NewInternalClient><NewEnabled>1</NewEnabled>"
            + "<NewPortMappingDescription>skiff " + port + " " + protocol + "</NewPortMappingDescription>"
            + "<NewLeaseDuration>" + leaseSeconds + "</NewLeaseDuration>");
    }

    static byte[] deletePortMapping(Service s, int port, String protocol) {
        return soap(s, "DeletePortMapping", "<NewRemoteHost></NewRemoteHost><NewExternalPort>" + port
            + "</NewExternalPort><NewProtocol>" + protocol + "</NewProtocol>");
    }

    static byte[] getExternalIpAddress(Service s) {
        return soap(s, "GetExternalIPAddress", "");
    }

    /** The SOAPAction header's value for {@code action}. */
    static String soapAction(Service s, String action) {
        return "\"" + s.type() + "#" + action + "\"";
    }

    private static byte[] soap(Service s, String action, String arguments) {
        return ("<?xml version=\"1.0\"?>\r\n<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\" "
            + "s:encodingStyle=\"http://schemas.xmlsoap.org/soap/encoding/\"><s:Body><u:" + action + " xmlns:u=\""
            + s.type() + "\">" + arguments + "</u:" + action + "></s:Body></s:Envelope>\r\n").getBytes(StandardCharsets.UTF_8);
    }

    /** A SOAP fault's UPnP error code, or -1 when the body holds none. */
    static int errorCode(byte[] body) {
        String code = element(new String(body, 0, Math.min(body.length, 64 << 10), StandardCharsets.UTF_8), "errorCode", 0);
        try {
            return code == null ? -1 : Integer.parseInt(code.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The answer to GetExternalIPAddress, or null when it holds no address. */
    static String externalAddress(byte[] body) {
        String a = element(new String(body, 0, Math.min(body.length, 64 << 10), StandardCharsets.UTF_8), "NewExternalIPAddress", 0);
        return a == null || a.isBlank() || a.length() > 45 ? null : a.trim();
    }

    /** The text of the first leaf element named {@code name} (any namespace prefix) from {@code from}, unescaped; null if none. */
    static String element(String xml, String name, int from) {
        for (int lt = xml.indexOf('<', from); lt >= 0; lt = xml.indexOf('<', lt + 1)) {
            int prefix = lt + 1;
            while (prefix < xml.length() && prefix - lt <= 32 && PREFIX_CHARS.indexOf(xml.charAt(prefix)) >= 0) {
                prefix++;
            }
            boolean prefixed = prefix > lt + 1 && prefix < xml.length() && xml.charAt(prefix) == ':' && prefix - lt <= 33;
            String text = prefixed ? leafText(xml, prefix + 1, name) : null;
            if (text == null) {
                text = leafText(xml, lt + 1, name);
            }
            if (text != null) {
                return unescape(text);
            }
        }
        return null;
    }

    /** Element name characters a namespace prefix may hold (at most 32 of them). */
    private static final String PREFIX_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-";

    /**
     * The text of an element whose name {@code name} starts at {@code at}, up to the next tag if that
     * is a closing one; null if the name differs or the element holds elements.
     */
    private static String leafText(String xml, int at, String name) {
        if (!xml.startsWith(name, at)) {
            return null;
        }
        int end = at + name.length();
        if (end >= xml.length() || (xml.charAt(end) != '>' && !Text.space(xml.charAt(end)))) {
            return null;
        }
        int gt = xml.indexOf('>', end);
        int next = gt < 0 ? -1 : xml.indexOf('<', gt + 1);
        if (next < 0 || next + 1 >= xml.length() || xml.charAt(next + 1) != '/') {
            return null;
        }
        return xml.substring(gt + 1, next);
    }

    private static String unescape(String s) {
        return s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&apos;", "'").replace("&amp;", "&");
    }

    private static URI httpUri(String s) throws PortMapException {
        try {
            URI u = new URI(s);
            if (u.getScheme() == null || !u.getScheme().toLowerCase(Locale.ROOT).equals("http") || u.getHost() == null) {
                throw new PortMapException("not an http URL: " + (s.length() > 80 ? s.substring(0, 80) + "..." : s));
            }
            return u;
        } catch (URISyntaxException e) {
            throw new PortMapException("unreadable URL");
        }
    }

    private static void sameHost(URI u, InetAddress from) throws PortMapException {
        String host = u.getHost().startsWith("[") ? u.getHost().substring(1, u.getHost().length() - 1) : u.getHost();
        if (!host.equalsIgnoreCase(from.getHostAddress())) {
            throw new PortMapException("SSDP answer from " + from.getHostAddress() + " points at " + host);
        }
    }
}
