package dev.wanagent.ddns;

import dev.wanagent.config.Dyndns2ProviderConfig;
import dev.wanagent.config.ProviderConfig;
import okhttp3.OkHttpClient;

/** Builds the provider implementation for a provider config. */
public final class DnsProviders {
    private DnsProviders() {
    }

    public static DnsProvider create(ProviderConfig config, OkHttpClient http) {
        if (config instanceof Dyndns2ProviderConfig d) return new Dyndns2Provider(d, http);
        throw new IllegalArgumentException("no implementation for provider type " + config.type());
    }
}
