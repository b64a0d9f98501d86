package dev.wanagent.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * GET /status: what the running agent knows, as JSON — the WAN address and its source, every mapping's and every
 * DNS record's state, when the last pass ran. Read-only, no secrets; bind it to loopback unless you mean otherwise.
 */
final class StatusServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private final HttpServer server;

    /** The last pass and when it ran. */
    record Snapshot(WanMonitor.PassResult pass, Instant at) {
    }

    StatusServer(InetSocketAddress listen, Supplier<StateStore.State> state, Supplier<Snapshot> last)
            throws IOException {
        server = HttpServer.create(listen, 8);
        server.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "status");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/status", ex -> respond(ex, state.get(), last.get()));
        server.start();
    }

    InetSocketAddress address() {
        return server.getAddress();
    }

    private static void respond(HttpExchange ex, StateStore.State state, Snapshot last) throws IOException {
        try (ex) {
            if (!"GET".equals(ex.getRequestMethod())) {
                ex.sendResponseHeaders(405, -1);
                return;
            }
            byte[] body = JSON.writeValueAsBytes(document(state, last));
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
        }
    }

    static ObjectNode document(StateStore.State state, Snapshot last) {
        ObjectNode doc = JSON.createObjectNode().put("version", Main.version());
        ObjectNode wan = doc.putObject("wan");
        wan.put("address", state.wanAddress()).put("source", state.wanSource()).put("seenAt", state.wanSeenAt());
        if (last != null) {
            doc.put("lastPass", last.at().toString());
            last.pass().wanAddress().flatMap(WanAddress::ipv6).ifPresent(a -> wan.put("ipv6", a.getHostAddress()));
            ArrayNode problems = doc.putArray("sourceProblems");
            last.pass().sourceProblems().forEach(problems::add);
            ArrayNode mappings = doc.putArray("mappings");
            for (MappingReconciler.MappingStatus m : last.pass().mappings()) {
                mappings.addObject().put("name", m.name()).put("ok", m.ok()).put("detail", m.detail());
            }
        }
        ArrayNode records = doc.putArray("records");
        for (StateStore.RecordState r : state.records()) {
            records.add(JSON.valueToTree(r));
        }
        return doc;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
