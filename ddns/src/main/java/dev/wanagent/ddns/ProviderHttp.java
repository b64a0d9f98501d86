package dev.wanagent.ddns;

import okhttp3.OkHttpClient;

import java.io.IOException;
import java.time.Duration;

/**
 * The one HTTP client every provider shares: timeouts on every call, a real User-Agent, and no redirects. OkHttp
 * would strip only Authorization on a redirect to another host (a webhook's X-Api-Key would go along), and a
 * redirect could lead from https to plain http past the config's check; a 3xx answer is reported instead (see
 * {@link HttpAnswers#redirect}).
 */
public final class ProviderHttp {
    public static final String USER_AGENT = "wan-agent/" + version() + " (home WAN agent; Java "
            + Runtime.version().feature() + ")";

    private ProviderHttp() {
    }

    public static OkHttpClient newClient() {
        return new OkHttpClient.Builder()
                .connectTimeout(Duration.ofSeconds(10))
                .readTimeout(Duration.ofSeconds(10))
                .callTimeout(Duration.ofSeconds(20))
                .followRedirects(false)
                .followSslRedirects(false)
                .addInterceptor(chain -> {
                    try {
                        return chain.proceed(chain.request().newBuilder().header("User-Agent", USER_AGENT).build());
                    } catch (RuntimeException e) {
                        // OkHttp itself fails on some answers (a 503 whose Retry-After overflows an int throws
                        // NumberFormatException): an answer we cannot read is a failed call, never a crash
                        throw new IOException("unreadable answer (" + e.getClass().getSimpleName() + ")", e);
                    }
                })
                .build();
    }

    private static String version() {
        String v = ProviderHttp.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
