package dev.wanagent.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;

import java.net.URI;
import java.net.URISyntaxException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads {@code notify:}, a list of hooks. Each has a {@code type} and an optional {@code events} list (default: all of
 * {@link NotifyConfig#EVENTS}):
 * <ul>
 *   <li>{@code webhook}: {@code url}, {@code method} (POST, PUT or GET; default POST), {@code headers},
 *       {@code body} (a JSON template, default {@link #DEFAULT_BODY}), {@code allowPlainHttp};</li>
 *   <li>{@code ntfy}: {@code server} (default {@value #NTFY_SERVER}), {@code topic}, {@code token} (optional),
 *       {@code allowPlainHttp}: ntfy's JSON publish (POST to the server's root URL);</li>
 *   <li>{@code gotify}: {@code url} (the server), {@code token} (an application token), {@code allowPlainHttp}:
 *       POST /message with X-Gotify-Key;</li>
 *   <li>{@code discord}, {@code slack}: {@code url} (the incoming webhook's URL, https): {@code content} /
 *       {@code text};</li>
 *   <li>{@code telegram}: {@code botToken}, {@code chatId}, {@code server} (default {@value #TELEGRAM_API}; a
 *       self-hosted Bot API server): the Bot API's sendMessage.</li>
 * </ul>
 * Every URL and token is a secret: problems name the key, never the value. Plain http only to a host on the local
 * network, or with {@code allowPlainHttp: true} (not offered for the cloud presets).
 */
final class NotifyConfigReader {
    static final List<String> TYPES = List.of("webhook", "ntfy", "gotify", "discord", "slack", "telegram");
    static final String NTFY_SERVER = "https://ntfy.sh";
    static final String TELEGRAM_API = "https://api.telegram.org";
    /** What a webhook without {@code body} sends: every field of the event. */
    static final String DEFAULT_BODY = "{\"event\": \"{{event}}\", \"message\": \"{{message}}\", \"address\":"
            + " \"{{address}}\", \"family\": \"{{family}}\", \"mapping\": \"{{mapping}}\", \"provider\":"
            + " \"{{provider}}\", \"time\": \"{{time}}\"}";
    static final int MAX_BODY = 8192;
    /** ntfy topics: letters, digits, - and _ (ntfy's own rule), at most 64. */
    private static final Pattern NTFY_TOPIC = Pattern.compile("[-_A-Za-z0-9]{1,64}");
    /** A chat's numeric id (negative for groups) or a public channel's @username. */
    private static final Pattern TELEGRAM_CHAT = Pattern.compile("-?[0-9]{1,20}|@[A-Za-z][A-Za-z0-9_]{4,31}");
    /** A bot token as BotFather prints it: the bot's id, a colon, the secret part. */
    private static final Pattern TELEGRAM_TOKEN = Pattern.compile("[0-9]{1,20}:[A-Za-z0-9_-]{20,100}");
    /** A header name (RFC 9110 token). */
    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}");

    private NotifyConfigReader() {
    }

    static List<NotifyConfig> read(ConfigNode top) {
        List<NotifyConfig> out = new ArrayList<>();
        for (ConfigNode n : top.list("notify")) readOne(n).ifPresent(out::add);
        return out;
    }

    private static Optional<NotifyConfig> readOne(ConfigNode n) {
        if (!n.isObject()) {
            n.problemHere("expected a mapping with type and the hook's settings");
            return Optional.empty();
        }
        int before = n.problemCount();
        String type = n.requiredString("type");
        Set<String> events = events(n);
        NotifyConfig hook = switch (type) {
            case "webhook" -> webhook(n, events);
            case "ntfy" -> ntfy(n, events);
            case "gotify" -> gotify(n, events);
            case "discord" -> chatWebhook(n, events, "discord", "content");
            case "slack" -> chatWebhook(n, events, "slack", "text");
            case "telegram" -> telegram(n, events);
            case "" -> null;
            default -> {
                n.problem("type", n.show("type", type) + " is not a known notification type (known: "
                        + String.join(", ", TYPES) + ")");
                yield null;
            }
        };
        if (hook != null) n.rejectUnknownKeys();
        return n.problemCount() == before ? Optional.ofNullable(hook) : Optional.empty();
    }

    private static Set<String> events(ConfigNode n) {
        if (!n.has("events")) return Set.copyOf(NotifyConfig.EVENTS);
        List<String> names = n.stringList("events");
        Set<String> out = new LinkedHashSet<>();
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i).trim().toLowerCase(Locale.ROOT);
            if (!NotifyConfig.EVENTS.contains(name)) {
                String key = "events[" + i + "]";
                n.problem(key, n.show(key, names.get(i)) + " is not an event (known: "
                        + String.join(", ", NotifyConfig.EVENTS) + ")");
            }
            out.add(name);
        }
        if (names.isEmpty()) n.problem("events", "is empty (leave it out to send every event)");
        return out;
    }

    private static NotifyConfig webhook(ConfigNode n, Set<String> events) {
        Secret url = n.requiredSecret("url");
        boolean allowPlainHttp = n.bool("allowPlainHttp", false);
        String host = host(n, "url", url, allowPlainHttp, true);
        String method = n.string("method").orElse("POST").toUpperCase(Locale.ROOT);
        if (!List.of("POST", "PUT", "GET").contains(method)) {
            n.problem("method", n.show("method", method) + " is not POST, PUT or GET");
        }
        Map<String, Secret> headers = new LinkedHashMap<>();
        n.object("headers").ifPresent(h -> {
            for (String k : h.keys()) {
                if (!HEADER_NAME.matcher(k).matches()) {
                    h.problem(k, "is not an HTTP header name (letters, digits and !#$%&'*+.^_`|~-)");
                }
                h.secret(k).ifPresent(v -> {
                    if (!v.reveal().chars().allMatch(c -> c == '\t' || (c >= ' ' && c != 127))) {
                        h.problem(k, "holds a control character or a line break (not allowed in a header)");
                    }
                    headers.put(k, v);
                });
            }
        });
        Optional<String> bodyText = n.string("body");
        Optional<BodyTemplate> body = Optional.empty();
        if (method.equals("GET")) {
            if (bodyText.isPresent()) n.problem("body", "is not sent with method GET (use POST or PUT)");
        } else {
            BodyTemplate template = new BodyTemplate(bodyText.orElse(DEFAULT_BODY));
            if (checkTemplate(n, template, headers)) body = Optional.of(template);
        }
        return new NotifyConfig("webhook", url, host, method, headers, body, events);
    }

    /** Known placeholders only, a bounded size, and JSON once filled in (unless a Content-Type says otherwise). */
    private static boolean checkTemplate(ConfigNode n, BodyTemplate template, Map<String, Secret> headers) {
        if (template.text().length() > MAX_BODY) {
            n.problem("body", "is longer than " + MAX_BODY + " characters");
            return false;
        }
        boolean ok = true;
        for (String name : template.names()) {
            if (!BodyTemplate.FIELDS.contains(name)) {
                n.problem("body", "uses {{" + Redaction.plain(name) + "}}, which is not a field of an event (known: "
                        + String.join(", ", BodyTemplate.FIELDS.stream().map(f -> "{{" + f + "}}").toList()) + ")");
                ok = false;
            }
        }
        boolean json = headers.entrySet().stream().filter(h -> h.getKey().equalsIgnoreCase("Content-Type"))
                .map(h -> h.getValue().reveal().toLowerCase(Locale.ROOT)).findFirst()
                .map(t -> t.contains("json")).orElse(true);
        if (ok && json) {
            Map<String, String> sample = new LinkedHashMap<>();
            for (String f : BodyTemplate.FIELDS) sample.put(f, "a \"sample\" {{" + f + "}} \\ value\n");
            try {
                if (JsonTree.read(template.fill(sample)).isMissingNode()) {
                    n.problem("body", "is empty (leave it out for the default, a JSON object with every field)");
                    ok = false;
                }
            } catch (IOException e) { // JacksonException for JSON that does not parse; text has no other failure
                JsonLocation at = e instanceof JacksonException j ? j.getLocation() : null;
                n.problem("body", "is not JSON once its placeholders are filled in" + (at == null ? ""
                        : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")")
                        + "; put placeholders inside strings, as in \"{{message}}\", or set a Content-Type header");
                ok = false;
            }
        }
        return ok;
    }

    /** ntfy's JSON publish: POST to the server's root URL with the topic in the body (ntfy.sh/docs/publish). */
    private static NotifyConfig ntfy(ConfigNode n, Set<String> events) {
        Secret server = n.secret("server").orElse(new Secret(NTFY_SERVER));
        Secret topic = n.requiredSecret("topic");
        Optional<Secret> token = n.secret("token");
        boolean allowPlainHttp = n.bool("allowPlainHttp", false);
        String host = host(n, "server", server, allowPlainHttp, true);
        if (!topic.isEmpty() && !NTFY_TOPIC.matcher(topic.reveal()).matches()) {
            n.problem("topic", "is not an ntfy topic (1-64 letters, digits, - and _)");
        }
        Map<String, Secret> headers = new LinkedHashMap<>();
        token.ifPresent(t -> {
            if (!t.reveal().chars().allMatch(c -> c > ' ' && c < 127)) {
                n.problem("token", "may hold only visible ASCII characters (an ntfy access token, tk_...)");
            }
            headers.put("Authorization", new Secret("Bearer " + t.reveal()));
        });
        String body = "{\"topic\": " + BodyTemplate.jsonString(topic.reveal())
                + ", \"title\": \"wan-agent: {{event}}\", \"message\": \"{{message}}\"}";
        return new NotifyConfig("ntfy", new Secret(withoutTrailingSlash(server.reveal()) + "/"), host, "POST",
                headers, Optional.of(new BodyTemplate(body)), events);
    }

    /** Gotify: POST {url}/message, the application token in X-Gotify-Key (gotify.net/docs/pushmsg). */
    private static NotifyConfig gotify(ConfigNode n, Set<String> events) {
        Secret url = n.requiredSecret("url");
        Secret token = n.requiredSecret("token");
        boolean allowPlainHttp = n.bool("allowPlainHttp", false);
        String host = host(n, "url", url, allowPlainHttp, true);
        if (!token.isEmpty() && !token.reveal().chars().allMatch(c -> c > ' ' && c < 127)) {
            n.problem("token", "may hold only visible ASCII characters (a Gotify application token)");
        }
        String body = "{\"title\": \"wan-agent: {{event}}\", \"message\": \"{{message}}\", \"priority\": 5}";
        return new NotifyConfig("gotify", new Secret(withoutTrailingSlash(url.reveal()) + "/message"), host, "POST",
                Map.of("X-Gotify-Key", token), Optional.of(new BodyTemplate(body)), events);
    }

    /** Discord ({@code content}) and Slack ({@code text}) incoming webhooks: POST JSON to the URL they gave. */
    private static NotifyConfig chatWebhook(ConfigNode n, Set<String> events, String type, String field) {
        Secret url = n.requiredSecret("url");
        String host = host(n, "url", url, false, false);
        String body = "{\"" + field + "\": \"{{message}}\"}";
        return new NotifyConfig(type, url, host, "POST", Map.of(), Optional.of(new BodyTemplate(body)), events);
    }

    /** Telegram Bot API: POST /bot{token}/sendMessage with chat_id and text (core.telegram.org/bots/api). */
    private static NotifyConfig telegram(ConfigNode n, Set<String> events) {
        Secret token = n.requiredSecret("botToken");
        String chat = n.requiredString("chatId");
        Secret server = n.secret("server").orElse(new Secret(TELEGRAM_API));
        String host = host(n, "server", server, false, false);
        if (!token.isEmpty() && !TELEGRAM_TOKEN.matcher(token.reveal()).matches()) {
            n.problem("botToken", "is not a bot token as BotFather gives it (digits, ':', then the secret part)");
        }
        if (!chat.isEmpty() && !TELEGRAM_CHAT.matcher(chat).matches()) {
            n.problem("chatId", n.show("chatId", chat) + " is not a chat id (a number, or @channelname)");
        }
        String body = "{\"chat_id\": " + BodyTemplate.jsonString(chat) + ", \"text\": \"{{message}}\"}";
        return new NotifyConfig("telegram", new Secret(withoutTrailingSlash(server.reveal()) + "/bot" + token.reveal()
                + "/sendMessage"), host, "POST", Map.of(), Optional.of(new BodyTemplate(body)), events);
    }

    /**
     * The host of an http(s) URL (for logs), after checking it: https, or plain http to the local network or with
     * {@code allowPlainHttp} (when the type {@code offersPlainHttp}: the self-hosted ones); no credentials in it. Never prints the URL (it may carry a token); names the host
     * only when the URL was written out, not read from {@code ${...}}.
     */
    private static String host(ConfigNode n, String key, Secret url, boolean allowPlainHttp, boolean offersPlainHttp) {
        if (url.isEmpty()) return "";
        try {
            URI u = new URI(url.reveal());
            String host = u.getHost() == null ? "" : u.getHost();
            if (host.isEmpty() || !("https".equals(u.getScheme()) || "http".equals(u.getScheme()))) {
                n.problem(key, "is not an http(s) URL with a host");
            } else if (u.getRawUserInfo() != null) {
                n.problem(key, "has credentials in it (user:password@): give them as a header or token");
            } else if ("http".equals(u.getScheme()) && !allowPlainHttp && !ConfigLoader.isLocalNetworkHost(host)) {
                n.problem(key, "uses plain http" + (n.interpolated(key) ? "" : " to " + Redaction.plain(host))
                        + ": use https://" + (offersPlainHttp ? " (or set allowPlainHttp: true)" : ""));
            }
            return host;
        } catch (URISyntaxException e) {
            n.problem(key, "is not a valid URL (" + Redaction.plain(e.getReason()) + ")");
            return "";
        }
    }

    private static String withoutTrailingSlash(String url) {
        String u = url;
        while (u.endsWith("/")) u = u.substring(0, u.length() - 1);
        return u;
    }
}
