package dev.wanagent.ddns;

import dev.wanagent.config.Dyndns2ProviderConfig;
import okhttp3.Credentials;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.BufferedSource;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The dyndns2 protocol (No-IP, Dyn, Dynu, Google-style "nic/update" services):
 * {@code GET {server}/nic/update?hostname=H1,H2&myip=IP} with Basic auth, one answer line per hostname.
 */
public final class Dyndns2Provider implements DnsProvider {
    private static final int MAX_ANSWER_CHARS = 4096;
    private final Dyndns2ProviderConfig config;
    private final OkHttpClient http;

    public Dyndns2Provider(Dyndns2ProviderConfig config, OkHttpClient http) {
        this.config = config;
        this.http = http;
    }

    @Override
    public String label() {
        return config.label();
    }

    @Override
    public List<String> hostnames() {
        return config.hostnames();
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
            String body = readAnswer(response.body());
            if (response.code() == 401 || response.code() == 403) {
                return all(hostnames, UpdateOutcome.fatal("HTTP " + response.code() + " (username or password refused)"));
            }
            if (response.code() == 429 || response.code() >= 500) {
                return all(hostnames, UpdateOutcome.retry("HTTP " + response.code()));
            }
            if (response.code() != 200) {
                return all(hostnames, UpdateOutcome.retry("HTTP " + response.code() + " " + printable(redact(body))));
            }
            return classifyAnswer(hostnames, redact(body));
        } catch (InterruptedIOException e) {
            return all(hostnames, UpdateOutcome.retry("timed out: " + config.server().getHost() + " did not answer"));
        } catch (IOException e) {
            return all(hostnames, UpdateOutcome.retry("cannot reach " + config.server().getHost() + ": "
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage())));
        }
    }

    /** A provider that echoes the request must not carry the password into logs and state. */
    private String redact(String answer) {
        String secret = config.password().reveal();
        return secret.isEmpty() ? answer : answer.replace(secret, "****");
    }

    private static String readAnswer(ResponseBody body) throws IOException {
        BufferedSource source = body.source();
        source.request(MAX_ANSWER_CHARS);
        return source.readUtf8(Math.min(source.getBuffer().size(), MAX_ANSWER_CHARS)).trim();
    }

    /** Maps the answer lines (one per hostname, in request order) to outcomes. */
    static Map<String, UpdateOutcome> classifyAnswer(List<String> hostnames, String body) {
        List<String> lines = body.lines().map(String::trim).filter(l -> !l.isEmpty()).toList();
        if (lines.isEmpty()) return all(hostnames, UpdateOutcome.retry("empty answer"));
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
        String shown = printable(line);
        return switch (code) {
            case "good", "nochg" -> UpdateOutcome.success(shown);
            case "badauth" -> UpdateOutcome.fatal(shown + " (username or password refused)");
            case "nohost" -> UpdateOutcome.fatal(shown + " (no such hostname in this account)");
            case "notfqdn" -> UpdateOutcome.fatal(shown + " (not a fully qualified hostname)");
            case "badagent" -> UpdateOutcome.fatal(shown + " (the provider blocked this client)");
            case "!donator" -> UpdateOutcome.fatal(shown + " (feature needs a paid account)");
            case "!yours" -> UpdateOutcome.fatal(shown + " (hostname belongs to another account)");
            case "numhost" -> UpdateOutcome.fatal(shown + " (too many hostnames in one request)");
            case "abuse" -> UpdateOutcome.fatal(shown + " (the provider blocked this host for abuse)");
            case "911", "dnserr" -> UpdateOutcome.retry(shown + " (provider-side problem)");
            default -> UpdateOutcome.retry("unrecognised answer '" + shown + "'");
        };
    }

    private static Map<String, UpdateOutcome> all(List<String> hostnames, UpdateOutcome outcome) {
        Map<String, UpdateOutcome> out = new LinkedHashMap<>();
        for (String h : hostnames) out.put(h, outcome);
        return out;
    }

    private static String printable(String s) {
        String t = s.replaceAll("[^\\x20-\\x7e]", "?");
        return t.length() > 100 ? t.substring(0, 100) + "…" : t;
    }
}
