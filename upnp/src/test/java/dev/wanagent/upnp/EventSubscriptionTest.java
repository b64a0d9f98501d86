package dev.wanagent.upnp;

import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The callback listener's acceptance rules, on loopback (127.0.0.1 plays this host, the router varies). */
class EventSubscriptionTest {
    private static final String BODY = "<?xml version=\"1.0\"?><e:propertyset xmlns:e=\"urn:schemas-upnp-org:event-1-0\">"
            + "<e:property><ExternalIPAddress>11.22.33.45</ExternalIPAddress></e:property>"
            + "<e:property><ConnectionStatus>Connected</ConnectionStatus></e:property></e:propertyset>";
    private final List<Map<String, String>> heard = new CopyOnWriteArrayList<>();
    private final OkHttpClient http = new OkHttpClient();
    private EventSubscription subscription;

    private EventSubscription listening(String router) throws Exception {
        GatewayDescription.WanService service = new GatewayDescription.WanService(
                "urn:schemas-upnp-org:service:WANIPConnection:2", HttpUrl.get("http://127.0.0.9:9/ctl"),
                HttpUrl.get("http://127.0.0.9:9/evt"));
        subscription = new EventSubscription(service, InetAddress.getByName(router), InetAddress.getLoopbackAddress(),
                0, new EventSubscription.Listener() {
                    @Override
                    public void onEvent(Map<String, String> variables) {
                        heard.add(variables);
                    }

                    @Override
                    public void onResubscribed() {
                    }
                });
        subscription.sid = "uuid:current";
        return subscription;
    }

    @AfterEach
    void close() {
        subscription.close();
    }

    private int notify(String url, String sid, String body) throws Exception {
        Request r = new Request.Builder().url(url).method("NOTIFY", RequestBody.create(body.getBytes(StandardCharsets.UTF_8),
                        MediaType.get("text/xml"))).header("NT", "upnp:event").header("NTS", "upnp:propchange")
                .header("SID", sid).build();
        try (Response response = http.newCall(r).execute()) {
            return response.code();
        }
    }

    @Test
    void acceptsTheRoutersEventWithTheCurrentSid() throws Exception {
        EventSubscription s = listening("127.0.0.1");
        assertEquals(200, notify(s.callbackUrl(), "uuid:current", BODY));
        for (int i = 0; i < 200 && heard.isEmpty(); i++) Thread.sleep(10); // answered first, then handed over
        assertEquals(List.of(Map.of("ExternalIPAddress", "11.22.33.45", "ConnectionStatus", "Connected")), heard);
    }

    @Test
    void refusesEventsFromAnyoneButTheRouter() throws Exception {
        EventSubscription s = listening("127.0.0.2"); // the router is elsewhere; this NOTIFY comes from 127.0.0.1
        assertEquals(412, notify(s.callbackUrl(), "uuid:current", BODY));
        assertTrue(heard.isEmpty());
    }

    @Test
    void refusesWrongSidWrongPathAndBadBodies() throws Exception {
        EventSubscription s = listening("127.0.0.1");
        assertEquals(412, notify(s.callbackUrl(), "uuid:stale", BODY));
        String base = s.callbackUrl().substring(0, s.callbackUrl().indexOf("/wan-agent/"));
        assertEquals(404, notify(base + "/wan-agent/events/guessed", "uuid:current", BODY));
        assertEquals(400, notify(s.callbackUrl(), "uuid:current",
                "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><e:propertyset xmlns:e=\"x\"><e:property>"
                        + "<ExternalIPAddress>&e;</ExternalIPAddress></e:property></e:propertyset>"));
        assertEquals(413, notify(s.callbackUrl(), "uuid:current", "<a>" + "x".repeat(EventSubscription.MAX_NOTIFY_BYTES) + "</a>"));
        assertTrue(heard.isEmpty(), heard.toString());
        assertTrue(s.callbackUrl().matches("http://127\\.0\\.0\\.1:\\d+/wan-agent/events/[0-9a-f]{24}"), s.callbackUrl());
    }
}
