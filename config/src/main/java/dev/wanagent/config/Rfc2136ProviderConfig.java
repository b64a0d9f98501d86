package dev.wanagent.config;

/**
 * RFC 2136 dynamic update with TSIG, to the zone's primary server.
 *
 * @param tsigAlgorithm hmac-sha256 or hmac-sha512
 * @param tsigSecret    base64 key material
 */
public record Rfc2136ProviderConfig(ProviderCommon common, String server, int port, String zone, String tsigKeyName,
                                    String tsigAlgorithm, Secret tsigSecret, int ttl) implements ProviderConfig {
    @Override
    public String type() {
        return "rfc2136";
    }

    @Override
    public String label() {
        return "rfc2136 " + zone + "@" + server;
    }
}
