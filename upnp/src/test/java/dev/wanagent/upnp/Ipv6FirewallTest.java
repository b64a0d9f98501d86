package dev.wanagent.upnp;

import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.Test;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** WANIPv6FirewallControl: the requests' shape, the source address, the answers and errors (miniupnpd's). */
class Ipv6FirewallTest {
    private static final Inet6Address LOOPBACK6 = loopback6();

    private static Inet6Address loopback6() {
        try {
            return (Inet6Address) InetAddress.getByName("::1");
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Ipv6Firewall firewall(MockWebServer server) {
        HttpUrl location = HttpUrl.get("http://192.168.77.1:" + server.getPort() + "/rootDesc.xml");
        GatewayDescription d = new GatewayDescription(location, "r", "m", "n",
                List.of(new GatewayDescription.WanService("urn:schemas-upnp-org:service:WANIPConnection:2",
                        location.resolve("/ctl/IPConn"), null)),
                Optional.of(new GatewayDescription.WanService(GatewayDescription.IPV6_FIREWALL,
                        location.resolve("/ctl/IP6FCtl"), null)));
        InternetGateway gw = new InternetGateway(d, d.services().get(0), LOOPBACK6, Optional.empty());
        return Ipv6Firewall.of(gw, LOOPBACK6, LOOPBACK6).orElseThrow();
    }

    private static MockResponse soap(String action, String inner) {
        return new MockResponse.Builder().body("<?xml version=\"1.0\"?><s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\">"
                + "<s:Body><u:" + action + "Response xmlns:u=\"" + GatewayDescription.IPV6_FIREWALL + "\">" + inner
                + "</u:" + action + "Response></s:Body></s:Envelope>").build();
    }

    private static MockResponse fault(int code, String description) {
        return new MockResponse.Builder().code(500).body("<?xml version=\"1.0\"?><s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\">"
                + "<s:Body><s:Fault><faultcode>s:Client</faultcode><faultstring>UPnPError</faultstring><detail>"
                + "<UPnPError xmlns=\"urn:schemas-upnp-org:control-1-0\"><errorCode>" + code + "</errorCode>"
                + "<errorDescription>" + description + "</errorDescription></UPnPError></detail></s:Fault></s:Body>"
                + "</s:Envelope>").build();
    }

    @Test
    void addUpdateDeleteGoToTheRoutersIpv6AddressFromTheServedAddress() throws Exception {
        try (MockWebServer server = new MockWebServer()) {
            server.start(LOOPBACK6, 0);
            Ipv6Firewall fw = firewall(server);
            server.enqueue(soap("AddPinhole", "<UniqueID>7</UniqueID>"));
            server.enqueue(soap("UpdatePinhole", ""));
            server.enqueue(fault(704, "NoSuchEntry"));
            Ipv6Firewall.Pinhole p = fw.add(LOOPBACK6, 3389, "TCP", 100_000);
            assertEquals(new Ipv6Firewall.Pinhole(7, LOOPBACK6, 3389, "TCP", 86400), p, "lease capped at 86400 s");
            RecordedRequest add = server.takeRequest(1, TimeUnit.SECONDS);
            assertEquals("/ctl/IP6FCtl", add.getUrl().encodedPath());
            assertEquals("\"" + GatewayDescription.IPV6_FIREWALL + "#AddPinhole\"", add.getHeaders().get("SOAPAction"));
            String body = add.getBody().utf8();
            for (String arg : new String[]{"<RemoteHost></RemoteHost>", "<RemotePort>0</RemotePort>",
                    "<InternalClient>::1</InternalClient>", "<InternalPort>3389</InternalPort>",
                    "<Protocol>6</Protocol>", "<LeaseTime>86400</LeaseTime>"}) {
                assertTrue(body.contains(arg), arg + " in " + body);
            }
            assertEquals(3600, fw.update(p, 3600).leaseSeconds());
            assertTrue(server.takeRequest(1, TimeUnit.SECONDS).getBody().utf8()
                    .contains("<UniqueID>7</UniqueID><NewLeaseTime>3600</NewLeaseTime>"));
            fw.delete(p); // 704: already gone, not an error
            assertEquals(3, server.getRequestCount());
        }
    }

    @Test
    void refusalsKeepTheirCodes() throws Exception {
        try (MockWebServer server = new MockWebServer()) {
            server.start(LOOPBACK6, 0);
            Ipv6Firewall fw = firewall(server);
            server.enqueue(fault(606, "Action not authorized"));
            server.enqueue(fault(704, "NoSuchEntry"));
            server.enqueue(soap("AddPinhole", "<UniqueID>70000</UniqueID>"));
            server.enqueue(soap("AddPinhole", "<UniqueID>7 seven</UniqueID>"));
            assertTrue(assertThrows(UpnpException.class, () -> fw.add(LOOPBACK6, 80, "TCP", 3600)).is(606));
            assertTrue(assertThrows(UpnpException.class, () -> fw.update(
                    new Ipv6Firewall.Pinhole(3, LOOPBACK6, 8080, "UDP", 60), 60)).is(Ipv6Firewall.NO_SUCH_ENTRY));
            assertTrue(assertThrows(UpnpException.class, () -> fw.add(LOOPBACK6, 8080, "UDP", 60)).getMessage().contains("over 65535"));
            String m = assertThrows(UpnpException.class, () -> fw.add(LOOPBACK6, 8080, "UDP", 60)).getMessage();
            assertTrue(m.contains("UniqueID '7 seven', which is not a number"), m);
        }
    }

    @Test
    void noServiceNoFirewall() {
        HttpUrl location = HttpUrl.get("http://192.168.77.1:5000/rootDesc.xml");
        GatewayDescription d = new GatewayDescription(location, "r", "m", "n",
                List.of(new GatewayDescription.WanService("urn:schemas-upnp-org:service:WANIPConnection:1",
                        location.resolve("/ctl/IPConn"), null)));
        InternetGateway gw = new InternetGateway(d, d.services().get(0), LOOPBACK6, Optional.empty());
        assertTrue(Ipv6Firewall.of(gw, LOOPBACK6, LOOPBACK6).isEmpty());
    }

    @Property(tries = 1000)
    void anyUniqueIdTextIsANumberOrAClearError(@ForAll String text) {
        try {
            int id = Ipv6Firewall.uniqueId(text);
            assertTrue(id >= 0 && id <= 65535);
        } catch (UpnpException e) {
            assertTrue(e.getMessage().startsWith("AddPinhole: "), e.getMessage());
            assertTrue(e.getMessage().chars().noneMatch(c -> c < 0x20), e.getMessage());
        }
    }
}
