package dev.wanagent.ddns;

import okhttp3.HttpUrl;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.BufferedSource;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Optional;

/**
 * How every HTTP provider reads an answer: size-capped bodies, status classes, redirects, network failures. Text
 * from outside reaches a detail only through {@link ProviderText#shown}.
 */
final class HttpAnswers {
    static final int MAX_ANSWER_CHARS = 64 * 1024;

    private HttpAnswers() {
    }

    /** The body as text, at most {@link #MAX_ANSWER_CHARS}. */
    static String body(Response response) throws IOException {
        ResponseBody body = response.body();
        BufferedSource source = body.source();
        source.request(MAX_ANSWER_CHARS);
        return source.readUtf8(Math.min(source.getBuffer().size(), MAX_ANSWER_CHARS)).trim();
    }

    /**
     * 3xx → RETRY naming the redirect target, 401/403 → FATAL, 429/5xx → RETRY (honouring Retry-After); empty for
     * anything else. {@code detail} must already be shown text; {@code secrets} are kept out of the redirect target.
     */
    static Optional<UpdateOutcome> byStatus(Response response, String detail, String... secrets) {
        int code = response.code();
        if (code >= 300 && code <= 399) return Optional.of(redirect(response, secrets));
        if (code == 401 || code == 403) {
            return Optional.of(UpdateOutcome.fatal("HTTP " + code + " (credentials refused)" + suffix(detail)));
        }
        if (code == 429 || code >= 500) {
            Optional<Duration> after = retryAfter(response.header("Retry-After"));
            return Optional.of(new UpdateOutcome(UpdateOutcome.Kind.RETRY, "HTTP " + code + suffix(detail), after));
        }
        return Optional.empty();
    }

    /**
     * A 3xx answer. {@link ProviderHttp} never follows redirects: a redirect would carry headers such as a webhook's
     * X-Api-Key to another host and could turn https into plain http. It is a RETRY, not a refusal: captive portals,
     * proxies and an ISP's walled garden redirect for a while and then stop, and a refusal would stop the record
     * until the config changes. A provider that really moved keeps failing, and the detail says where it points, as
     * scheme://host[:port]/path only (the query, userinfo and fragment may hold tokens).
     */
    static UpdateOutcome redirect(Response response, String... secrets) {
        String location = response.header("Location");
        HttpUrl target = location == null ? null : response.request().url().resolve(location);
        if (target == null) {
            return UpdateOutcome.retry("HTTP " + response.code() + " without a usable Location (redirects are"
                    + " not followed)");
        }
        return UpdateOutcome.retry("HTTP " + response.code() + " redirect to " + ProviderText.shown(withoutTokens(target),
                secrets) + " (not followed: if the provider moved, change the URL in the config)");
    }

    /**
     * scheme://host[:port]/path: no userinfo, query or fragment. The path is decoded, so that a secret in it is
     * found (and hidden) by {@link ProviderText#shown} however the Location encoded it.
     */
    static String withoutTokens(HttpUrl url) {
        boolean defaultPort = url.port() == HttpUrl.defaultPort(url.scheme());
        String host = url.host().contains(":") ? "[" + url.host() + "]" : url.host();
        return url.scheme() + "://" + host + (defaultPort ? "" : ":" + url.port()) + "/"
                + String.join("/", url.pathSegments());
    }

    private static String suffix(String detail) {
        return detail == null || detail.isBlank() ? "" : " " + detail;
    }

    static Optional<Duration> retryAfter(String header) {
        if (header == null) return Optional.empty();
        try {
            long seconds = Long.parseLong(header.trim());
            return seconds > 0 ? Optional.of(Duration.ofSeconds(Math.min(seconds, 86400))) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty(); // an HTTP date: the back-off applies
        }
    }

    /** A network failure: always RETRY; {@code secrets} (say, a token in the URL) are kept out of the message. */
    static UpdateOutcome failure(IOException e, String host, String... secrets) {
        if (e instanceof InterruptedIOException) {
            return UpdateOutcome.retry("timed out: " + ProviderText.shown(host, secrets) + " did not answer");
        }
        return UpdateOutcome.retry(ProviderText.shown("cannot reach " + host + ": " + e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : " " + e.getMessage()), secrets));
    }
}
