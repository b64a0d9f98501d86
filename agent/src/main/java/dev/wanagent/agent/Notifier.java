package dev.wanagent.agent;

import dev.wanagent.config.NotifyConfig;
import dev.wanagent.ddns.NotificationCall;
import dev.wanagent.ddns.UpdateOutcome;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;

/**
 * Sends events to the {@code notify:} hooks without ever holding up the loop: {@link #send} only queues. One sender
 * thread, started at the first event and ended after a minute without any, works through a queue of
 * {@value #QUEUE_SIZE}; when the queue is full the oldest waiting notification is dropped (and counted). Each
 * notification gets {@value #ATTEMPTS} tries with short timeouts, {@link Backoff#NOTIFY} between them. A hook's
 * failure is logged once, and its recovery once.
 */
final class Notifier implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Notifier.class);
    static final int QUEUE_SIZE = 64;
    static final int ATTEMPTS = 3;
    /** Per try: a hook that does not answer within this is a failed try. */
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);
    /** At exit, how long the queue may still be worked on. */
    static final Duration FLUSH_AT_EXIT = Duration.ofSeconds(1);
    /** The longest wait a hook's Retry-After (429, 503) gets between two tries. */
    static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(30);
    /** Messages are cut to this many characters (chat services cap theirs: Discord at 2000). */
    static final int MAX_MESSAGE = 1000;

    /**
     * One event, as its fields (empty text for a field it lacks). The message carries router and provider text:
     * it is made one printable line of at most {@link #MAX_MESSAGE} characters.
     */
    record Event(String event, String message, String address, String family, String mapping, String provider,
                 Instant time) {
        Event {
            message = StatusServer.printable(message, MAX_MESSAGE);
        }

        Map<String, String> fields() {
            Map<String, String> f = new LinkedHashMap<>();
            f.put("event", event);
            f.put("message", message);
            f.put("address", address);
            f.put("family", family);
            f.put("mapping", mapping);
            f.put("provider", provider);
            f.put("time", time.toString());
            return f;
        }
    }

    /** A configured hook and what is known of it (touched by the sender thread only). */
    private static final class Hook {
        final String label;
        final NotifyConfig config;
        volatile String failing; // the last failure, while it fails (the sender thread may be a new one)

        Hook(int index, NotifyConfig config) {
            this.label = "notify[" + index + "] " + config.label();
            this.config = config;
        }
    }

    private final List<Hook> hooks = new ArrayList<>();
    private final OkHttpClient http;
    private final Metrics metrics;
    private final Backoff backoff;
    private final DoubleSupplier jitter;
    private final ThreadPoolExecutor sender;
    private volatile boolean dropping;

    /**
     * @param http    the providers' client ({@code ProviderHttp}): same rules (no redirects), shorter timeouts here
     * @param metrics null: nothing counted
     */
    Notifier(List<NotifyConfig> hooks, OkHttpClient http, Metrics metrics, Backoff backoff, DoubleSupplier jitter) {
        for (int i = 0; i < hooks.size(); i++) this.hooks.add(new Hook(i, hooks.get(i)));
        this.http = http.newBuilder().callTimeout(CALL_TIMEOUT).connectTimeout(CALL_TIMEOUT)
                .readTimeout(CALL_TIMEOUT).build();
        this.metrics = metrics;
        this.backoff = backoff;
        this.jitter = jitter;
        BlockingQueue<Runnable> queue = new ArrayBlockingQueue<>(QUEUE_SIZE);
        sender = new ThreadPoolExecutor(1, 1, 60, TimeUnit.SECONDS, queue, r -> {
            Thread t = new Thread(r, "notify");
            t.setDaemon(true);
            return t;
        }, (r, pool) -> dropOldest(r, pool.isShutdown(), queue));
        sender.allowCoreThreadTimeOut(true); // no thread while there is nothing to send
    }

    /** Queues {@code e} for every hook that wants it; returns at once. */
    void send(Event e) {
        for (Hook h : hooks) {
            if (h.config.wants(e.event())) sender.execute(() -> deliver(h, e));
        }
    }

    private void dropOldest(Runnable r, boolean shutdown, BlockingQueue<Runnable> queue) {
        if (shutdown) return;
        if (queue.poll() != null) count("dropped");
        if (!queue.offer(r)) count("dropped");
        if (!dropping) {
            dropping = true;
            LOG.warn("notify: {} notifications waiting: dropping the oldest (the hooks are too slow or down)",
                    QUEUE_SIZE);
        }
    }

    private void deliver(Hook h, Event e) {
        Optional<String> body = h.config.body().map(t -> t.fill(e.fields()));
        UpdateOutcome o = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            o = NotificationCall.send(http, h.config, body);
            if (o.kind() != UpdateOutcome.Kind.RETRY || attempt == ATTEMPTS) break;
            if (Thread.currentThread().isInterrupted()) break; // closing
            Duration wait = backoff.after(attempt, jitter);
            if (o.retryAfter().isPresent() && o.retryAfter().get().compareTo(wait) > 0) {
                wait = o.retryAfter().get().compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : o.retryAfter().get();
            }
            try {
                Thread.sleep(wait.toMillis());
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt(); // closing: give up on this one
                break;
            }
        }
        if (o.kind() == UpdateOutcome.Kind.SUCCESS) {
            count("sent");
            dropping = false;
            if (h.failing != null) LOG.info("{}: notifications are delivered again ({})", h.label, e.event());
            h.failing = null;
        } else {
            count("failed");
            if (h.failing == null) {
                LOG.warn("{}: cannot deliver {} ({}); further failures of this hook are not logged until it works"
                        + " again", h.label, e.event(), o.detail());
            }
            h.failing = o.detail();
        }
    }

    private void count(String result) {
        if (metrics != null) metrics.notification(result);
    }

    /** Stops taking events; what is queued gets {@link #FLUSH_AT_EXIT} more, then the sender is interrupted. */
    @Override
    public void close() {
        sender.shutdown();
        try {
            if (!sender.awaitTermination(FLUSH_AT_EXIT.toMillis(), TimeUnit.MILLISECONDS)) sender.shutdownNow();
        } catch (InterruptedException e) {
            sender.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
