package dev.wanagent.ddns;

import dev.wanagent.config.ProviderConfig;
import dev.wanagent.config.DuckDnsProviderConfig;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** DuckDNS: {@code GET https://www.duckdns.org/update?domains=a,b&token=T&ip=IP}, answered OK or KO. */
public final class DuckDnsProvider implements DnsProvider {
    static final HttpUrl API = HttpUrl.get("https://www.duckdns.org/update");
    private final DuckDnsProviderConfig config;
    private final OkHttpClient http;
    private final HttpUrl api;

    public DuckDnsProvider(DuckDnsProviderConfig config, OkHttpClient http) {
        this(config, http, API);
    }

    DuckDnsProvider(DuckDnsProviderConfig config, OkHttpClient http, HttpUrl api) {
        this.config = config;
        this.http = http;
        this.api = api;
    }

    @Override
    public ProviderConfig config() {
        return config;
    }

    static String subdomain(String hostname) {
        String h = hostname.toLowerCase(Locale.ROOT);
        return h.endsWith(".duckdns.org") ? h.substring(0, h.length() - ".duckdns.org".length()) : h;
    }

    @Override
    public Map<String, UpdateOutcome> update(List<String> hostnames, InetAddress address) {
        HttpUrl url = api.newBuilder()
                .addEncodedQueryParameter("domains", hostnames.stream().map(DuckDnsProvider::subdomain)
                        .collect(Collectors.joining(",")))
                .addQueryParameter("token", config.token().reveal())
                .addQueryParameter(address instanceof Inet6Address ? "ipv6" : "ip", address.getHostAddress())
                .build();
        String token = config.token().reveal();
        UpdateOutcome outcome;
        try (Response response = http.newCall(new Request.Builder().url(url).get().build()).execute()) {
            String body = HttpAnswers.body(response);
            // the answer is OK or KO on its first line (verbose=true, which we do not ask for, adds more lines)
            String first = body.lines().findFirst().orElse("").trim();
            Optional<UpdateOutcome> byStatus = HttpAnswers.byStatus(response, "", token);
            if (byStatus.isPresent()) {
                outcome = byStatus.get();
            } else if (first.equals("OK") && response.isSuccessful()) {
                outcome = UpdateOutcome.success("OK");
            } else if (first.equals("KO")) {
                outcome = UpdateOutcome.fatal("KO (the token or a domain was refused)");
            } else {
                outcome = UpdateOutcome.retry("HTTP " + response.code() + " unrecognised answer '"
                        + ProviderText.shown(body, token) + "'");
            }
        } catch (IOException e) {
            outcome = HttpAnswers.failure(e, api.host(), token);
        }
        return outcome.forAll(hostnames);
    }
}
