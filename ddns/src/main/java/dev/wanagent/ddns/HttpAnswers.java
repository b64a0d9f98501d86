package dev.wanagent.ddns;

import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.BufferedSource;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Optional;

/** How every HTTP provider reads an answer: size-capped bodies, status classes, network failures. */
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

    /** 401/403 → FATAL, 429/5xx → RETRY (honouring Retry-After); empty for anything else. */
    static Optional<UpdateOutcome> byStatus(Response response, String detail) {
        int code = response.code();
        if (code == 401 || code == 403) {
            return Optional.of(UpdateOutcome.fatal("HTTP " + code + " (credentials refused)" + suffix(detail)));
        }
        if (code == 429 || code >= 500) {
            Optional<Duration> after = retryAfter(response.header("Retry-After"));
            return Optional.of(new UpdateOutcome(UpdateOutcome.Kind.RETRY, "HTTP " + code + suffix(detail), after));
        }
        return Optional.empty();
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

    /** A network failure: always RETRY. */
    static UpdateOutcome failure(IOException e, String host) {
        return failure(e, host, null);
    }

    /** A network failure: always RETRY; {@code secret} (say, a token in the URL) is kept out of the message. */
    static UpdateOutcome failure(IOException e, String host, String secret) {
        if (e instanceof InterruptedIOException) return UpdateOutcome.retry("timed out: " + host + " did not answer");
        return UpdateOutcome.retry(printable("cannot reach " + host + ": " + e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : " " + e.getMessage()), secret));
    }

    /** Printable, short, and without {@code secret}: provider answers go to logs and state. */
    static String printable(String s, String secret) {
        String t = secret == null || secret.isEmpty() ? s : s.replace(secret, "****");
        t = t.replaceAll("[^\\x20-\\x7e]", "?");
        return t.length() > 160 ? t.substring(0, 160) + "…" : t;
    }
}
