package dev.wanagent.config;

import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Anything else: an HTTP request per hostname. {@code url}, header values and {@code body} may use {@code {ip}},
 * {@code {ip6}} and {@code {hostname}}. Success is a 2xx status whose body matches {@code successPattern} (when
 * given). The URL and header values are treated as secrets (they usually carry a token); {@code host} is the
 * URL's host, for logs.
 */
public record WebhookProviderConfig(ProviderCommon common, Secret url, String host, String method,
                                    Map<String, Secret> headers,
                                    Optional<String> body, Optional<Pattern> successPattern, boolean allowPlainHttp)
        implements ProviderConfig {
    public WebhookProviderConfig {
        headers = Map.copyOf(headers);
    }

    @Override
    public String type() {
        return "webhook";
    }

    @Override
    public String label() {
        return "webhook " + method + " " + host;
    }
}
