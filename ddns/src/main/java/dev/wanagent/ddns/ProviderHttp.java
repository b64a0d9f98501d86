package dev.wanagent.ddns;

import okhttp3.ConnectionSpec;
import okhttp3.OkHttpClient;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

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

    /** A client for https and http. */
    public static OkHttpClient newClient() {
        return newClient(true);
    }

    /**
     * @param tls false for a client that speaks plain http only (every provider of the config is on http, see
     *            {@link DnsProviders#anyOverTls}): OkHttp then does not load the JDK's trust store when the client
     *            is built (about 200 classes and 40 ms at start-up)
     */
    public static OkHttpClient newClient(boolean tls) {
        OkHttpClient.Builder b = new OkHttpClient.Builder();
        if (!tls) {
            b.connectionSpecs(List.of(ConnectionSpec.CLEARTEXT)).addInterceptor(chain -> {
                // such a client would send an https URL as plain http
                if (chain.request().url().isHttps()) throw new IOException("this client has no TLS: an https call");
                return chain.proceed(chain.request());
            });
        }
        return b
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
