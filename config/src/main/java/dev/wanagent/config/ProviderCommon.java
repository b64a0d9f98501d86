package dev.wanagent.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Keys every provider takes.
 *
 * @param hostnames    the names kept pointed at the WAN address
 * @param ipv6         also keep AAAA records (see {@code ipv6Source} for which address they carry)
 * @param forceRefresh send the unchanged address again after this long (providers such as No-IP expire idle
 *                     hosts; default 25 days)
 * @param verifyDns    look the record up in DNS before deciding: an address already there is not sent, a record
 *                     changed behind the agent's back is sent again
 * @param verifyDnsServer the DNS server to ask (an IP address); empty: the system's resolver
 * @param ipv6Source   which IPv6 address the AAAA records carry (default {@link Ipv6Source#HOST}: the served host's)
 */
public record ProviderCommon(List<String> hostnames, boolean ipv6, Duration forceRefresh, boolean verifyDns,
                             Optional<String> verifyDnsServer, Ipv6Source ipv6Source) {
    public static final Duration DEFAULT_FORCE_REFRESH = Duration.ofDays(25);

    public ProviderCommon {
        hostnames = List.copyOf(hostnames);
    }

    public ProviderCommon(List<String> hostnames, boolean ipv6, Duration forceRefresh) {
        this(hostnames, ipv6, forceRefresh, false, Optional.empty(), Ipv6Source.HOST);
    }

    public ProviderCommon(List<String> hostnames, boolean ipv6, Duration forceRefresh, boolean verifyDns,
                          Optional<String> verifyDnsServer) {
        this(hostnames, ipv6, forceRefresh, verifyDns, verifyDnsServer, Ipv6Source.HOST);
    }
}
