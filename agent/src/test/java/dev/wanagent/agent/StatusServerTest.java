package dev.wanagent.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StatusServerTest {
    private static final StateStore.State STATE = StateStore.State.empty()
            .withWan("11.22.33.44", "upnp", Instant.parse("2026-11-25T10:00:00Z"))
            .with(new StateStore.RecordState("dyndns2 me@dyn.example.net", "home.example.net", StateStore.RecordType.A,
                    "11.22.33.44", Instant.parse("2026-11-25T10:00:01Z"), StateStore.Status.SUCCESS,
                    "good 11.22.33.44", "11.22.33.44", 0, null, "ab12"));

    private static StatusServer server(Optional<String> token) throws Exception {
        WanMonitor.PassResult pass = new WanMonitor.PassResult(
                Optional.of(new WanAddress(InetAddress.getByName("11.22.33.44"),
                        Optional.of(InetAddress.getByName("2a00:1111::44")))), "upnp", List.of(),
                List.of(new MappingReconciler.MappingStatus("web", true, "TCP 8080 -> 192.168.77.100:80")), List.of());
        StatusServer.Snapshot snapshot = new StatusServer.Snapshot(pass, Instant.parse("2026-11-25T10:00:02Z"));
        return new StatusServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), token, () -> STATE,
                () -> snapshot);
    }

    private static final OkHttpClient CLIENT = new OkHttpClient.Builder().callTimeout(Duration.ofSeconds(3)).build();

    private static String url(StatusServer s) {
        return "http://127.0.0.1:" + s.address().getPort() + "/status";
    }

    @Test
    void servesTheStateAndTheLastPassAsJson() throws Exception {
        try (StatusServer server = server(Optional.empty())) {
            try (Response r = CLIENT.newCall(new Request.Builder().url(url(server)).build()).execute()) {
                assertEquals(200, r.code());
                assertEquals("application/json", r.header("Content-Type"));
                JsonNode doc = new ObjectMapper().readTree(r.body().string());
                assertEquals("11.22.33.44", doc.path("wan").path("address").asText());
                assertEquals("upnp", doc.path("wan").path("source").asText());
                assertEquals("2026-11-25T10:00:00Z", doc.path("wan").path("seenAt").asText());
                assertEquals("2a00:1111:0:0:0:0:0:44", doc.path("wan").path("ipv6").asText());
                assertEquals("2026-11-25T10:00:02Z", doc.path("lastPass").asText());
                assertEquals("web", doc.path("mappings").get(0).path("name").asText());
                assertEquals("SUCCESS", doc.path("records").get(0).path("status").asText());
                assertEquals("home.example.net", doc.path("records").get(0).path("hostname").asText());
                assertEquals("2026-11-25T10:00:01Z", doc.path("records").get(0).path("updatedAt").asText());
            }
            try (Response r = CLIENT.newCall(new Request.Builder().url(url(server))
                    .post(okhttp3.RequestBody.create(new byte[0], null)).build()).execute()) {
                assertEquals(405, r.code());
            }
        }
    }

    @Test
    void withATokenOnlyTheBearerOfItIsAnswered() throws Exception {
        String token = "k3Hq9v-status-token-0123456789";
        try (StatusServer server = server(Optional.of(token))) {
            for (String auth : new String[] {null, "Bearer wrong-token-of-some-length", "Basic " + token, "Bearer "}) {
                Request.Builder b = new Request.Builder().url(url(server));
                if (auth != null) b.header("Authorization", auth);
                try (Response r = CLIENT.newCall(b.build()).execute()) {
                    assertEquals(401, r.code(), String.valueOf(auth));
                    assertEquals("", r.body().string(), "nothing of the state without the token");
                }
            }
            try (Response r = CLIENT.newCall(new Request.Builder().url(url(server))
                    .header("Authorization", "Bearer " + token).build()).execute()) {
                assertEquals(200, r.code());
            }
        }
    }

    /** Opens {@code n} connections that send half a request line and then nothing. */
    private static List<Socket> slowClients(StatusServer server, int n) throws Exception {
        List<Socket> slow = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Socket s = new Socket(InetAddress.getLoopbackAddress(), server.address().getPort());
            OutputStream o = s.getOutputStream();
            o.write("GET /status HTTP/1.1\r\nHo".getBytes(StandardCharsets.US_ASCII)); // and never more
            o.flush();
            slow.add(s);
        }
        Thread.sleep(300);
        return slow;
    }

    private static long getMillis(StatusServer server, OkHttpClient client) throws Exception {
        long t0 = System.nanoTime();
        try (Response r = client.newCall(new Request.Builder().url(url(server)).build()).execute()) {
            assertEquals(200, r.code());
        }
        return (System.nanoTime() - t0) / 1_000_000;
    }

    @Test
    void aSlowClientDoesNotBlockThePage() throws Exception {
        try (StatusServer server = server(Optional.empty())) {
            List<Socket> slow = slowClients(server, StatusServer.THREADS - 1);
            try {
                long ms = getMillis(server, CLIENT); // the call itself gives up after 3 s
                assertTrue(ms < 3000, ms + " ms");
            } finally {
                for (Socket s : slow) s.close();
            }
        }
    }

    @Test
    void aClientThatNeverFinishesItsRequestIsCutOffAfterTheTimeLimit() throws Exception {
        try (StatusServer server = server(Optional.empty())) {
            List<Socket> slow = slowClients(server, 1);
            Socket s = slow.get(0);
            try {
                s.setSoTimeout((StatusServer.MAX_REQUEST_SECONDS + 5) * 1000);
                long t0 = System.nanoTime();
                int read;
                try {
                    read = s.getInputStream().read();
                } catch (java.net.SocketException reset) {
                    read = -1;
                }
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertEquals(-1, read, "the server closes the connection, it does not answer");
                assertTrue(ms < (StatusServer.MAX_REQUEST_SECONDS + 3) * 1000L, ms + " ms");
                getMillis(server, CLIENT); // and the page is served as before (getMillis asserts 200)
            } finally {
                s.close();
            }
        }
    }
}
