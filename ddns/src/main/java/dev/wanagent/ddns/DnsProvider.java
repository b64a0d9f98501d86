package dev.wanagent.ddns;

import dev.wanagent.config.ProviderConfig;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** One DNS provider account. Implementations never log or return a credential. */
public interface DnsProvider {
    ProviderConfig config();

    /**
     * Points {@code hostnames} (a subset of {@link #hostnames()}) at {@code address}: A records for IPv4, AAAA for
     * IPv6. Never throws for a provider or network failure: every hostname gets an outcome.
     */
    Map<String, UpdateOutcome> update(List<String> hostnames, InetAddress address);

    /**
     * Asks the provider, changing nothing, whether it accepts the credentials ({@code wan-agent check}): SUCCESS,
     * FATAL (refused: bad token, key or signature) or RETRY (no answer now). Empty when the provider's API has no
     * read-only call (dyndns2, DuckDNS, webhooks, RFC 2136: only an update would tell).
     */
    default Optional<UpdateOutcome> verifyCredentials() {
        return Optional.empty();
    }

    /** Identifies the account in logs and state, without secrets. */
    default String label() {
        return config().label();
    }

    /** The hostnames this account keeps pointed at the WAN address. */
    default List<String> hostnames() {
        return config().hostnames();
    }

    /** Whether AAAA records are kept too. */
    default boolean ipv6() {
        return config().common().ipv6();
    }

    /** After this long, an unchanged address is sent again. */
    default Duration forceRefresh() {
        return config().common().forceRefresh();
    }
}
