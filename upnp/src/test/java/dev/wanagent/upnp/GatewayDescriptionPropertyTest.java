package dev.wanagent.upnp;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import okhttp3.HttpUrl;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Device descriptions from a hostile or broken device: a usable description, or an UpnpException that says why. */
class GatewayDescriptionPropertyTest {
    private static final HttpUrl LOCATION = HttpUrl.get("http://192.168.77.1:5000/rootDesc.xml");
    private static final String IGD2 = resource("rootDesc-igd2.xml");

    private static String resource(String name) {
        try {
            return new String(GatewayDescriptionTest.resource(name), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Provide
    Arbitrary<byte[]> descriptions() {
        Arbitrary<String> field = Arbitraries.of("friendlyName", "manufacturer", "modelName", "URLBase",
                "controlURL", "eventSubURL", "serviceType", "UDN");
        Arbitrary<byte[]> edited = Combinators.combine(field, Hostile.xmlText()).as((f, t) -> {
            String doc = IGD2.contains("<" + f + ">")
                    ? IGD2.replaceFirst("<" + f + ">[^<]*</" + f + ">", "<" + f + ">" + java.util.regex.Matcher
                    .quoteReplacement(t) + "</" + f + ">")
                    : IGD2.replaceFirst("<device>", "<" + f + ">" + java.util.regex.Matcher.quoteReplacement(t)
                    + "</" + f + "><device>");
            if (f.equals("serviceType") || f.equals("controlURL") || f.equals("eventSubURL")) {
                // the WAN connection service's own field, not the first service's
                doc = IGD2.replace("<" + f + ">" + original(f) + "</" + f + ">", "<" + f + ">" + t + "</" + f + ">");
            }
            return doc.getBytes(StandardCharsets.UTF_8);
        });
        Arbitrary<byte[]> urls = Arbitraries.of("http://203.0.113.9/ctl", "//192.168.77.66/ctl", "file:///etc/passwd",
                        "https://192.168.77.1/ctl", "http://192.168.77.1:5000/ctl\nforged", "javascript:x", "",
                        "http://192.168.77.1.evil/ctl", "http://user@192.168.77.66/")
                .map(u -> IGD2.replace("<controlURL>/ctl/IPConn</controlURL>", "<controlURL>" + Hostile.escapeXml(u)
                        + "</controlURL>").getBytes(StandardCharsets.UTF_8));
        // URLs the description quotes back when it refuses them
        Arbitrary<byte[]> quoted = Combinators.combine(Arbitraries.of("URLBase", "controlURL"), Hostile.xmlText())
                .as((f, t) -> (f.equals("URLBase")
                        ? IGD2.replaceFirst("<device>", "<URLBase>http://" + quote(t) + "/</URLBase><device>")
                        : IGD2.replace("<controlURL>/ctl/IPConn</controlURL>", "<controlURL>http://" + t
                        + "</controlURL>")).getBytes(StandardCharsets.UTF_8));
        return Arbitraries.frequencyOf(Tuple.of(5, edited), Tuple.of(2, quoted), Tuple.of(1, urls),
                Tuple.of(2, Hostile.wrecked(IGD2)));
    }

    private static String quote(String s) {
        return java.util.regex.Matcher.quoteReplacement(s);
    }

    private static String original(String field) {
        return switch (field) {
            case "serviceType" -> "urn:schemas-upnp-org:service:WANIPConnection:2";
            case "controlURL" -> "/ctl/IPConn";
            default -> "/evt/IPConn";
        };
    }

    @Property(tries = 500)
    void aDescriptionIsUsableOrRefusedWithAReason(@ForAll("descriptions") byte[] xml) {
        Object outcome = Hostile.quickly(() -> GatewayDescription.parse(LOCATION, xml));
        if (outcome instanceof UpnpException e) {
            Hostile.assertCleanMessage(e);
            return;
        }
        GatewayDescription d = (GatewayDescription) outcome;
        assertFalse(d.services().isEmpty());
        for (GatewayDescription.WanService s : d.services()) {
            assertEquals(LOCATION.host(), s.controlUrl().host(), "control stays on the router");
            assertEquals("http", s.controlUrl().scheme());
            if (s.eventSubUrl() != null) assertEquals(LOCATION.host(), s.eventSubUrl().host());
            Hostile.assertCleanText(s.serviceType());
        }
        // shown in the agent's log and in `check`
        Hostile.assertCleanText(d.friendlyName());
        Hostile.assertCleanText(d.manufacturer());
        Hostile.assertCleanText(d.modelName());
    }
}
