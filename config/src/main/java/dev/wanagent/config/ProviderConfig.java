package dev.wanagent.config;

import java.util.List;

/** One DNS provider account and the hostnames it keeps pointed at the WAN address. */
public sealed interface ProviderConfig permits Dyndns2ProviderConfig, CloudflareProviderConfig, DuckDnsProviderConfig,
        Rfc2136ProviderConfig, AliDnsProviderConfig, DnsPodProviderConfig, WebhookProviderConfig {
    /** The {@code type} key. */
    String type();

    ProviderCommon common();

    default List<String> hostnames() {
        return common().hostnames();
    }

    /** A name for logs and state that identifies the account without any secret, e.g. {@code dyndns2 me@host}. */
    String label();
}
