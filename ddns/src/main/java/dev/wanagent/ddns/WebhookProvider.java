package dev.wanagent.ddns;

import dev.wanagent.config.ProviderConfig;
import dev.wanagent.config.Secret;
import dev.wanagent.config.WebhookProviderConfig;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * For everything else: one HTTP request per hostname from templates ({@code {ip}}, {@code {ip6}},
 * {@code {hostname}}; URL-encoded in the URL). Success: a 2xx answer whose body matches {@code successPattern}
 * when one is given. The URL and headers are secrets: never logged.
 */
public final class WebhookProvider implements DnsProvider {
    private final WebhookProviderConfig config;
    private final OkHttpClient http;
    private final List<String> templateSecrets;

    public WebhookProvider(WebhookProviderConfig config, OkHttpClient http) {
        this.config = config;
        this.http = http;
        this.templateSecrets = templateSecrets(config);
    }

    @Override
    public ProviderConfig config() {
        return config;
    }

    static String fill(String template, String hostname, InetAddress address, boolean urlEncode) {
        String ip = address instanceof Inet6Address ? "" : address.getHostAddress();
        String ip6 = address instanceof Inet6Address ? address.getHostAddress() : "";
        return template.replace("{ip}", encode(ip, urlEncode)).replace("{ip6}", encode(ip6, urlEncode))
                .replace("{hostname}", encode(hostname, urlEncode));
    }

    private static String encode(String s, boolean urlEncode) {
        return urlEncode ? java.net.URLEncoder.encode(s, StandardCharsets.UTF_8) : s;
    }

    @Override
    public Map<String, UpdateOutcome> update(List<String> hostnames, InetAddress address) {
        Map<String, UpdateOutcome> out = new LinkedHashMap<>();
        for (String host : hostnames) out.put(host, updateOne(host, address));
        return out;
    }

    private UpdateOutcome updateOne(String host, InetAddress address) {
        HttpUrl url = HttpUrl.parse(fill(config.url().reveal(), host, address, true));
        if (url == null) return UpdateOutcome.fatal("the url template does not give a valid URL");
        List<String> secrets = new ArrayList<>(templateSecrets);
        secrets.add(url.toString());
        Request.Builder request = new Request.Builder().url(url);
        for (Map.Entry<String, Secret> h : config.headers().entrySet()) {
            String value = fill(h.getValue().reveal(), host, address, false);
            request.header(h.getKey(), value);
            if (withoutPlaceholders(h.getValue().reveal()).trim().length() >= 4) secrets.add(value);
        }
        RequestBody body = config.body().map(b -> RequestBody.create(fill(b, host, address, false)
                .getBytes(StandardCharsets.UTF_8), MediaType.parse(contentType()))).orElse(null);
        if (body == null && !config.method().equals("GET")) body = RequestBody.create(new byte[0], null);
        request.method(config.method(), config.method().equals("GET") ? null : body);
        String[] hidden = secrets.toArray(String[]::new);
        try (Response response = http.newCall(request.build()).execute()) {
            String text = HttpAnswers.body(response);
            // an answer may echo the request: the URL's and headers' secrets are kept out of every detail
            String shown = ProviderText.shown(text, hidden);
            Optional<UpdateOutcome> byStatus = HttpAnswers.byStatus(response, shown, hidden);
            if (byStatus.isPresent()) return byStatus.get();
            if (response.code() < 200 || response.code() > 299) {
                return UpdateOutcome.fatal(("HTTP " + response.code() + " " + shown).trim());
            }
            if (config.successPattern().isPresent() && !config.successPattern().get().matcher(text).find()) {
                return UpdateOutcome.retry(("HTTP " + response.code() + " but the answer does not match successPattern: "
                        + shown).trim());
            }
            return UpdateOutcome.success("HTTP " + response.code() + (shown.isEmpty() ? "" : " " + shown));
        } catch (IOException e) {
            return HttpAnswers.failure(e, config.host(), hidden);
        }
    }

    private String contentType() {
        for (Map.Entry<String, Secret> h : config.headers().entrySet()) {
            if (h.getKey().equalsIgnoreCase("Content-Type")) return h.getValue().reveal();
        }
        return "application/json";
    }

    private static String withoutPlaceholders(String template) {
        return template.replace("{ip6}", "").replace("{ip}", "").replace("{hostname}", "");
    }

    /**
     * What no detail may show, from the templates: header values and the URL's userinfo (4 characters or more besides
     * placeholders), and the words of header values and the URL's query values and path segments of 8 characters or
     * more (a token may sit in any of them).
     */
    static List<String> templateSecrets(WebhookProviderConfig config) {
        return requestSecrets(withoutPlaceholders(config.url().reveal()),
                config.headers().values().stream().map(s -> withoutPlaceholders(s.reveal())).toList());
    }

    /** The same rules for a request without placeholders: a URL and the header values sent with it. */
    static List<String> requestSecrets(String url, List<String> headerValues) {
        List<String> out = new ArrayList<>();
        for (String v : headerValues) {
            if (v.trim().length() >= 4) out.add(v);
            // "Bearer TOKEN": the token alone may come back too
            for (String word : v.split("\\s+")) addIfLong(out, word, 8);
        }
        HttpUrl template = HttpUrl.parse(url);
        if (template != null) {
            addIfLong(out, template.username(), 4);
            addIfLong(out, template.password(), 4);
            for (int i = 0; i < template.querySize(); i++) addIfLong(out, template.queryParameterValue(i), 8);
            for (String segment : template.pathSegments()) addIfLong(out, segment, 8);
            for (String segment : template.encodedPathSegments()) addIfLong(out, segment, 8);
        }
        return List.copyOf(out);
    }

    private static void addIfLong(List<String> out, String value, int least) {
        if (value != null && value.length() >= least) out.add(value);
    }
}
