package dev.wanagent.upnp;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import okhttp3.HttpUrl;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SOAP replies and UPnP faults from a hostile or broken router: values, or an UpnpException that says why. */
class SoapPropertyTest {
    private static final HttpUrl CONTROL = HttpUrl.get("http://192.168.77.1:5000/ctl/IPConn");
    private static final String FAULT = "<?xml version=\"1.0\"?><s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/"
            + "envelope/\" s:encodingStyle=\"http://schemas.xmlsoap.org/soap/encoding/\"><s:Body><s:Fault><faultcode>"
            + "s:Client</faultcode><faultstring>UPnPError</faultstring><detail><UPnPError xmlns=\"urn:schemas-upnp-"
            + "org:control-1-0\"><errorCode>CODE</errorCode><errorDescription>DESC</errorDescription></UPnPError>"
            + "</detail></s:Fault></s:Body></s:Envelope>";
    private static final String REPLY = "<?xml version=\"1.0\"?><s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/"
            + "envelope/\"><s:Body><u:GetExternalIPAddressResponse xmlns:u=\"urn:schemas-upnp-org:service:"
            + "WANIPConnection:2\"><NewExternalIPAddress>VALUE</NewExternalIPAddress></u:GetExternalIPAddressResponse>"
            + "</s:Body></s:Envelope>";

    @Provide
    Arbitrary<byte[]> bodies() {
        Arbitrary<String> code = Arbitraries.oneOf(Arbitraries.of("714", " 718 ", "-1", "99999999999", "7e2", ""),
                Arbitraries.integers().map(String::valueOf), Hostile.xmlText());
        Arbitrary<byte[]> faults = Combinators.combine(code, Hostile.xmlText()).as((c, d) -> FAULT
                .replace("CODE", c).replace("DESC", d).getBytes(StandardCharsets.UTF_8));
        Arbitrary<byte[]> replies = Hostile.xmlText().map(v -> REPLY.replace("VALUE", v)
                .getBytes(StandardCharsets.UTF_8));
        return Arbitraries.oneOf(faults, replies, Hostile.wrecked(FAULT.replace("CODE", "714").replace("DESC", "x")),
                Hostile.wrecked(REPLY.replace("VALUE", "11.22.33.44")));
    }

    @Provide
    Arbitrary<Integer> statuses() {
        return Arbitraries.oneOf(Arbitraries.of(200, 500, 401, 412, 600), Arbitraries.integers().between(100, 999));
    }

    @Property(tries = 400)
    void aReplyGivesValuesOrAnUpnpExceptionThatSaysWhy(@ForAll("statuses") int status, @ForAll("bodies") byte[] body) {
        Object outcome = Hostile.quickly(() -> SoapClient.outArguments("GetExternalIPAddress", CONTROL, status, body));
        if (outcome instanceof UpnpException e) {
            Hostile.assertCleanMessage(e);
            assertTrue(e.getMessage().startsWith("GetExternalIPAddress"), e.getMessage());
            return;
        }
        assertEquals(200, status);
        assertTrue(((Map<?, ?>) outcome).keySet().stream().noneMatch(k -> k.toString().isEmpty()));
    }

    /** A forged log line in errorDescription stays out of the message. */
    @Property(tries = 50)
    void errorDescriptionCannotForgeALogLine(@ForAll("forgeries") String description) {
        byte[] body = FAULT.replace("CODE", "718").replace("DESC", description).getBytes(StandardCharsets.UTF_8);
        try {
            SoapClient.outArguments("AddPortMapping", CONTROL, 500, body);
        } catch (UpnpException e) {
            Hostile.assertCleanMessage(e);
            // &#27; is no XML 1.0 character: such a reply is refused as XML, the others keep their code
            assertTrue(e.is(718) || e.getMessage().contains("not acceptable XML"), e.getMessage());
            return;
        }
        throw new AssertionError("a fault must throw");
    }

    @Provide
    Arbitrary<String> forgeries() {
        return Arbitraries.of("x&#13;&#10;[main] INFO forged", "x\r\n[main] INFO forged", "<![CDATA[x\n\rforged]]>",
                "x&#x85;forged", "x&#x2028;forged", "x&#27;[2Jforged", Hostile.escapeXml(Hostile.BIG));
    }

    /** What GetExternalIPAddress answers, as an address: never a name lookup, never an exception. */
    @Property(tries = 500)
    void routerAddressTextIsParsedAsALiteralOrNothing(@ForAll("addressTexts") String text) {
        Optional<InetAddress> a = InternetGateway.answeredAddress(text);
        if (a.isEmpty()) return;
        String t = text.trim().replaceAll("^\\[(.*)]$", "$1");
        assertTrue(t.matches("[0-9A-Fa-f:.]+"), t);
        assertTrue(Character.digit(t.charAt(0), 16) >= 0 || t.charAt(0) == ':', t);
    }

    @Provide
    Arbitrary<String> addressTexts() {
        return Arbitraries.oneOf(Arbitraries.strings().withChars("0123456789abcdefABCDEF:.[]% ").ofMaxLength(45),
                Arbitraries.of("11.22.33.44", "0.0.0.0", "::", "::1", ".:", ".1:2", "..:", "[::1]", " 1.2.3.4 ",
                        "1.2.3.4:", "fe80::1%eth0", "::ffff:1.2.3.4", "1.2.3.04", "256.1.1.1"),
                Hostile.text());
    }
}
