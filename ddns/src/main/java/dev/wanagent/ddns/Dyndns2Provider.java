package dev.wanagent.ddns;

import dev.wanagent.config.ProviderConfig;
import dev.wanagent.config.Dyndns2ProviderConfig;
import okhttp3.Credentials;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

import java.io.IOException;
import java.time.Duration;
import java.net.InetAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The dyndns2 protocol (No-IP, Dyn, Dynu, Google-style "nic/update" services):
 * {@code GET {server}/nic/update?hostname=H1,H2&myip=IP} with Basic auth, one answer line per hostname.
 */
public final class Dyndns2Provider implements DnsProvider {
    /** An {@code abuse} answer holds the host at least this long (ddns-updater does the same). */
    static final Duration ABUSE_HOLD = Duration.ofHours(1);
    private final Dyndns2ProviderConfig config;
    private final OkHttpClient http;

    public Dyndns2Provider(Dyndns2ProviderConfig config, OkHttpClient http) {
        this.config = config;
        this.http = http;
    }

    @Override
    public ProviderConfig config() {
        return config;
    }

    @Override
    public Map<String, UpdateOutcome> update(List<String> hostnames, InetAddress address) {
        HttpUrl base = HttpUrl.get(config.server());
        HttpUrl.Builder url = base.newBuilder();
        String path = base.encodedPath();
        url.encodedPath((path.endsWith("/") ? path.substring(0, path.length() - 1) : path) + "/nic/update");
        // the documented form separates hostnames with a literal comma (as ddclient and inadyn send it)
        url.addEncodedQueryParameter("hostname", hostnames.stream()
                .map(h -> URLEncoder.encode(h, StandardCharsets.UTF_8)).collect(Collectors.joining(",")));
        url.addQueryParameter("myip", address.getHostAddress());
        Request request = new Request.Builder()
                .url(url.build())
                .header("Authorization", Credentials.basic(config.username(), config.password().reveal()))
                .get()
                .build();
        try (Response response = http.newCall(request).execute()) {
            // a provider that echoes the request must not carry the password into logs and state
            String secret = config.password().reveal();
            String body = secret.isEmpty() ? HttpAnswers.body(response) : HttpAnswers.body(response).replace(secret, "****");
            Optional<UpdateOutcome> byStatus = HttpAnswers.byStatus(response, "");
            if (byStatus.isPresent()) return byStatus.get().forAll(hostnames);
            if (response.code() != 200) {
                return UpdateOutcome.retry("HTTP " + response.code() + " " + HttpAnswers.printable(body, null)).forAll(hostnames);
            }
            return classifyAnswer(hostnames, body);
        } catch (IOException e) {
            return HttpAnswers.failure(e, config.server().getHost(), config.password().reveal()).forAll(hostnames);
        }
    }

    /** Maps the answer lines (one per hostname, in request order) to outcomes. */
    static Map<String, UpdateOutcome> classifyAnswer(List<String> hostnames, String body) {
        List<String> lines = body.lines().map(String::trim).filter(l -> !l.isEmpty()).toList();
        if (lines.isEmpty()) return UpdateOutcome.retry("empty answer").forAll(hostnames);
        Map<String, UpdateOutcome> out = new LinkedHashMap<>();
        for (int i = 0; i < hostnames.size(); i++) {
            // a single line answers for every host (some servers answer once for the whole request)
            String line = lines.size() == 1 ? lines.get(0) : i < lines.size() ? lines.get(i) : null;
            out.put(hostnames.get(i), line == null ? UpdateOutcome.retry("no answer line for this host")
                    : classifyLine(line));
        }
        return out;
    }

    static UpdateOutcome classifyLine(String line) {
        String code = line.split("\\s+")[0].toLowerCase(Locale.ROOT);
        String shown = HttpAnswers.printable(line, null);
        return switch (code) {
            case "good", "nochg" -> UpdateOutcome.success(shown);
            case "badauth" -> UpdateOutcome.fatal(shown + " (username or password refused)");
            case "nohost" -> UpdateOutcome.fatal(shown + " (no such hostname in this account)");
            case "notfqdn" -> UpdateOutcome.fatal(shown + " (not a fully qualified hostname)");
            case "badagent" -> UpdateOutcome.fatal(shown + " (the provider blocked this client)");
            case "!donator" -> UpdateOutcome.fatal(shown + " (feature needs a paid account)");
            case "!yours" -> UpdateOutcome.fatal(shown + " (hostname belongs to another account)");
            case "numhost" -> UpdateOutcome.fatal(shown + " (too many hostnames in one request)");
            case "abuse" -> UpdateOutcome.retryAfter(shown + " (the provider holds this host for abuse)", ABUSE_HOLD);
            case "911", "dnserr" -> UpdateOutcome.retry(shown + " (provider-side problem)");
            default -> UpdateOutcome.retry("unrecognised answer '" + shown + "'");
        };
    }



}
