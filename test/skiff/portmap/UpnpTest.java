package skiff.portmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** SSDP answers, device descriptions and SOAP answers: miniupnpd's own, and hostile ones from the LAN. */
class UpnpTest {
    private static final InetAddress ROUTER = address("10.77.0.1");

    private static InetAddress address(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void theSearchIsAnSsdpMSearch() {
        String s = new String(Upnp.search(2), StandardCharsets.US_ASCII);
        assertTrue(s.startsWith("M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\n"), s);
        assertTrue(s.contains("MAN: \"ssdp:discover\"\r\n") && s.contains("MX: 2\r\n") && s.endsWith("\r\n\r\n"), s);
    }

    @Test
    void theLocationOfAnAnswerFromTheRouterItself() throws Exception {
        byte[] answer = bytes("HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=120\r\n"
            + "ST: urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\nlocation: http://10.77.0.1:38375/rootDesc.xml\r\n\r\n");
        assertEquals(URI.create("http://10.77.0.1:38375/rootDesc.xml"), Upnp.location(answer, answer.length, ROUTER));
        PortMapException elsewhere = assertThrows(PortMapException.class,
            () -> Upnp.location(answer, answer.length, address("10.77.0.9")));
        assertEquals("SSDP answer from 10.77.0.9 points at 10.77.0.1", elsewhere.getMessage());
        byte[] https = bytes("HTTP/1.1 200 OK\r\nLOCATION: file:///etc/passwd\r\n\r\n");
        assertThrows(PortMapException.class, () -> Upnp.location(https, https.length, ROUTER));
        byte[] none = bytes("HTTP/1.1 200 OK\r\nST: x\r\n\r\n");
        assertThrows(PortMapException.class, () -> Upnp.location(none, none.length, ROUTER));
        byte[] notify = bytes("NOTIFY * HTTP/1.1\r\nLOCATION: http://10.77.0.1/\r\n\r\n");
        assertThrows(PortMapException.class, () -> Upnp.location(notify, notify.length, ROUTER));
    }

    @Test
    void miniupnpdsDescriptionGivesItsIpConnectionService() throws Exception {
        byte[] xml = Files.readAllBytes(Path.of("test/fixtures/upnp/miniupnpd-2.3.1-rootDesc.xml"));
        Upnp.Service s = Upnp.service(xml, URI.create("http://10.77.0.1:38375/rootDesc.xml"));
        assertEquals(URI.create("http://10.77.0.1:38375/ctl/IPConn"), s.control());
        assertEquals("urn:schemas-upnp-org:service:WANIPConnection:2", s.type());
        assertEquals("\"urn:schemas-upnp-org:service:WANIPConnection:2#AddPortMapping\"", Upnp.soapAction(s, "AddPortMapping"));
    }

    @Test
    void aPppRouterWithAUrlBaseAndEscapedUrl() throws Exception {
        String xml = "<root><URLBase>http://192.168.1.1:5000/</URLBase><device><serviceList>"
            + "<service><serviceType>urn:schemas-upnp-org:service:Layer3Forwarding:1</serviceType><controlURL>/l3f</controlURL></service>"
            + "<service>\n  <serviceType>urn:schemas-upnp-org:service:WANPPPConnection:1</serviceType>\n"
            + "  <controlURL>upnp/control?id=3&amp;s=ppp</controlURL>\n</service></serviceList></device></root>";
        Upnp.Service s = Upnp.service(bytes(xml), URI.create("http://192.168.1.1:5000/desc.xml"));
        assertEquals(URI.create("http://192.168.1.1:5000/upnp/control?id=3&s=ppp"), s.control());
        assertEquals("urn:schemas-upnp-org:service:WANPPPConnection:1", s.type());
    }

    @Test
    void aDescriptionThatPointsElsewhereOrHasNoServiceIsRefused() {
        URI at = URI.create("http://10.77.0.1:1900/d.xml");
        String elsewhere = "<service><serviceType>urn:schemas-upnp-org:service:WANIPConnection:1</serviceType>"
            + "<controlURL>http://203.0.113.5/ctl</controlURL></service>";
        assertEquals("controlURL points at another host: 203.0.113.5",
            assertThrows(PortMapException.class, () -> Upnp.service(bytes(elsewhere), at)).getMessage());
        assertThrows(PortMapException.class, () -> Upnp.service(bytes("<root><service><serviceType>x</serviceType></service>"), at));
        assertThrows(PortMapException.class, () -> Upnp.service(bytes("<service><serviceType>urn:schemas-upnp-org:service:"
            + "WANIPConnection:1</serviceType><controlURL>"), at), "cut short");
        assertThrows(PortMapException.class, () -> Upnp.service(new byte[Upnp.MAX_DESCRIPTION_BYTES + 1], at));
    }

    @Test
    void soapCallsAndAnswers() throws Exception {
        Upnp.Service s = new Upnp.Service(URI.create("http://10.77.0.1/ctl"), "urn:schemas-upnp-org:service:WANIPConnection:1");
        String add = new String(Upnp.addPortMapping(s, 51413, "UDP", address("10.77.0.2"), 3600), StandardCharsets.UTF_8);
        assertTrue(add.contains("<u:AddPortMapping xmlns:u=\"urn:schemas-upnp-org:service:WANIPConnection:1\">"), add);
        assertTrue(add.contains("<NewExternalPort>51413</NewExternalPort><NewProtocol>UDP</NewProtocol>"
            + "<NewInternalPort>51413</NewInternalPort><NewInternalClient>10.77.0.2</NewInternalClient>"), add);
        assertTrue(add.contains("<NewLeaseDuration>3600</NewLeaseDuration>"), add);
        assertEquals(718, Upnp.errorCode(bytes("<s:Envelope><s:Body><s:Fault><detail><UPnPError xmlns=\"urn:schemas-upnp-org:control-1-0\">"
            + "<errorCode>718</errorCode><errorDescription>ConflictInMappingEntry</errorDescription></UPnPError></detail>"
            + "</s:Fault></s:Body></s:Envelope>")));
        assertEquals(-1, Upnp.errorCode(bytes("<html>500</html>")));
        assertEquals(-1, Upnp.errorCode(bytes("<errorCode>x</errorCode>")));
        assertEquals("11.77.0.1", Upnp.externalAddress(bytes("<u:GetExternalIPAddressResponse xmlns:u=\"x\">"
            + "<NewExternalIPAddress>11.77.0.1</NewExternalIPAddress></u:GetExternalIPAddressResponse>")));
        assertNull(Upnp.externalAddress(bytes("<NewExternalIPAddress></NewExternalIPAddress>")));
        assertEquals("a<b", Upnp.element("<m:x a=\"1\">a&lt;b</m:x>", "x", 0));
        assertNull(Upnp.element("<xy>1</xy>", "x", 0), "another element whose name starts the same");
    }
}
