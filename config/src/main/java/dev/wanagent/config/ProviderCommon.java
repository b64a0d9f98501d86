package dev.wanagent.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Keys every provider takes.
 *
 * @param hostnames    the names kept pointed at the WAN address
 * @param ipv6         also keep AAAA records, when a source gives a global IPv6 address
 * @param forceRefresh send the unchanged address again after this long (providers such as No-IP expire idle
 *                     hosts; default 25 days)
 * @param verifyDns    look the record up in DNS before deciding: an address already there is not sent, a record
 *                     changed behind the agent's back is sent again
 * @param verifyDnsServer the DNS server to ask (an IP address); empty: the system's resolver
 */
public record ProviderCommon(List<String> hostnames, boolean ipv6, Duration forceRefresh, boolean verifyDns,
                             Optional<String> verifyDnsServer) {
    public static final Duration DEFAULT_FORCE_REFRESH = Duration.ofDays(25);

    public ProviderCommon {
        hostnames = List.copyOf(hostnames);
    }

    public ProviderCommon(List<String> hostnames, boolean ipv6, Duration forceRefresh) {
        this(hostnames, ipv6, forceRefresh, false, Optional.empty());
    }
}
