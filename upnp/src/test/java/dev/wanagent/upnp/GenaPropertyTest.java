package dev.wanagent.upnp;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import org.xml.sax.SAXException;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** GENA NOTIFY bodies and SUBSCRIBE answers from a hostile or broken router. */
class GenaPropertyTest {
    private static final HttpUrl EVENTS = HttpUrl.get("http://192.168.77.1:5000/evt/IPConn");
    private static final String BODY = "<?xml version=\"1.0\"?><e:propertyset xmlns:e=\"urn:schemas-upnp-org:event-1-0\">"
            + "<e:property><NAME>VALUE</NAME></e:property>"
            + "<e:property><ConnectionStatus>Connected</ConnectionStatus></e:property></e:propertyset>";

    @Provide
    Arbitrary<byte[]> bodies() {
        Arbitrary<String> name = Arbitraries.oneOf(Arbitraries.of("ExternalIPAddress", "PortMappingNumberOfEntries",
                "x", "a" + "b".repeat(2000), "\u00e9t\u00e9", "e:property"),
                Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(30));
        Arbitrary<byte[]> shaped = Combinators.combine(name, Hostile.xmlText()).as((n, v) -> BODY
                .replace("NAME", n).replace("VALUE", v).getBytes(StandardCharsets.UTF_8));
        return Arbitraries.oneOf(shaped, Hostile.wrecked(BODY.replace("NAME", "ExternalIPAddress")
                .replace("VALUE", "11.22.33.44")));
    }

    @Property(tries = 400)
    void aNotifyBodyGivesCleanVariablesOrASaxException(@ForAll("bodies") byte[] body) {
        Object outcome = Hostile.quickly(() -> EventSubscription.properties(body));
        if (outcome instanceof SAXException e) {
            Hostile.assertCleanMessage(e);
            return;
        }
        // the agent logs these ("router event: ExternalIPAddress …")
        ((Map<?, ?>) outcome).forEach((k, v) -> {
            Hostile.assertCleanText((String) k);
            Hostile.assertCleanText((String) v);
        });
    }

    @Provide
    Arbitrary<String> headerValues() {
        return Arbitraries.oneOf(Arbitraries.just(null), Hostile.text(),
                Arbitraries.of("uuid:1", " uuid:1 ", "Second-1800", "second-infinite", "Second-0", "Second--5",
                        "Second-99999999999999999999", "Second-" + Long.MAX_VALUE, "Second-9223372036854775",
                        "Second-1800, x", "uuid:\u0001x", "uuid:\u001b[2J", "uuid:\u00e9"));
    }

    @Provide
    Arbitrary<Integer> statuses() {
        return Arbitraries.of(200, 200, 200, 412, 500, 0, -1);
    }

    @Property(tries = 500)
    void aSubscribeAnswerGivesAUsableSidAndTimeoutOrAnUpnpException(@ForAll("statuses") int status,
                                                                     @ForAll("headerValues") String sid,
                                                                     @ForAll("headerValues") String timeout,
                                                                     @ForAll("headerValues") String expected) {
        EventSubscription.Granted g;
        try {
            g = EventSubscription.granted(EVENTS, status, sid, timeout, expected);
        } catch (UpnpException e) {
            Hostile.assertCleanMessage(e);
            return;
        }
        new Headers.Builder().add("SID", g.sid()); // it is sent back in every renewal
        Hostile.assertCleanText(g.sid());
        assertTrue(g.seconds() >= 0 && g.seconds() <= EventSubscription.REQUESTED_TIMEOUT_SECONDS,
                "granted " + g.seconds());
        assertEquals(200, status);
    }
}
