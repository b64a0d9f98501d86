package dev.wanagent.config;

/**
 * Cloudflare API v4 with an API token (Zone.DNS edit).
 *
 * @param zone    the zone name, e.g. example.com
 * @param create  create a missing record (else a missing record is an error)
 * @param proxied for a created record: proxied through Cloudflare
 * @param ttl     for a created record: TTL in seconds, 1 = automatic
 */
public record CloudflareProviderConfig(ProviderCommon common, Secret apiToken, String zone, boolean create,
                                       boolean proxied, int ttl) implements ProviderConfig {
    @Override
    public String type() {
        return "cloudflare";
    }

    @Override
    public String label() {
        return "cloudflare " + zone;
    }
}
