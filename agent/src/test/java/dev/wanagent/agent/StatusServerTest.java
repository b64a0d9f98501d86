package dev.wanagent.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class StatusServerTest {
    @Test
    void servesTheStateAndTheLastPassAsJson() throws Exception {
        StateStore.State state = StateStore.State.empty().withWan("11.22.33.44", "upnp", "2026-11-25T10:00:00Z")
                .with(new StateStore.RecordState("dyndns2 me@dyn.example.net", "home.example.net", "A", "11.22.33.44",
                        "2026-11-25T10:00:01Z", "SUCCESS", "good 11.22.33.44", "11.22.33.44", 0, null, "ab12"));
        WanMonitor.PassResult pass = new WanMonitor.PassResult(
                Optional.of(new WanAddress(InetAddress.getByName("11.22.33.44"),
                        Optional.of(InetAddress.getByName("2a00:1111::44")))), "upnp", List.of(),
                List.of(new MappingReconciler.MappingStatus("web", true, "TCP 8080 -> 192.168.77.100:80")), List.of());
        StatusServer.Snapshot snapshot = new StatusServer.Snapshot(pass, Instant.parse("2026-11-25T10:00:02Z"));
        try (StatusServer server = new StatusServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                () -> state, () -> snapshot)) {
            String url = "http://127.0.0.1:" + server.address().getPort() + "/status";
            try (Response r = new OkHttpClient().newCall(new Request.Builder().url(url).build()).execute()) {
                assertEquals(200, r.code());
                assertEquals("application/json", r.header("Content-Type"));
                JsonNode doc = new ObjectMapper().readTree(r.body().string());
                assertEquals("11.22.33.44", doc.path("wan").path("address").asText());
                assertEquals("upnp", doc.path("wan").path("source").asText());
                assertEquals("2a00:1111:0:0:0:0:0:44", doc.path("wan").path("ipv6").asText());
                assertEquals("2026-11-25T10:00:02Z", doc.path("lastPass").asText());
                assertEquals("web", doc.path("mappings").get(0).path("name").asText());
                assertEquals("SUCCESS", doc.path("records").get(0).path("status").asText());
                assertEquals("home.example.net", doc.path("records").get(0).path("hostname").asText());
            }
            try (Response r = new OkHttpClient().newCall(new Request.Builder().url(url)
                    .post(okhttp3.RequestBody.create(new byte[0], null)).build()).execute()) {
                assertEquals(405, r.code());
            }
        }
    }
}
