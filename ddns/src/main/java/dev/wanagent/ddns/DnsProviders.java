package dev.wanagent.ddns;

import dev.wanagent.config.AliDnsProviderConfig;
import dev.wanagent.config.CloudflareProviderConfig;
import dev.wanagent.config.DnsPodProviderConfig;
import dev.wanagent.config.DuckDnsProviderConfig;
import dev.wanagent.config.Dyndns2ProviderConfig;
import dev.wanagent.config.ProviderConfig;
import dev.wanagent.config.Rfc2136ProviderConfig;
import dev.wanagent.config.WebhookProviderConfig;
import okhttp3.OkHttpClient;

import java.util.List;

/** Builds the provider implementation for a provider config. */
public final class DnsProviders {
    private DnsProviders() {
    }

    public static DnsProvider create(ProviderConfig config, OkHttpClient http) {
        if (config instanceof Dyndns2ProviderConfig c) return new Dyndns2Provider(c, http);
        if (config instanceof CloudflareProviderConfig c) return new CloudflareProvider(c, http);
        if (config instanceof DuckDnsProviderConfig c) return new DuckDnsProvider(c, http);
        if (config instanceof Rfc2136ProviderConfig c) return new Rfc2136Provider(c);
        if (config instanceof AliDnsProviderConfig c) return new AliDnsProvider(c, http);
        if (config instanceof DnsPodProviderConfig c) return new DnsPodProvider(c, http);
        if (config instanceof WebhookProviderConfig c) return new WebhookProvider(c, http);
        throw new IllegalArgumentException("no implementation for provider type " + config.type());
    }

    /** True when some of these providers is reached over https (so the HTTP client must speak TLS). */
    public static boolean anyOverTls(List<? extends ProviderConfig> configs) {
        return configs.stream().anyMatch(DnsProviders::overTls);
    }

    static boolean overTls(ProviderConfig config) {
        if (config instanceof Rfc2136ProviderConfig) return false; // DNS UPDATE, no HTTP at all
        if (config instanceof Dyndns2ProviderConfig c) return !"http".equalsIgnoreCase(c.server().getScheme());
        if (config instanceof WebhookProviderConfig c) return !c.url().reveal().regionMatches(true, 0, "http:", 0, 5);
        return true; // the API providers are https services
    }
}
