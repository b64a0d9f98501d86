package dev.wanagent.config;

import java.time.Duration;
import java.util.List;

/**
 * Keys every provider takes.
 *
 * @param hostnames    the names kept pointed at the WAN address
 * @param ipv6         also keep AAAA records, when a source gives a global IPv6 address
 * @param forceRefresh send the unchanged address again after this long (providers such as No-IP expire idle
 *                     hosts; default 25 days)
 */
public record ProviderCommon(List<String> hostnames, boolean ipv6, Duration forceRefresh) {
    public static final Duration DEFAULT_FORCE_REFRESH = Duration.ofDays(25);

    public ProviderCommon {
        hostnames = List.copyOf(hostnames);
    }
}
