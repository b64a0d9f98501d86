package dev.wanagent.agent;

import dev.wanagent.config.MappingConfig;
import dev.wanagent.upnp.InternetGateway;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pinhole lifecycle against a router that answers like miniupnpd's WANIPv6FirewallControl. */
class PinholesTest {
    private static final String FW = "urn:schemas-upnp-org:service:WANIPv6FirewallControl:1";
    private final MockWebServer router = new MockWebServer();
    private final List<String> calls = new CopyOnWriteArrayList<>();
    /** What the router answers to the next firewall call (null: success). */
    private volatile Integer nextError;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T12:00:00Z"));
    private InternetGateway gateway;
    private Inet6Address host;

    @BeforeEach
    void start() throws Exception {
        router.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest r) {
                if (r.getUrl().encodedPath().equals("/rootDesc.xml")) return description();
                String action = r.getHeaders().get("SOAPAction").replaceAll(".*#|\"", "");
                String body = r.getBody().utf8();
                calls.add(action + (body.contains("<InternalClient>") ? " " + body.replaceAll("(?s)" +
                        ".*<InternalClient>([^<]*)</InternalClient><InternalPort>([^<]*)<.*", "$1 $2").trim() : ""));
                Integer error = nextError;
                nextError = null;
                if (error != null) {
                    return new MockResponse.Builder().code(500).body("<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body><s:Fault><detail><UPnPError xmlns=\"urn:schemas-upnp-org:control-1-0\"><errorCode>"
                            + error + "</errorCode><errorDescription>e</errorDescription></UPnPError></detail></s:Fault></s:Body></s:Envelope>").build();
                }
                String inner = action.equals("AddPinhole") ? "<UniqueID>" + calls.size() + "</UniqueID>" : "";
                return new MockResponse.Builder().body("<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body><u:"
                        + action + "Response xmlns:u=\"" + FW + "\">" + inner + "</u:" + action + "Response></s:Body></s:Envelope>").build();
            }
        });
        router.start(InetAddress.getByName("::"), 0);
        gateway = InternetGateway.at(HttpUrl.get("http://127.0.0.1:" + router.getPort() + "/rootDesc.xml"));
        host = (Inet6Address) InetAddress.getByName("::1");
    }

    private static MockResponse description() {
        return new MockResponse.Builder().body("<?xml version=\"1.0\"?><root xmlns=\"urn:schemas-upnp-org:device-1-0\"><device>"
                + "<deviceType>urn:schemas-upnp-org:device:InternetGatewayDevice:2</deviceType><friendlyName>r</friendlyName>"
                + "<serviceList><service><serviceType>urn:schemas-upnp-org:service:WANIPConnection:2</serviceType>"
                + "<controlURL>/ctl/IPConn</controlURL></service><service><serviceType>" + FW + "</serviceType>"
                + "<controlURL>/ctl/IP6FCtl</controlURL></service></serviceList></device></root>").build();
    }

    @AfterEach
    void stop() throws Exception {
        router.close();
    }

    private HostIpv6.Lan lan(Inet6Address served) {
        return new HostIpv6.Lan(Optional.of(host), Optional.of(served), Optional.of(host), "");
    }

    private static MappingConfig mapping(String name, int port, int lease) {
        return new MappingConfig(name, port, port, "TCP", Optional.empty(), lease, false);
    }

    @Test
    void addedRenewedAtHalfLeaseReAddedWhenLostOrAfterARouterRestartAndMoved() throws Exception {
        Pinholes p = new Pinholes(List.of(mapping("rdp", 3389, 600)), false, clock);
        List<MappingReconciler.MappingStatus> first = p.keep(gateway, lan(host), false);
        assertEquals(List.of("AddPinhole ::1 3389"), calls);
        assertTrue(first.get(0).ok() && first.get(0).name().equals("rdp (IPv6 pinhole)"), first.toString());
        assertEquals(Optional.of(clock.instant().plusSeconds(300)), p.nextDue(clock.instant()));

        p.keep(gateway, lan(host), false); // not due: the router is not asked
        assertEquals(1, calls.size());
        clock.advance(Duration.ofSeconds(300));
        p.keep(gateway, lan(host), false);
        assertEquals("UpdatePinhole", calls.get(1));

        clock.advance(Duration.ofSeconds(300));
        nextError = 704; // the router forgot it
        assertTrue(p.keep(gateway, lan(host), false).get(0).ok());
        assertEquals(List.of("UpdatePinhole", "AddPinhole ::1 3389"), calls.subList(2, 4));

        p.keep(gateway, lan(host), true); // the reconciler found the mappings gone: ask again at once
        assertEquals("AddPinhole ::1 3389", calls.get(4));

        Inet6Address moved = (Inet6Address) InetAddress.getByName("2a00:77:77::200");
        p.keep(gateway, lan(moved), false); // a new served address: the old hole closed, a new one opened
        assertEquals(List.of("DeletePinhole", "AddPinhole 2a00:77:77::200 3389"), calls.subList(5, 7));
    }

    @Test
    void aRefusalIsExplainedNotFailedAndAnUnreachableRouterBacksOff() throws Exception {
        Pinholes p = new Pinholes(List.of(mapping("web", 80, 3600)), false, clock);
        nextError = 606;
        MappingReconciler.MappingStatus refused = p.keep(gateway, lan(host), false).get(0);
        assertTrue(refused.ok(), "the IPv4 mapping holds; the router said why");
        assertTrue(refused.detail().startsWith("not opened: IPv6 pinhole to port 80/TCP: the router refused it (606")
                && refused.detail().contains("internal port 80 is below"), refused.detail());
        assertEquals(Optional.of(clock.instant().plus(Pinholes.REFUSAL_HOLD)), p.nextDue(clock.instant()));
        p.keep(gateway, lan(host), false);
        assertEquals(1, calls.size(), "a refusal stands for an hour: the router is not asked again each pass");
        p.keep(gateway, lan(host), true);
        assertEquals(2, calls.size(), "a router restart: asked again at once");

        clock.advance(Pinholes.REFUSAL_HOLD);
        router.close(); // the router stops answering over IPv6
        MappingReconciler.MappingStatus down = p.keep(gateway, lan(host), false).get(0);
        assertFalse(down.ok(), down.toString());
        assertEquals(Optional.of(clock.instant().plusSeconds(1)), p.nextDue(clock.instant()));
        assertFalse(p.keep(gateway, lan(host), false).get(0).ok(), "within the back-off: the last status again");
        clock.advance(Duration.ofSeconds(1));
        p.keep(gateway, lan(host), false);
        assertEquals(Optional.of(clock.instant().plusSeconds(2)), p.nextDue(clock.instant()));
    }

    @Test
    void mappingsToAnotherHostGetNoPinholeWithoutHostId6AndNoIpv6MeansNone() {
        MappingConfig other = new MappingConfig("nas", 5001, 5001, "TCP", Optional.of("192.168.77.50"), 3600, false);
        assertEquals(List.of(), new Pinholes(List.of(other), false, clock).keep(gateway, lan(host), false));
        assertEquals(List.of(), new Pinholes(List.of(mapping("rdp", 3389, 600)), false, clock)
                .keep(gateway, HostIpv6.Lan.NONE, false));
        assertEquals(List.of(), calls);
    }
}
