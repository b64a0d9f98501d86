package dev.wanagent.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads {@code router.web}: {@code enabled} (default false), {@code urls} (http or https URLs that answer the
 * caller's address as plain text; at least two when enabled, since two must agree), {@code interval} (default 5m,
 * at least 1m).
 */
final class WebEchoConfigReader {
    private WebEchoConfigReader() {
    }

    static WebEchoConfig read(ConfigNode n) {
        boolean enabled = n.bool("enabled", false);
        List<String> texts = n.stringList("urls");
        Duration interval = n.string("interval")
                .map(s -> ConfigLoader.duration(n, "interval", s, WebEchoConfig.MIN_INTERVAL, Duration.ofDays(1)))
                .orElse(WebEchoConfig.DEFAULT_INTERVAL);
        n.rejectUnknownKeys();
        List<URI> urls = new ArrayList<>();
        Set<URI> seen = new HashSet<>();
        for (int i = 0; i < texts.size(); i++) {
            String key = "urls[" + i + "]";
            URI u = url(n, key, texts.get(i));
            if (u != null && !seen.add(u)) {
                n.problem(key, n.show(key, texts.get(i)) + " is listed twice (two different echoes must agree)");
            } else if (u != null) {
                urls.add(u);
            }
        }
        if (texts.size() > WebEchoConfig.MAX_URLS) {
            n.problem("urls", "lists " + texts.size() + " URLs; at most " + WebEchoConfig.MAX_URLS);
        }
        if (enabled && texts.size() < WebEchoConfig.MIN_URLS) {
            n.problem("urls", (texts.isEmpty() ? "is required" : "lists one URL; give at least two")
                    + " when router.web is enabled: an address counts only when two echoes agree on it"
                    + " (e.g. [https://api.ipify.org, https://ipv4.icanhazip.com])");
        }
        return new WebEchoConfig(enabled, urls, interval);
    }

    /** An http(s) URL with a host, without credentials or fragment; null (and a problem) otherwise. */
    private static URI url(ConfigNode n, String key, String text) {
        String shown = n.show(key, text);
        URI uri;
        try {
            uri = new URI(text.trim());
        } catch (URISyntaxException e) {
            n.problem(key, shown + " is not a valid URL (" + Redaction.plain(e.getReason()) + ")");
            return null;
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            n.problem(key, shown + " is not an http(s) URL with a host (e.g. https://api.ipify.org)");
            return null;
        }
        if (uri.getPort() > 65535) {
            n.problem(key, shown + " has no valid port (1-65535)");
            return null;
        }
        if (uri.getRawUserInfo() != null) {
            n.problem(key, shown + " has credentials in it: an echo needs none");
            return null;
        }
        if (uri.getRawFragment() != null) {
            n.problem(key, shown + " has a fragment (#...): give the URL without it");
            return null;
        }
        return uri;
    }
}
