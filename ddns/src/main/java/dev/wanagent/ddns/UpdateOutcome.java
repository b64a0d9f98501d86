package dev.wanagent.ddns;

/**
 * What a provider said about one hostname.
 *
 * @param detail the provider's answer, e.g. {@code good 11.22.33.44} or {@code badauth}; never a credential
 */
public record UpdateOutcome(Kind kind, String detail) {
    public enum Kind {
        /** The record now holds the address. */
        SUCCESS,
        /** The provider or the network failed for now (911, dnserr, HTTP 5xx, timeout): try again later. */
        RETRY,
        /** The provider refused this host (badauth, nohost, notfqdn, abuse, ...): stop until the config changes. */
        FATAL
    }

    public static UpdateOutcome success(String detail) {
        return new UpdateOutcome(Kind.SUCCESS, detail);
    }

    public static UpdateOutcome retry(String detail) {
        return new UpdateOutcome(Kind.RETRY, detail);
    }

    public static UpdateOutcome fatal(String detail) {
        return new UpdateOutcome(Kind.FATAL, detail);
    }
}
