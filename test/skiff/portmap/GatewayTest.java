package skiff.portmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/** The default gateway from Linux's /proc/net/route. */
class GatewayTest {
    private static final String HEADER = "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n";

    @Test
    void theDefaultRouteOfLeastMetricWins() throws Exception {
        String table = HEADER
            + "wlan0\t00000000\t0101A8C0\t0003\t0\t0\t600\t00000000\t0\t0\t0\n" // 192.168.1.1, metric 600
            + "eth0\t00000000\t0100000A\t0003\t0\t0\t100\t00000000\t0\t0\t0\n" // 10.0.0.1, metric 100
            + "eth0\t0000000A\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0\n"; // the LAN itself, no gateway
        assertEquals(InetAddress.getByName("10.0.0.1"), Gateway.parse(table));
    }

    @Test
    void noDefaultRouteNoGateway() {
        assertNull(Gateway.parse(HEADER + "eth0\t0000000A\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0\n"));
        assertNull(Gateway.parse(HEADER + "eth0\t00000000\t0100000A\t0001\t0\t0\t0\t00000000\t0\t0\t0\n"), "not via a gateway");
        assertNull(Gateway.parse(""));
        assertNull(Gateway.parse("eth0 00000000 zz 0003 0 0 0 00000000\n"), "unreadable");
    }
}
