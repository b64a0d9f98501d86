package dev.wanagent.agent;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wanagent.config.JsonTree;
import dev.wanagent.ddns.PublicAddress;
import dev.wanagent.upnp.HttpRequest;
import dev.wanagent.upnp.HttpResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The status listener:
 * <ul>
 *   <li>GET /status: what the running agent knows, as JSON — the WAN address and its source, every mapping's and
 *       every DNS record's state, when the last pass ran. Read-only, no secrets.</li>
 *   <li>GET /healthz: 200 {@code ok} when the last pass read a public WAN address at most two poll intervals ago and
 *       no mapping and no DNS record of it failed; otherwise 503 with the first reason, one printable line
 *       ({@link #health}).</li>
 *   <li>GET /metrics: the agent's {@link Metrics} in the Prometheus text format.</li>
 *   <li>POST /trigger: asks the agent for a pass now; 202 always, but at most one request a second reaches the
 *       agent ({@link #TRIGGER_SPACING}), so a client cannot make it hammer the router.</li>
 * </ul>
 * Other paths: 404; other methods: 405.
 *
 * <p>One thread ("status") sleeps in {@code accept()} and hands each connection to a small pool (a slow client
 * holds one of its {@value #THREADS} threads, not the page; the pool has no threads while nobody asks; a connection
 * the pool and its queue cannot take is closed). Each connection is one request, read strictly within
 * {@value #MAX_REQUEST_SECONDS} s ({@link HttpRequest}: no body over {@value #MAX_BODY_BYTES} bytes, no chunked
 * encoding), answered and closed ({@link HttpResponse}). The JDK's HttpServer served this before: its dispatcher and
 * timer threads woke an idle agent about 120 times a minute. All of it is behind a bearer token when
 * {@code status.token} is set (the config requires one when the listener is not on loopback), so a client that
 * does not show it only ever gets an empty answer. Writing an answer has no time limit of its own (the JDK server's
 * was 10 s): the pages fit in the sockets' buffers, and only a token holder that stops reading a page larger than
 * them could hold a pool thread.
 */
final class StatusServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StatusServer.class);
    static final int THREADS = 4;
    /** Connections waiting for a thread; more are closed at once. */
    static final int QUEUE = 32;
    /** Seconds a client may take to send its request. */
    static final int MAX_REQUEST_SECONDS = 5;
    /** The largest request body read (no path takes one; POST /trigger may come with a small one). */
    static final int MAX_BODY_BYTES = 4 * 1024;
    private static final String TEXT = "text/plain; charset=utf-8";
    private final ServerSocket server;
    private final Thread listener;
    private final ThreadPoolExecutor pool;
    private final Optional<byte[]> token;
    /** The longest reason /healthz gives, in characters (code points). */
    static final int MAX_REASON = 300;
    /** Triggers closer together than this are answered but not passed on: the first one's pass covers them. */
    static final Duration TRIGGER_SPACING = Duration.ofSeconds(1);
    private final Supplier<StateStore.State> state;
    private final Supplier<Snapshot> last;
    private final Duration pollInterval;
    private final Clock clock;
    private final Consumer<String> trigger;
    private final Metrics metrics;
    private Instant lastTrigger; // guarded by this

    /** The last pass and when it ran. */
    record Snapshot(WanMonitor.PassResult pass, Instant at, Optional<MappingReconciler.HaStatus> ha) {
        Snapshot(WanMonitor.PassResult pass, Instant at) {
            this(pass, at, Optional.empty());
        }
    }

    /**
     * @param pollInterval the agent's: /healthz wants a pass with a WAN address within two of them
     * @param trigger      asks the agent for a pass ({@link WanMonitor#trigger(String)}), with why
     */
    StatusServer(InetSocketAddress listen, Optional<String> bearerToken, Supplier<StateStore.State> state,
                 Supplier<Snapshot> last, Duration pollInterval, Clock clock, Consumer<String> trigger)
            throws IOException {
        this(listen, bearerToken, state, last, pollInterval, clock, trigger, null);
    }

    /** @param metrics served on GET /metrics (null: that path is 404) */
    StatusServer(InetSocketAddress listen, Optional<String> bearerToken, Supplier<StateStore.State> state,
                 Supplier<Snapshot> last, Duration pollInterval, Clock clock, Consumer<String> trigger,
                 Metrics metrics) throws IOException {
        this.metrics = metrics;
        this.token = bearerToken.map(t -> t.getBytes(StandardCharsets.UTF_8));
        this.state = state;
        this.last = last;
        this.pollInterval = pollInterval;
        this.clock = clock;
        this.trigger = trigger;
        AtomicInteger n = new AtomicInteger();
        pool = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE), r -> {
            Thread t = new Thread(r, "status-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        }); // rejects by throwing: the listener then closes the connection
        pool.allowCoreThreadTimeOut(true); // no threads while nobody asks
        server = new ServerSocket();
        try {
            server.bind(listen, 16);
        } catch (IOException e) {
            server.close();
            pool.shutdown();
            throw e;
        }
        listener = new Thread(this::accept, "status");
        listener.setDaemon(true);
        listener.start();
    }

    InetSocketAddress address() {
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    /** The listener thread: hands each connection to the pool, or closes it when the pool is full (or closed). */
    private void accept() {
        boolean failing = false; // one warning per outage, one line when it ends
        while (!server.isClosed()) {
            Socket c;
            try {
                c = server.accept();
            } catch (IOException e) {
                if (server.isClosed()) return;
                if (!failing) {
                    LOG.warn("status listener: accepting a connection failed ({}): trying again every second",
                            e.getMessage());
                }
                failing = true;
                try {
                    Thread.sleep(1000); // e.g. out of file descriptors: not in a tight loop
                } catch (InterruptedException stop) {
                    return;
                }
                continue;
            }
            if (failing) LOG.info("status listener: accepting connections again");
            failing = false;
            try {
                pool.execute(() -> serve(c));
            } catch (RejectedExecutionException full) {
                LOG.debug("status listener: {} connections waiting, closed one from {}", QUEUE,
                        c.getInetAddress().getHostAddress());
                closeQuietly(c);
            }
        }
    }

    /** On a pool thread: one request, its answer, and the connection closed. */
    private void serve(Socket c) {
        try (c) {
            HttpRequest request;
            try {
                request = HttpRequest.read(new HttpRequest.Deadline(c, MAX_REQUEST_SECONDS * 1000L), MAX_BODY_BYTES,
                        "Authorization");
            } catch (HttpRequest.Refused e) {
                LOG.debug("status listener: refused a request from {}: {}", c.getInetAddress().getHostAddress(),
                        e.getMessage());
                HttpResponse.of(e.status()).refuse(c, MAX_BODY_BYTES);
                return;
            }
            respond(request, c.getInetAddress()).send(c);
        } catch (IOException | RuntimeException e) {
            LOG.debug("status listener: connection dropped: {}", e.toString());
        }
    }

    private HttpResponse respond(HttpRequest request, InetAddress from) throws IOException {
        if (!authorized(request.header("Authorization"))) {
            return HttpResponse.of(401).header("WWW-Authenticate", "Bearer realm=\"wan-agent\"");
        }
        String path = request.path();
        String method = switch (path) {
            case "/status", "/healthz" -> "GET";
            case "/metrics" -> metrics == null ? null : "GET";
            case "/trigger" -> "POST";
            default -> null;
        };
        if (method == null) return HttpResponse.of(404);
        if (!method.equals(request.method())) return HttpResponse.of(405).header("Allow", method);
        return switch (path) {
            case "/status" -> page(200, "application/json", JsonTree.write(document(state.get(), last.get())));
            case "/metrics" -> page(200, Metrics.CONTENT_TYPE, metrics.scrape());
            case "/healthz" -> {
                Optional<String> problem = health(last.get(), clock.instant(), pollInterval);
                yield page(problem.isEmpty() ? 200 : 503, TEXT,
                        (problem.orElse("ok") + "\n").getBytes(StandardCharsets.UTF_8));
            }
            default -> {
                if (acceptTrigger(clock.instant())) trigger.accept("POST /trigger from " + from.getHostAddress());
                yield page(202, TEXT, "pass requested\n".getBytes(StandardCharsets.UTF_8));
            }
        };
    }

    private static HttpResponse page(int status, String type, byte[] body) {
        return HttpResponse.of(status).body(type, body).noStore();
    }

    private static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // nothing left to do
        }
    }

    /**
     * At most one trigger per {@link #TRIGGER_SPACING} is passed on. A clock that went back (the system time was
     * set) lets the next one through rather than blocking triggers until it catches up.
     */
    private synchronized boolean acceptTrigger(Instant now) {
        if (lastTrigger != null && !now.isBefore(lastTrigger) && now.isBefore(lastTrigger.plus(TRIGGER_SPACING))) {
            return false;
        }
        lastTrigger = now;
        return true;
    }

    /**
     * Why the agent is not healthy, from the last pass; empty when it is. The first of: no pass yet ({@code
     * starting}); no WAN address read within two poll intervals; a WAN address that is not public (CGNAT, another
     * NAT: nothing can be published, and the mappings are not reachable from the internet); a failed mapping; a DNS
     * record not confirmed (backing off, stopped, not published). One printable line of at most
     * {@link #MAX_REASON} characters; more problems are counted, not listed.
     */
    static Optional<String> health(Snapshot last, Instant now, Duration pollInterval) {
        if (last == null) return Optional.of("starting");
        List<String> problems = new ArrayList<>();
        WanMonitor.PassResult pass = last.pass();
        if (pass.wanAddress().isEmpty()) {
            problems.add("no WAN address in the last pass (" + last.at() + ")"
                    + (pass.sourceProblems().isEmpty() ? "" : ": " + String.join("; ", pass.sourceProblems())));
        } else if (now.isAfter(last.at().plus(pollInterval.multipliedBy(2)))) {
            problems.add("no WAN address read since " + last.at() + " (poll every " + pollInterval.toSeconds() + " s)");
        } else {
            InetAddress v4 = pass.wanAddress().get().ipv4();
            PublicAddress.whyNotPublic(v4).ifPresent(why -> problems.add("WAN address "
                    + v4.getHostAddress() + " (" + pass.source() + ") is not public: " + why));
        }
        if (problems.isEmpty()) { // a stale pass's mappings and records say nothing about now
            for (MappingReconciler.MappingStatus m : pass.mappings()) {
                if (!m.ok()) problems.add("mapping " + m.name() + ": " + m.detail());
            }
            for (UpdateDispatcher.RecordResult r : pass.records()) {
                if (!r.ok()) {
                    problems.add("dns " + r.hostname() + " " + r.type() + " via " + r.provider() + ": " + r.detail());
                }
            }
        }
        if (problems.isEmpty()) return Optional.empty();
        String more = problems.size() == 1 ? "" : " (and " + (problems.size() - 1) + " more)";
        return Optional.of(printable(problems.get(0), MAX_REASON - more.length()) + more);
    }

    /** {@code text} with every control, format or separator character as '?', cut to {@code max} code points. */
    static String printable(String text, int max) {
        StringBuilder b = new StringBuilder();
        int[] cps = (text == null ? "null" : text).codePoints().toArray();
        for (int i = 0; i < cps.length; i++) {
            if (i == max - 1 && cps.length > max) {
                b.append('…');
                break;
            }
            int c = cps[i];
            int type = Character.getType(c);
            boolean bad = type == Character.CONTROL || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                    || type == Character.PARAGRAPH_SEPARATOR || type == Character.SURROGATE
                    || type == Character.PRIVATE_USE || type == Character.UNASSIGNED;
            b.appendCodePoint(bad ? '?' : c);
        }
        return b.toString();
    }

    /** Without a configured token every request is authorized (the listener is then on loopback). */
    boolean authorized(String header) {
        if (token.isEmpty()) return true;
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) return false;
        byte[] given = header.substring(7).trim().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(given, token.get()); // constant time
    }

    static ObjectNode document(StateStore.State state, Snapshot last) {
        ObjectNode doc = JsonTree.object().put("version", Main.version());
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
            last.ha().ifPresent(h -> {
                ObjectNode ha = doc.putObject("ha").put("role", h.role().word()).put("takeovers", h.takeovers())
                        .put("activeSince", h.activeSince().map(Instant::toString).orElse(null));
                ObjectNode holders = ha.putObject("holders");
                h.holders().forEach((name, holder) -> holders.put(name, holder.isEmpty() ? null : holder));
            });
        }
        ArrayNode records = doc.putArray("records");
        for (StateStore.RecordState r : state.records()) {
            records.add(StateStore.document(r));
        }
        return doc;
    }

    /** Closes the listening socket (the listener thread ends) and stops the pool. */
    @Override
    public void close() {
        closeQuietly(server);
        pool.shutdownNow();
        try {
            listener.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
