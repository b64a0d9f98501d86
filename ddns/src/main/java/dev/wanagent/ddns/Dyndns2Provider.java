package dev.wanagent.ddns;

import dev.wanagent.config.ProviderConfig;
import dev.wanagent.config.Dyndns2ProviderConfig;
import dev.wanagent.config.IpLiteral;
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
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The dyndns2 protocol (No-IP, Dyn, Dynu, Google-style "nic/update" services):
 * {@code GET {server}/nic/update?hostname=H1,H2&myip=IP} with Basic auth, one answer line per hostname.
 */
public final class Dyndns2Provider implements DnsProvider {
    /** An {@code abuse} answer holds the host at least this long (ddns-updater does the same). */
    static final Duration ABUSE_HOLD = Duration.ofHours(1);
    private static final Pattern ADDRESS_CHARS = Pattern.compile("[0-9A-Fa-f:.]+");
    /**
     * Where an answer line ends: any Unicode line break (\n, \r\n, \r, vertical tab, form feed, NEL U+0085, U+2028,
     * U+2029). {@link String#lines} knows only the first three: a NEL between two answers left them one line, whose
     * first code answered for every host and whose addresses (the second answer's included) were checked together.
     */
    private static final Pattern LINE_BREAK = Pattern.compile("\\R");
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
        String basic = Credentials.basic(config.username(), config.password().reveal());
        Request request = new Request.Builder()
                .url(url.build())
                .header("Authorization", basic)
                .get()
                .build();
        // a provider that echoes the request must not carry the password (or the Basic credentials) into logs and state
        String[] secrets = {config.password().reveal(), basic.substring("Basic ".length())};
        try (Response response = http.newCall(request).execute()) {
            String body = HttpAnswers.body(response);
            Optional<UpdateOutcome> byStatus = HttpAnswers.byStatus(response, "", secrets);
            if (byStatus.isPresent()) return byStatus.get().forAll(hostnames);
            if (response.code() != 200) {
                return UpdateOutcome.retry(("HTTP " + response.code() + " " + ProviderText.shown(body, secrets)).trim())
                        .forAll(hostnames);
            }
            return classifyAnswer(hostnames, address, body, secrets);
        } catch (IOException e) {
            return HttpAnswers.failure(e, config.server().getHost(), secrets).forAll(hostnames);
        }
    }

    /**
     * Maps the answer lines (one per hostname, in request order) to outcomes; {@code sent} is the address we asked
     * for, {@code secrets} are kept out of the details.
     */
    static Map<String, UpdateOutcome> classifyAnswer(List<String> hostnames, InetAddress sent, String body,
                                                     String... secrets) {
        List<String> lines = LINE_BREAK.splitAsStream(body).map(String::trim).filter(l -> !l.isEmpty())
                .limit(hostnames.size() + 1L).toList();
        if (lines.isEmpty()) return UpdateOutcome.retry("empty answer").forAll(hostnames);
        Map<String, UpdateOutcome> out = new LinkedHashMap<>();
        UpdateOutcome forAll = lines.size() == 1 ? classifyLine(lines.get(0), sent, secrets) : null;
        for (int i = 0; i < hostnames.size(); i++) {
            // a single line answers for every host (some servers answer once for the whole request)
            UpdateOutcome o = forAll != null ? forAll
                    : i < lines.size() ? classifyLine(lines.get(i), sent, secrets)
                    : UpdateOutcome.retry("no answer line for this host");
            out.put(hostnames.get(i), o);
        }
        return out;
    }

    static UpdateOutcome classifyLine(String line, InetAddress sent, String... secrets) {
        String[] words = line.split("\\s+", 2);
        String code = words[0].toLowerCase(Locale.ROOT);
        String shown = ProviderText.shown(line, secrets);
        return switch (code) {
            case "good", "nochg" -> {
                // "good 1.2.3.4" names the address the provider set: another one than we sent means a proxy, the
                // wrong server, or a provider that took the request's source address: not done
                yield words.length < 2 || !namesAnotherAddress(words[1], sent) ? UpdateOutcome.success(shown)
                        : UpdateOutcome.retry("the provider answered " + shown + " but we sent " + sent.getHostAddress());
            }
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

    /**
     * Whether the rest of the line after the answer code names addresses, none of them {@code sent}. A bare
     * {@code good} names none. Candidates are runs of hex digits, dots and colons, so an address followed by junk
     * ("1.2.3.4;", "[2001:db8::1]", a stray control character) still counts. Only literals are parsed: nothing here
     * is ever looked up in DNS.
     */
    static boolean namesAnotherAddress(String rest, InetAddress sent) {
        Matcher candidates = ADDRESS_CHARS.matcher(rest);
        boolean other = false;
        for (int n = 0; n < 16 && candidates.find(); n++) {
            Optional<InetAddress> a = candidates.group().chars().anyMatch(Character::isDigit)
                    ? IpLiteral.parse(candidates.group()) : Optional.empty();
            if (a.isEmpty()) continue;
            if (Arrays.equals(a.get().getAddress(), sent.getAddress())) return false;
            other = true;
        }
        return other;
    }
}
