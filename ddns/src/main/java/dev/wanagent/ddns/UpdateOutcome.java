package dev.wanagent.ddns;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a provider said about one hostname.
 *
 * @param detail     the provider's answer, e.g. {@code good 11.22.33.44} or {@code badauth}; never a credential
 * @param retryAfter for RETRY: the least time to wait (a provider's abuse hold, an HTTP Retry-After)
 */
public record UpdateOutcome(Kind kind, String detail, Optional<Duration> retryAfter) {
    public enum Kind {
        /** The record now holds the address. */
        SUCCESS,
        /** The provider or the network failed for now (911, dnserr, HTTP 5xx/429, timeout, abuse): try again later. */
        RETRY,
        /** The provider refused this host (badauth, nohost, notfqdn, 401/403, ...): stop until the config changes. */
        FATAL
    }

    public UpdateOutcome(Kind kind, String detail) {
        this(kind, detail, Optional.empty());
    }

    public static UpdateOutcome success(String detail) {
        return new UpdateOutcome(Kind.SUCCESS, detail);
    }

    public static UpdateOutcome retry(String detail) {
        return new UpdateOutcome(Kind.RETRY, detail);
    }

    public static UpdateOutcome retryAfter(String detail, Duration atLeast) {
        return new UpdateOutcome(Kind.RETRY, detail, Optional.of(atLeast));
    }

    public static UpdateOutcome fatal(String detail) {
        return new UpdateOutcome(Kind.FATAL, detail);
    }

    /** This outcome for each of {@code hostnames} (one answer covered them all), in order. */
    public Map<String, UpdateOutcome> forAll(List<String> hostnames) {
        Map<String, UpdateOutcome> out = new LinkedHashMap<>();
        for (String h : hostnames) out.put(h, this);
        return out;
    }
}
