package dev.wanagent.config;

/** DuckDNS: hostnames are {@code NAME.duckdns.org} (or just NAME). */
public record DuckDnsProviderConfig(ProviderCommon common, Secret token) implements ProviderConfig {
    @Override
    public String type() {
        return "duckdns";
    }

    @Override
    public String label() {
        return "duckdns";
    }
}
