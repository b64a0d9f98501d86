package dev.wanagent.ddns;

import dev.wanagent.config.NotifyConfig;
import dev.wanagent.config.Secret;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Sends one notification ({@code notify:} hook) the way provider requests are sent: through the client of
 * {@link ProviderHttp} (no redirects, timeouts, User-Agent), the answer read size-capped by {@link HttpAnswers}, and
 * every detail through {@link ProviderText} with the hook's URL and header values hidden.
 */
public final class NotificationCall {
    private NotificationCall() {
    }

    /**
     * POSTs (or PUTs, or GETs) {@code body} to the hook. SUCCESS for a 2xx answer; RETRY for a network failure, a
     * redirect (not followed), 429 or 5xx; FATAL for any other answer (the hook refuses this request: sending it
     * again will not help).
     */
    public static UpdateOutcome send(OkHttpClient http, NotifyConfig hook, Optional<String> body) {
        List<String> headerValues = hook.headers().values().stream().map(Secret::reveal).toList();
        List<String> secrets = new ArrayList<>(WebhookProvider.requestSecrets(hook.url().reveal(), headerValues));
        secrets.add(hook.url().reveal());
        String[] hidden = secrets.toArray(String[]::new);
        HttpUrl url = HttpUrl.parse(hook.url().reveal());
        if (url == null) return UpdateOutcome.fatal("the url is not a valid http(s) URL");
        Request.Builder request = new Request.Builder().url(url);
        String contentType = "application/json; charset=utf-8";
        for (Map.Entry<String, Secret> h : hook.headers().entrySet()) {
            request.header(h.getKey(), h.getValue().reveal());
            if (h.getKey().equalsIgnoreCase("Content-Type")) contentType = h.getValue().reveal();
        }
        if (hook.method().equals("GET")) {
            request.get();
        } else {
            byte[] bytes = body.orElse("").getBytes(StandardCharsets.UTF_8);
            request.method(hook.method(), RequestBody.create(bytes, MediaType.parse(contentType)));
        }
        try (Response response = http.newCall(request.build()).execute()) {
            String shown = ProviderText.shown(HttpAnswers.body(response), hidden);
            Optional<UpdateOutcome> byStatus = HttpAnswers.byStatus(response, shown, hidden);
            if (byStatus.isPresent()) return byStatus.get();
            if (response.code() < 200 || response.code() > 299) {
                return UpdateOutcome.fatal(("HTTP " + response.code() + " " + shown).trim());
            }
            return UpdateOutcome.success("HTTP " + response.code());
        } catch (IOException e) {
            return HttpAnswers.failure(e, hook.host(), hidden);
        } catch (RuntimeException e) {
            // a header value OkHttp refuses, say: a failed notification, never a dead sender thread
            return UpdateOutcome.fatal("cannot send to " + ProviderText.shown(hook.host(), hidden) + ": "
                    + e.getClass().getSimpleName());
        } catch (Exception e) {
            // OkHttp (Kotlin) throws InterruptedException undeclared when the sender is stopped mid-call
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            return UpdateOutcome.retry("interrupted: the agent is stopping");
        }
    }
}
