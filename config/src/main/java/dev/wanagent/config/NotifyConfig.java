package dev.wanagent.config;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One {@code notify:} entry: an HTTP request sent when one of {@code events} happens. Presets (ntfy, gotify, discord,
 * slack, telegram) are read into the same shape as a generic webhook: the URL, method, headers and JSON body template
 * their public APIs want.
 *
 * @param type    webhook, ntfy, gotify, discord, slack or telegram (for logs)
 * @param url     where to send it; a secret (webhook URLs carry their token: Discord, Slack, Telegram)
 * @param host    the URL's host, for logs
 * @param method  POST, PUT or GET
 * @param headers header values are secrets (tokens)
 * @param body    the body template (placeholders {@code {{event}}} etc., see {@link BodyTemplate}); empty for GET
 * @param events  the events to send, a subset of {@link #EVENTS}
 */
public record NotifyConfig(String type, Secret url, String host, String method, Map<String, Secret> headers,
                           Optional<BodyTemplate> body, Set<String> events) {
    /** Every event a hook can ask for, in the order the README lists them. */
    public static final List<String> EVENTS = List.of("wan_change", "provider_failure", "provider_recovery",
            "mapping_lost", "mapping_restored", "router_restart", "ha_takeover", "ha_standby");

    public NotifyConfig {
        headers = Map.copyOf(headers);
        events = Set.copyOf(events);
    }

    public boolean wants(String event) {
        return events.contains(event);
    }

    /** {@code ntfy ntfy.sh}: for logs, never the URL (it may carry a token). */
    public String label() {
        return type + " " + host;
    }
}
