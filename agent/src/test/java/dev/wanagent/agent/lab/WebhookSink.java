package dev.wanagent.agent.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A notify: webhook in the test JVM (on loopback in the LAN namespace, beside the agent): keeps each JSON body. */
public final class WebhookSink implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpServer server;
    private final List<JsonNode> received = new CopyOnWriteArrayList<>();

    public WebhookSink() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        server.createContext("/hook", ex -> {
            try (ex) {
                JsonNode body = JSON.readTree(ex.getRequestBody().readNBytes(64 * 1024));
                received.add(body);
                ex.sendResponseHeaders(204, -1);
            } catch (IOException e) {
                ex.sendResponseHeaders(400, -1);
            }
        });
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    public List<JsonNode> received() {
        return List.copyOf(received);
    }

    /** Whether an event of this kind arrived whose {@code field} is {@code value}. */
    public boolean got(String event, String field, String value) {
        return received.stream().anyMatch(b -> b.path("event").asText().equals(event)
                && b.path(field).asText().equals(value));
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
