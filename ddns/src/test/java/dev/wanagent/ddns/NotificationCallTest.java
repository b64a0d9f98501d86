package dev.wanagent.ddns;

import dev.wanagent.config.BodyTemplate;
import dev.wanagent.config.NotifyConfig;
import dev.wanagent.config.Secret;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A notification goes out like a provider call: no redirects, and no secret of the hook in any detail. */
class NotificationCallTest {
    private static final String PATH_TOKEN = "pathToken0123456789";
    private static final String HEADER_TOKEN = "headerToken-abcdef";
    private final MockWebServer server = new MockWebServer();

    @BeforeEach
    void start() throws Exception {
        server.start(InetAddress.getLoopbackAddress(), 0);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private NotifyConfig hook() {
        return new NotifyConfig("webhook", new Secret("http://127.0.0.1:" + server.getPort() + "/hooks/" + PATH_TOKEN),
                "127.0.0.1", "POST", Map.of("Authorization", new Secret("Bearer " + HEADER_TOKEN)),
                Optional.of(new BodyTemplate("{\"m\": \"{{message}}\"}")), Set.of("wan_change"));
    }

    private static void noSecret(UpdateOutcome o) {
        assertFalse(o.detail().contains(PATH_TOKEN), o.detail());
        assertFalse(o.detail().contains(HEADER_TOKEN), o.detail());
    }

    @Test
    void anAnswerEchoingTheRequestShowsNoSecret() throws Exception {
        server.enqueue(new MockResponse.Builder().code(400).body("bad request to /hooks/" + PATH_TOKEN + " with Bearer "
                + HEADER_TOKEN).build());
        UpdateOutcome o = NotificationCall.send(ProviderHttp.newClient(), hook(), Optional.of("{\"m\": \"x\"}"));
        assertEquals(UpdateOutcome.Kind.FATAL, o.kind());
        assertTrue(o.detail().startsWith("HTTP 400 bad request to /hooks/****"), o.detail());
        noSecret(o);
        assertEquals("POST /hooks/" + PATH_TOKEN, server.takeRequest(1, TimeUnit.SECONDS).getRequestLine()
                .replace(" HTTP/1.1", ""));
    }

    @Test
    void aRedirectIsARetryNamingOnlyWhereItPoints() {
        server.enqueue(new MockResponse.Builder().code(307).setHeader("Location", "https://other.example.com/x/"
                + PATH_TOKEN + "?t=" + HEADER_TOKEN).build());
        UpdateOutcome o = NotificationCall.send(ProviderHttp.newClient(), hook(), Optional.of("{}"));
        assertEquals(UpdateOutcome.Kind.RETRY, o.kind());
        assertTrue(o.detail().startsWith("HTTP 307 redirect to https://other.example.com/x/****"), o.detail());
        noSecret(o);
    }

    @Test
    void serverErrorsAndNetworkFailuresAreRetriesAndSuccessIsAny2xx() throws Exception {
        server.enqueue(new MockResponse.Builder().code(503).build());
        server.enqueue(new MockResponse.Builder().code(204).build());
        assertEquals(UpdateOutcome.Kind.RETRY, NotificationCall.send(ProviderHttp.newClient(), hook(),
                Optional.of("{}")).kind());
        assertEquals(UpdateOutcome.success("HTTP 204"), NotificationCall.send(ProviderHttp.newClient(), hook(),
                Optional.of("{}")));
        server.close();
        UpdateOutcome down = NotificationCall.send(ProviderHttp.newClient(), hook(), Optional.of("{}"));
        assertEquals(UpdateOutcome.Kind.RETRY, down.kind());
        assertTrue(down.detail().startsWith("cannot reach 127.0.0.1"), down.detail());
        noSecret(down);
    }
}
