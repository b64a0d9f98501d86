package dev.wanagent.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * GET /status: what the running agent knows, as JSON — the WAN address and its source, every mapping's and every
 * DNS record's state, when the last pass ran. Read-only, no secrets.
 *
 * <p>Served by a small pool (a slow client holds one thread, not the page), with the JDK server's request and
 * response time limits ({@link #limitRequestTimes()}), and behind a bearer token when {@code status.token} is set
 * (the config requires one when the listener is not on loopback).
 */
final class StatusServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    static final int THREADS = 4;
    /** Seconds a client may take to send its request, and to read the answer. */
    static final int MAX_REQUEST_SECONDS = 5;
    static final int MAX_RESPONSE_SECONDS = 10;
    private final HttpServer server;
    private final ThreadPoolExecutor pool;
    private final Optional<byte[]> token;

    /** The last pass and when it ran. */
    record Snapshot(WanMonitor.PassResult pass, Instant at) {
    }

    /**
     * The JDK's HTTP server (also the router-event listener's) reads these once, when its first server starts:
     * without them a client that sends one byte a second holds a connection for ever.
     */
    static void limitRequestTimes() {
        System.setProperty("sun.net.httpserver.maxReqTime", Integer.toString(MAX_REQUEST_SECONDS));
        System.setProperty("sun.net.httpserver.maxRspTime", Integer.toString(MAX_RESPONSE_SECONDS));
        System.setProperty("sun.net.httpserver.maxReqHeaders", "64");
    }

    StatusServer(InetSocketAddress listen, Optional<String> bearerToken, Supplier<StateStore.State> state,
                 Supplier<Snapshot> last) throws IOException {
        limitRequestTimes();
        this.token = bearerToken.map(t -> t.getBytes(StandardCharsets.UTF_8));
        server = HttpServer.create(listen, 16);
        AtomicInteger n = new AtomicInteger();
        pool = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(32), r -> {
            Thread t = new Thread(r, "status-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.DiscardPolicy());
        pool.allowCoreThreadTimeOut(true); // no threads while nobody asks
        server.setExecutor(pool);
        server.createContext("/status", ex -> respond(ex, state.get(), last.get()));
        server.start();
    }

    InetSocketAddress address() {
        return server.getAddress();
    }

    private void respond(HttpExchange ex, StateStore.State state, Snapshot last) throws IOException {
        try (ex) {
            if (!authorized(ex.getRequestHeaders().getFirst("Authorization"))) {
                ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"wan-agent\"");
                ex.sendResponseHeaders(401, -1);
                return;
            }
            if (!"GET".equals(ex.getRequestMethod())) {
                ex.sendResponseHeaders(405, -1);
                return;
            }
            byte[] body = JSON.writeValueAsBytes(document(state, last));
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.getResponseHeaders().set("Cache-Control", "no-store");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
        }
    }

    /** Without a configured token every request is authorized (the listener is then on loopback). */
    boolean authorized(String header) {
        if (token.isEmpty()) return true;
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) return false;
        byte[] given = header.substring(7).trim().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(given, token.get()); // constant time
    }

    static ObjectNode document(StateStore.State state, Snapshot last) {
        ObjectNode doc = JSON.createObjectNode().put("version", Main.version());
        ObjectNode wan = doc.putObject("wan");
        wan.put("address", state.wanAddress()).put("source", state.wanSource())
                .put("seenAt", state.wanSeenAt() == null ? null : state.wanSeenAt().toString());
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
            records.add(StateStore.document(r));
        }
        return doc;
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
