package dev.wanagent.upnp;

import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SoapAndRoutesTest {
    private static final String SERVICE = "urn:schemas-upnp-org:service:WANIPConnection:2";

    @Test
    void soapArgumentsAreEscapedAndErrorCodesKept() throws Exception {
        try (MockWebServer server = new MockWebServer()) {
            server.start(InetAddress.getLoopbackAddress(), 0);
            server.enqueue(new MockResponse.Builder().code(500)
                    .body(new String(GatewayDescriptionTest.resource("error-714.xml"), StandardCharsets.UTF_8)).build());
            Map<String, String> args = new LinkedHashMap<>();
            args.put("NewPortMappingDescription", "</NewPortMappingDescription><Evil>&'\"");
            UpnpException e = assertThrows(UpnpException.class,
                    () -> SoapClient.call(server.url("/ctl/IPConn"), SERVICE, "GetSpecificPortMappingEntry", args));
            assertTrue(e.is(UpnpException.NO_SUCH_ENTRY_IN_ARRAY));
            assertEquals("GetSpecificPortMappingEntry failed: UPnP error 714 NoSuchEntryInArray (NoSuchEntryInArray)",
                    e.getMessage());
            RecordedRequest r = server.takeRequest(1, TimeUnit.SECONDS);
            assertEquals("\"" + SERVICE + "#GetSpecificPortMappingEntry\"", r.getHeaders().get("SOAPAction"));
            String body = r.getBody().utf8();
            assertTrue(body.contains("<NewPortMappingDescription>&lt;/NewPortMappingDescription&gt;&lt;Evil&gt;"
                    + "&amp;&apos;&quot;</NewPortMappingDescription>"), body);
        }
    }

    @Test
    void oversizedRepliesAreRefused() throws Exception {
        try (MockWebServer server = new MockWebServer()) {
            server.start(InetAddress.getLoopbackAddress(), 0);
            server.enqueue(new MockResponse.Builder().body("<a>" + "x".repeat(RouterHttp.MAX_REPLY_BYTES) + "</a>").build());
            UpnpException e = assertThrows(UpnpException.class,
                    () -> SoapClient.call(server.url("/ctl"), SERVICE, "GetExternalIPAddress", Map.of()));
            assertTrue(e.getMessage().contains("byte limit"), e.getMessage());
        }
    }

    @Test
    void defaultGatewayFromProcNetRoute() throws Exception {
        List<String> table = List.of(
                "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT",
                "docker0\t000011AC\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0",
                "wlan0\t00000000\t0101A8C0\t0003\t0\t0\t600\t00000000\t0\t0\t0",
                "hlan\t00000000\t014DA8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0",
                "hlan\t004DA8C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0");
        assertEquals(InetAddress.getByName("192.168.77.1"), DefaultGateway.fromProcNetRoute(table, java.util.Optional.empty()).orElseThrow(),
                "lowest metric default route wins");
        assertTrue(DefaultGateway.fromProcNetRoute(table.subList(0, 2), java.util.Optional.empty()).isEmpty());
        assertEquals(InetAddress.getByName("192.168.1.1"),
                DefaultGateway.fromProcNetRoute(table, java.util.Optional.of("wlan0")).orElseThrow(),
                "router.upnp.interface picks that interface's default route");
    }

    @Test
    void literalAddressesNeverResolveNames() {
        assertEquals("11.22.33.44", InternetGateway.answeredAddress("11.22.33.44").orElseThrow().getHostAddress());
        assertTrue(InternetGateway.answeredAddress("0.0.0.0").isPresent());
        assertTrue(InternetGateway.answeredAddress("999.1.1.1").isEmpty());
        assertTrue(InternetGateway.answeredAddress("router.local").isEmpty());
        assertTrue(InternetGateway.answeredAddress("").isEmpty());
    }

    @Test
    void textThatIsNoLiteralNeverReachesTheResolver() {
        // InetAddress.getByName(".:") asks the system resolver ("Name or service not known")
        for (String s : List.of(".:", ".1:2", "..:", ".::1", "g::1")) {
            assertTrue(InternetGateway.answeredAddress(s).isEmpty(), s);
        }
        assertEquals("0:0:0:0:0:0:0:1", InternetGateway.answeredAddress("::1").orElseThrow().getHostAddress());
        assertEquals("fe80:0:0:0:0:0:0:1", InternetGateway.answeredAddress("[fe80::1]").orElseThrow().getHostAddress());
    }

    @Test
    void aFaultsDescriptionCannotForgeALogLine() {
        byte[] fault = ("<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body><s:Fault><detail>"
                + "<UPnPError><errorCode>718</errorCode><errorDescription>ConflictInMappingEntry&#13;&#10;[main] INFO"
                + " dev.wanagent.agent.Agent - forged</errorDescription></UPnPError></detail></s:Fault></s:Body>"
                + "</s:Envelope>").getBytes(StandardCharsets.UTF_8);
        UpnpException e = assertThrows(UpnpException.class, () -> SoapClient.outArguments("AddPortMapping",
                okhttp3.HttpUrl.get("http://192.168.77.1:5000/ctl"), 500, fault));
        assertEquals("AddPortMapping failed: UPnP error 718 ConflictInMappingEntry (ConflictInMappingEntry??[main] INFO"
                + " dev.wanagent.agent.Agent - forged)", e.getMessage());
    }

    @Test
    void malformedXmlIsRefusedQuietlyWithAShortMessage() throws Exception {
        java.io.PrintStream err = System.err;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        UpnpException e;
        try {
            System.setErr(new java.io.PrintStream(captured, true, StandardCharsets.UTF_8));
            e = assertThrows(UpnpException.class, () -> SoapClient.outArguments("GetExternalIPAddress",
                    okhttp3.HttpUrl.get("http://192.168.77.1:5000/ctl"), 200, ("<?xml version=\"1.0\" encoding=\""
                            + "x".repeat(5000) + "\"?><a/>").getBytes(StandardCharsets.UTF_8)));
        } finally {
            System.setErr(err);
        }
        assertEquals("", captured.toString(StandardCharsets.UTF_8), "the XML parser prints nothing");
        assertTrue(e.getMessage().length() < 400, e.getMessage());
        assertTrue(e.getMessage().startsWith("GetExternalIPAddress: the router's reply is not acceptable XML: "),
                e.getMessage());
    }

    @Test
    void mappingsAreShownPrintable() {
        PortMapping m = new PortMapping("", 8080, "TCP", 80, "192.168.77.100", true, "web\r\n[main] INFO forged", 0);
        assertEquals("TCP 8080 -> 192.168.77.100:80 'web??[main] INFO forged' lease permanent", m.toString());
    }
}
