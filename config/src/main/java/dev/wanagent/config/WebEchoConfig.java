package dev.wanagent.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The web echo ({@code router.web}): web services that answer the caller's public address as plain text (such as
 * https://api.ipify.org or https://ipv4.icanhazip.com). A last-resort WAN source, asked only while the router answers
 * nothing, and in {@code check} a cross-check that finds a NAT beyond the router. Two echoes must agree on an
 * address before it counts, so an enabled echo lists at least two URLs.
 *
 * @param enabled  use the echo (default false)
 * @param urls     the echo URLs, asked in this order (http or https, no credentials, no fragment)
 * @param interval the echo is asked at most once per interval (default 5 minutes, at least 1 minute)
 */
public record WebEchoConfig(boolean enabled, List<URI> urls, Duration interval) {
    public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(5);
    public static final Duration MIN_INTERVAL = Duration.ofMinutes(1);
    /** Two answers must agree. */
    public static final int MIN_URLS = 2;
    public static final int MAX_URLS = 8;

    public WebEchoConfig {
        urls = List.copyOf(urls);
        Objects.requireNonNull(interval, "interval");
    }

    public static WebEchoConfig disabled() {
        return new WebEchoConfig(false, List.of(), DEFAULT_INTERVAL);
    }
}
