package dev.wanagent.agent;

import dev.wanagent.config.IpLiteral;
import dev.wanagent.config.WebEchoConfig;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;

import java.io.IOException;
import java.io.InputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.DoubleSupplier;

/**
 * The web echo ({@code router.web}): web services that answer the caller's public address as plain text. It is the
 * last source in the agent's list, so the monitor asks it only while every router source fails; an address counts
 * only when two echoes agree on it. It is asked at most once per {@code router.web.interval} (in between, the last
 * answer, or the last failure, is given again) and, after failures, no sooner than the provider back-off allows
 * ({@link Backoff#PROVIDER}): echo services are someone else's servers.
 *
 * <p>A reply is read strictly: at most {@value #MAX_REPLY_BYTES} bytes, one IP literal ({@link IpLiteral}) and at
 * most one line break after it, nothing else. Redirects are not followed (the shared provider client).
 */
final class WebEcho implements WanSource {
    /** A reply longer than this is not one IP address. */
    static final int MAX_REPLY_BYTES = 128;

    private final WebEchoConfig config;
    private final OkHttpClient http;
    private final Clock clock;
    private final DoubleSupplier random;
    private Instant askAgainAt;
    private WanAddress lastAddress;
    private IOException lastFailure;
    private int failures;

    WebEcho(WebEchoConfig config, OkHttpClient http, Clock clock, DoubleSupplier random) {
        this.config = config;
        this.http = http;
        this.clock = clock;
        this.random = random;
    }

    /** What one echo said: an address, or why there is none. */
    record Answer(String url, Optional<InetAddress> address, String problem) {
        static Answer of(String url, InetAddress address) {
            return new Answer(url, Optional.of(address), "");
        }

        static Answer failed(String url, String problem) {
            return new Answer(url, Optional.empty(), problem);
        }

        @Override
        public String toString() {
            return url + (address.isPresent() ? " says " + address.get().getHostAddress() : ": " + problem);
        }
    }

    /** One round of asking: each echo's answer, and the address two of them agreed on. */
    record Round(List<Answer> answers, Optional<InetAddress> agreed) {
        /** "https://a and https://b agree on 1.2.3.4" or why no address counts. */
        String summary() {
            if (agreed.isPresent()) {
                List<String> agreeing = answers.stream().filter(a -> a.address().equals(agreed)).map(Answer::url)
                        .toList();
                return String.join(" and ", agreeing) + " agree on " + agreed.get().getHostAddress();
            }
            long answered = answers.stream().filter(a -> a.address().isPresent()).count();
            return (answered < 2 ? "fewer than two echoes answered" : "no two echoes agree") + ": "
                    + String.join("; ", answers.stream().map(Answer::toString).toList());
        }
    }

    /** The first address that two answers share (in answer order), if any. */
    static Optional<InetAddress> agreement(List<Answer> answers) {
        for (int i = 0; i < answers.size(); i++) {
            Optional<InetAddress> a = answers.get(i).address();
            if (a.isEmpty()) continue;
            for (int j = 0; j < i; j++) {
                if (answers.get(j).address().equals(a)) return a;
            }
        }
        return Optional.empty();
    }

    /** Asks the echoes now, in config order, until two agree (whatever the interval says: for {@code check}). */
    Round ask() {
        List<Answer> answers = new ArrayList<>();
        for (URI url : config.urls()) {
            answers.add(askOne(url));
            if (agreement(answers).isPresent()) break;
        }
        return new Round(List.copyOf(answers), agreement(answers));
    }

    private Answer askOne(URI uri) {
        HttpUrl url = HttpUrl.parse(uri.toString());
        if (url == null) return Answer.failed(uri.getScheme() + "://" + uri.getHost(), "not a URL OkHttp can ask");
        String shown = shown(url);
        Request request = new Request.Builder().url(url).header("Accept", "text/plain").get().build();
        try (Response response = http.newCall(request).execute()) {
            if (response.isRedirect()) {
                return Answer.failed(shown, "answered HTTP " + response.code() + " (a redirect, not followed: give the"
                        + " URL it points to)");
            }
            if (response.code() != 200) return Answer.failed(shown, "answered HTTP " + response.code());
            ResponseBody body = response.body();
            byte[] reply;
            try (InputStream in = body.byteStream()) {
                reply = in.readNBytes(MAX_REPLY_BYTES + 1);
            }
            InetAddress a = parse(reply);
            if (!(a instanceof Inet4Address)) {
                return Answer.failed(shown, "answered an IPv6 address; the echo must answer over IPv4 (e.g."
                        + " https://ipv4.icanhazip.com)");
            }
            return Answer.of(shown, a);
        } catch (IOException e) {
            return Answer.failed(shown, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        } catch (RuntimeException e) {
            return Answer.failed(shown, "unreadable answer (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** scheme://host[:port]/path: never the query, which may carry a key. */
    static String shown(HttpUrl url) {
        String host = url.host().indexOf(':') >= 0 ? "[" + url.host() + "]" : url.host();
        boolean defaultPort = url.port() == HttpUrl.defaultPort(url.scheme());
        return url.scheme() + "://" + host + (defaultPort ? "" : ":" + url.port()) + url.encodedPath();
    }

    /**
     * An echo's reply: exactly one IP literal, optionally followed by one {@code \n} or {@code \r\n}, at most
     * {@value #MAX_REPLY_BYTES} bytes. Anything else is refused with a message that does not repeat the reply.
     */
    static InetAddress parse(byte[] reply) throws IOException {
        if (reply.length > MAX_REPLY_BYTES) {
            throw new IOException("answered more than " + MAX_REPLY_BYTES + " bytes: not one IP address");
        }
        int end = reply.length;
        if (end > 0 && reply[end - 1] == '\n') {
            end--;
            if (end > 0 && reply[end - 1] == '\r') end--;
        }
        if (end == 0) throw new IOException("answered nothing (an empty body)");
        for (int i = 0; i < end; i++) {
            if (reply[i] < 0x21 || reply[i] > 0x7e) {
                throw new IOException("answered " + reply.length + " bytes that are not one IP address"
                        + (reply[0] == '<' ? " (an HTML page)" : ""));
            }
        }
        String text = new String(reply, 0, end, java.nio.charset.StandardCharsets.US_ASCII);
        return IpLiteral.parse(text).orElseThrow(() -> new IOException("answered " + reply.length
                + " bytes that are not one IP address" + (reply[0] == '<' ? " (an HTML page)" : "")));
    }

    @Override
    public String name() {
        return "web";
    }

    /**
     * The address two echoes agree on, asked at most once per interval: within it, the last address (or failure)
     * again. After a failure, the next round waits for the longer of the interval and the provider back-off.
     */
    @Override
    public synchronized WanAddress readWanAddress() throws IOException {
        Instant now = clock.instant();
        if (askAgainAt != null && now.isBefore(askAgainAt)) {
            if (lastFailure != null) {
                throw new IOException(lastFailure.getMessage() + " (echoes asked again after " + askAgainAt + ")");
            }
            return lastAddress;
        }
        Round round = ask();
        if (round.agreed().isPresent()) {
            failures = 0;
            lastFailure = null;
            lastAddress = WanAddress.ipv4Only(round.agreed().get());
            askAgainAt = now.plus(config.interval());
            return lastAddress;
        }
        failures++;
        Duration backoff = Backoff.PROVIDER.after(failures, random);
        askAgainAt = now.plus(backoff.compareTo(config.interval()) > 0 ? backoff : config.interval());
        lastAddress = null;
        lastFailure = new IOException("web echo: " + round.summary());
        throw lastFailure;
    }

    @Override
    public String describe() {
        return ask().summary();
    }
}
