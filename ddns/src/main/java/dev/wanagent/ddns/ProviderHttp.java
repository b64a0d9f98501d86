package dev.wanagent.ddns;

import okhttp3.OkHttpClient;

import java.time.Duration;

/** The one HTTP client every provider shares: timeouts on every call and a real User-Agent. */
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
                .addInterceptor(chain -> chain.proceed(chain.request().newBuilder()
                        .header("User-Agent", USER_AGENT).build()))
                .build();
    }

    private static String version() {
        String v = ProviderHttp.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
