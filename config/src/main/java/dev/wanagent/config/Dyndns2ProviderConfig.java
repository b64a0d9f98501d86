package dev.wanagent.config;

import java.net.URI;

/**
 * The dyndns2 protocol (No-IP, Dyn, Dynu, ...): {@code GET {server}/nic/update?hostname=H&myip=IP} with Basic auth.
 *
 * @param allowPlainHttp allow an {@code http://} server that is not on loopback or an RFC 1918 network
 */
public record Dyndns2ProviderConfig(
        ProviderCommon common,
        URI server,
        String username,
        Secret password,
        boolean allowPlainHttp) implements ProviderConfig {

    @Override
    public String type() {
        return "dyndns2";
    }

    @Override
    public String label() {
        return "dyndns2 " + username + "@" + server.getHost();
    }
}
