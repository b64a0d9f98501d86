package dev.wanagent.upnp;

import okhttp3.HttpUrl;
import okhttp3.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xml.sax.Attributes;
import org.xml.sax.SAXException;
import org.xml.sax.helpers.DefaultHandler;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A GENA subscription to the router's WAN connection service: the router NOTIFYs this host's callback listener
 * (one blocking thread on the LAN address, see {@link HttpRequest}) within milliseconds of a change. The subscription
 * is renewed at half its granted TIMEOUT and made anew after any failure (412, refused connection, router reboot);
 * while the router is unreachable it is retried after the delay the caller chooses for the number of consecutive
 * failures.
 *
 * <p>A NOTIFY is accepted only from the router's address, on the callback's secret path, with the current SID.
 * The listener answers anyone else at once without reading, reads the router's request within
 * {@value #REQUEST_MILLIS} ms, and hands it to the timer thread, which answers it and then tells the listener: so
 * an event is never handled while a SUBSCRIBE is on its way (the initial event can overtake its answer), and the
 * listener thread sleeps in accept() between events (the JDK HttpServer woke twice a second for its timers).
 */
public final class EventSubscription implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventSubscription.class);
    private final RepeatedWarnings warnings = new RepeatedWarnings();
    static final int REQUESTED_TIMEOUT_SECONDS = 1800;
    static final int MAX_NOTIFY_BYTES = 64 * 1024;
    static final int REQUEST_MILLIS = 3000;
    private static final int MAX_NAME_CHARS = 100;
    private static final int MAX_VALUE_CHARS = 1000;
    private static final Pattern SID = Pattern.compile("[\\x20-\\x7e]{1,256}");
    /** The retry delay of {@link #start(InternetGateway, int, Listener)}. */
    static final Duration DEFAULT_RETRY = Duration.ofSeconds(3);
    private static final Pattern TIMEOUT = Pattern.compile("(?i)Second-(\\d+|infinite)");

    /** What the agent hears. Called on the listener's thread; keep it short. */
    public interface Listener {
        /** Evented state variables of one NOTIFY (e.g. ExternalIPAddress, ConnectionStatus). */
        void onEvent(Map<String, String> variables);

        /** A new subscription was made after the previous one was lost: the router may have restarted. */
        void onResubscribed();

        /**
         * The subscription is lost: its renewal failed, or the first attempt to subscribe anew after
         * {@link #resubscribe()} failed. Called once per loss (not for each retry); the router may have restarted
         * and forgotten its port mappings.
         */
        default void onLost(String why) {
        }
    }

    private final HttpUrl eventUrl;
    private final InetAddress router;
    private final Listener listener;
    private final ServerSocket server;
    private final Thread acceptor;
    private final String callbackPath;
    private final String callbackUrl;
    private final ScheduledExecutorService timer;
    private final IntFunction<Duration> retryDelay;
    volatile String sid;
    private volatile boolean subscribing;
    private volatile boolean closed;
    // used on the timer thread only
    private boolean lost;
    private boolean lossReported;
    private boolean everSubscribed;
    private int failures;
    private ScheduledFuture<?> next;

    EventSubscription(GatewayDescription.WanService service, InetAddress router, InetAddress localAddress,
                      int callbackPort, Listener listener, IntFunction<Duration> retryDelay) throws IOException {
        if (service.eventSubUrl() == null) {
            throw new UpnpException("the router's " + service.shortName() + " has no eventSubURL: it sends no events");
        }
        this.eventUrl = service.eventSubUrl();
        this.router = router;
        this.listener = listener;
        this.retryDelay = Objects.requireNonNull(retryDelay, "retryDelay");
        byte[] token = new byte[12];
        new SecureRandom().nextBytes(token);
        this.callbackPath = "/wan-agent/events/" + HexFormat.of().formatHex(token);
        this.server = new ServerSocket(callbackPort, 8, localAddress);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "upnp-events");
            t.setDaemon(true);
            return t;
        });
        this.callbackUrl = "http://" + localAddress.getHostAddress() + ":" + server.getLocalPort() + callbackPath;
        this.acceptor = new Thread(this::accept, "upnp-events-listener");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /**
     * Starts the listener and subscribes (asynchronously; failures are logged and retried). After the n-th
     * consecutive failure (n = 1, 2, …) the next attempt comes {@code retryDelay.apply(n)} later (null or negative:
     * {@link #DEFAULT_RETRY}).
     */
    public static EventSubscription start(InternetGateway gateway, int callbackPort, Listener listener,
                                          IntFunction<Duration> retryDelay) throws IOException {
        EventSubscription s = new EventSubscription(gateway.service(), gateway.routerAddress(), gateway.localAddress(),
                callbackPort, listener, retryDelay);
        s.schedule(Duration.ZERO);
        return s;
    }

    public String callbackUrl() {
        return callbackUrl;
    }

    /** Drops the current subscription and subscribes anew now (the router restarted and forgot it). */
    public void resubscribe() {
        String old = sid;
        sid = null;
        if (old != null && !closed) {
            // the router may not have restarted after all: it should stop sending to the old subscription
            try {
                timer.execute(() -> unsubscribe(old));
            } catch (java.util.concurrent.RejectedExecutionException closing) {
                // closed meanwhile: close() unsubscribes what is current
            }
        }
        schedule(Duration.ZERO);
    }

    /** Best effort: a router that restarted has forgotten the SID anyway. */
    private void unsubscribe(String oldSid) {
        try (okhttp3.Response r = RouterHttp.CLIENT.newCall(new Request.Builder().url(eventUrl)
                .method("UNSUBSCRIBE", null).header("SID", oldSid).build()).execute()) {
            LOG.debug("GENA: unsubscribed ({})", r.code());
        } catch (IOException | RuntimeException e) {
            LOG.debug("GENA: unsubscribe failed: {}", e.getMessage());
        }
    }

    /** True while a subscription is in place. */
    public boolean active() {
        return sid != null;
    }

    private synchronized void schedule(Duration delay) {
        if (closed) return;
        if (next != null) next.cancel(false);
        next = timer.schedule(this::renewOrSubscribe, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One attempt: renew the current subscription, or subscribe anew. Runs on the timer thread. */
    void renewOrSubscribe() {
        if (closed) return;
        String current = sid;
        try {
            if (current != null) {
                try {
                    long granted = send(new Request.Builder().url(eventUrl).method("SUBSCRIBE", null)
                            .header("SID", current).header("TIMEOUT", "Second-" + REQUESTED_TIMEOUT_SECONDS), current);
                    LOG.debug("GENA: renewed {} for {}s", current, granted);
                    failures = 0;
                    schedule(renewDelay(granted));
                    return;
                } catch (IOException e) {
                    LOG.info("GENA: renewing the subscription failed ({}); subscribing anew", e.getMessage());
                    sid = null;
                    lost = true;
                    reportLost("renewing the event subscription failed: " + e.getMessage());
                }
            }
            subscribing = true;
            long granted = send(new Request.Builder().url(eventUrl).method("SUBSCRIBE", null)
                    .header("CALLBACK", "<" + callbackUrl + ">").header("NT", "upnp:event")
                    .header("TIMEOUT", "Second-" + REQUESTED_TIMEOUT_SECONDS), null);
            LOG.info("GENA: subscribed to {} (SID {}, {}s), callback on {}", eventUrl, sid, granted,
                    callbackUrl.substring(0, callbackUrl.indexOf("/wan-agent/")));
            failures = 0;
            everSubscribed = true;
            lossReported = false;
            schedule(renewDelay(granted));
            if (lost) {
                lost = false;
                tell(listener::onResubscribed);
            }
        } catch (IOException e) {
            failures++;
            Duration delay = retryDelay(failures);
            if (failures == 1) {
                LOG.warn("GENA: cannot subscribe to {}: {}; retrying in {} ms (polling goes on)", eventUrl,
                        e.getMessage(), delay.toMillis());
            }
            if (everSubscribed) reportLost("subscribing anew to router events failed: " + e.getMessage());
            lost = true;
            schedule(delay);
        } finally {
            subscribing = false;
        }
    }

    private Duration retryDelay(int consecutiveFailures) {
        Duration d = retryDelay.apply(consecutiveFailures);
        return d == null || d.isNegative() ? DEFAULT_RETRY : d;
    }

    private void reportLost(String why) {
        if (lossReported) return;
        lossReported = true;
        tell(() -> listener.onLost(why));
    }

    /** A failing listener must not stop the renewals. */
    private static void tell(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            LOG.warn("GENA: listener failed", e);
        }
    }

    private static Duration renewDelay(long grantedSeconds) {
        return Duration.ofSeconds(Math.max(5, grantedSeconds / 2));
    }

    /** Sends SUBSCRIBE; stores the SID of a new subscription; returns the granted timeout in seconds. */
    private long send(Request.Builder request, String expectedSid) throws IOException {
        int code;
        String newSid;
        String timeout;
        try (okhttp3.Response r = RouterHttp.CLIENT.newCall(request.build()).execute()) {
            code = r.code();
            newSid = r.header("SID");
            timeout = r.header("TIMEOUT");
        } catch (IOException e) {
            throw new UpnpException("SUBSCRIBE " + eventUrl + ": " + SoapClient.describe(e), e);
        }
        Granted granted = granted(eventUrl, code, newSid, timeout, expectedSid);
        sid = granted.sid();
        return granted.seconds();
    }

    /** A subscription the router granted: its SID and for how many seconds. */
    record Granted(String sid, long seconds) {
    }

    /**
     * Reads the router's answer to SUBSCRIBE (status, SID and TIMEOUT headers; {@code expectedSid} for a renewal).
     * The granted time is at most the requested one; a missing or unreadable TIMEOUT counts as the requested one.
     */
    static Granted granted(HttpUrl eventUrl, int code, String sidHeader, String timeoutHeader, String expectedSid)
            throws UpnpException {
        if (code != 200) throw new UpnpException("SUBSCRIBE " + eventUrl + ": HTTP " + code);
        if (sidHeader == null || sidHeader.isBlank()) {
            throw new UpnpException("SUBSCRIBE " + eventUrl + ": no SID in the answer");
        }
        String newSid = sidHeader.trim();
        if (!SID.matcher(newSid).matches()) {
            throw new UpnpException("SUBSCRIBE " + eventUrl + ": the SID in the answer is not printable ASCII"
                    + " (at most 256 characters)");
        }
        if (expectedSid != null && !expectedSid.equals(newSid)) {
            throw new UpnpException("SUBSCRIBE renewal answered another SID");
        }
        if (timeoutHeader == null) return new Granted(newSid, REQUESTED_TIMEOUT_SECONDS);
        Matcher m = TIMEOUT.matcher(timeoutHeader.trim());
        if (!m.matches() || m.group(1).equalsIgnoreCase("infinite") || m.group(1).length() > 9) {
            return new Granted(newSid, REQUESTED_TIMEOUT_SECONDS);
        }
        // more than asked for is renewed as if it were what was asked for
        return new Granted(newSid, Math.min(REQUESTED_TIMEOUT_SECONDS, Long.parseLong(m.group(1))));
    }

    /** The listener thread: one connection at a time, one request each. */
    private void accept() {
        while (!closed) {
            Socket c;
            try {
                c = server.accept();
            } catch (IOException e) {
                if (!closed) LOG.warn("GENA: the callback listener stopped: {}", e.getMessage());
                return;
            }
            boolean handedOver = false;
            try {
                handedOver = receive(c);
            } catch (IOException | RuntimeException e) {
                LOG.debug("GENA: callback connection dropped: {}", e.getMessage());
            } finally {
                if (!handedOver) closeQuietly(c);
            }
        }
    }

    /** Reads one request and answers it, or hands it to the timer thread (then true: the socket is the timer's). */
    private boolean receive(Socket c) throws IOException {
        InetAddress from = c.getInetAddress();
        String who = from.getHostAddress();
        if (!from.equals(router)) {
            warnings.warn(LOG, who + " source", "GENA: refused a connection from {}: events are accepted only from"
                    + " the router {}", who, router.getHostAddress());
            refuse(c, 412);
            return false;
        }
        HttpRequest request;
        try {
            request = HttpRequest.read(new HttpRequest.Deadline(c, REQUEST_MILLIS), MAX_NOTIFY_BYTES, "SID");
        } catch (HttpRequest.Refused e) {
            warnings.warn(LOG, who + " request", "GENA: refused a request from {}: {}", who, e.getMessage());
            refuse(c, e.status());
            return false;
        }
        if (!"NOTIFY".equals(request.method()) || !callbackPath.equals(request.path())) {
            warnings.warn(LOG, who + " path", "GENA: refused {} {} from {}: not an event for this agent",
                    RouterText.printable(request.method(), 80), RouterText.printable(request.path(), 80), who);
            answer(c, 404);
            return false;
        }
        try {
            timer.execute(() -> handle(c, request, who));
            return true;
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            return false;
        }
    }

    /** On the timer thread: the router's NOTIFY on the callback path, answered, then told to the listener. */
    private void handle(Socket c, HttpRequest request, String who) {
        Map<String, String> vars = null;
        try (c) {
            String current = sid;
            if (current == null || !current.equals(request.header("SID"))) {
                if (subscribing || current == null) {
                    answer(c, 200); // the initial event can overtake the SUBSCRIBE answer
                    return;
                }
                warnings.warn(LOG, "sid", "GENA: refused a NOTIFY with SID {} (current {})",
                        RouterText.printable(String.valueOf(request.header("SID")), 80), current);
                answer(c, 412);
                return;
            }
            try {
                vars = properties(request.body());
            } catch (SAXException e) {
                warnings.warn(LOG, who + " xml", "GENA: refused a NOTIFY from {}: not acceptable XML ({})", who,
                        e.getMessage());
                answer(c, 400);
                return;
            }
            answer(c, 200);
        } catch (IOException e) {
            LOG.debug("GENA: answering {} failed: {}", who, e.getMessage());
        }
        if (vars == null) return;
        LOG.debug("GENA: event {}", vars);
        try {
            listener.onEvent(vars);
        } catch (RuntimeException e) {
            LOG.warn("GENA: listener failed", e);
        }
    }

    /** Answers with an empty response, the whole request having been read. */
    private static void answer(Socket c, int status) throws IOException {
        HttpResponse.of(status).send(c);
    }

    /** Answers a request not read to its end ({@link HttpResponse#refuse}). */
    private static void refuse(Socket c, int status) throws IOException {
        HttpResponse.of(status).refuse(c, MAX_NOTIFY_BYTES);
    }

    private static void closeQuietly(Socket c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // nothing left to do
        }
    }

    /**
     * The {@code <e:property>} children of a GENA propertyset, by local name; names and values are the router's
     * text made printable and short (the agent logs them).
     */
    static Map<String, String> properties(byte[] xml) throws SAXException {
        Map<String, String> out = new LinkedHashMap<>();
        SafeXml.parse(xml, new DefaultHandler() {
            private int depth;
            private String name;
            private final StringBuilder text = new StringBuilder();

            @Override
            public void startElement(String uri, String localName, String qName, Attributes atts) {
                depth++;
                if (depth == 3) {
                    name = localName;
                    text.setLength(0);
                }
            }

            @Override
            public void characters(char[] ch, int start, int length) {
                if (depth == 3 && text.length() <= MAX_VALUE_CHARS) text.append(ch, start, length);
            }

            @Override
            public void endElement(String uri, String localName, String qName) {
                if (depth == 3 && name != null) {
                    out.put(RouterText.printable(name, MAX_NAME_CHARS),
                            RouterText.printable(text.toString().trim(), MAX_VALUE_CHARS));
                }
                depth--;
            }
        });
        return out;
    }


    @Override
    public void close() {
        closed = true;
        String current = sid;
        sid = null;
        if (current != null) unsubscribe(current);
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        timer.shutdownNow();
    }
}
