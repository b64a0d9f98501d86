package dev.wanagent.ddns;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;

/** One DNS provider account. Implementations never log or return a credential. */
public interface DnsProvider {
    /** Identifies the account in logs and state, without secrets. */
    String label();

    /** The hostnames this account keeps pointed at the WAN address. */
    List<String> hostnames();

    /**
     * Points {@code hostnames} (a subset of {@link #hostnames()}) at {@code address}. Never throws for a provider or
     * network failure: every hostname gets an outcome.
     */
    Map<String, UpdateOutcome> update(List<String> hostnames, InetAddress address);
}
