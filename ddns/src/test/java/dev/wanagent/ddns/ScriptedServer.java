package dev.wanagent.ddns;

import mockwebserver3.MockWebServer;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;

import java.io.IOException;
import java.net.InetAddress;
import java.util.List;

/**
 * The provider on loopback that the property tests share: a MockWebServer playing {@link ScriptedAnswers}, and the
 * real provider HTTP client, both with Nagle off ({@link NoDelaySockets}).
 */
final class ScriptedServer {
    private final MockWebServer server = new MockWebServer();
    private final ScriptedAnswers script = new ScriptedAnswers();
    private final OkHttpClient http = ProviderHttp.newClient().newBuilder()
            .socketFactory(NoDelaySockets.client()).build();

    void start() throws IOException {
        server.setDispatcher(script);
        server.setServerSocketFactory(NoDelaySockets.server());
        server.start(InetAddress.getLoopbackAddress(), 0);
    }

    void close() {
        server.close();
    }

    /** The next try's answers, with {@code secret} in place of {@link ScriptedAnswers#SECRET}. */
    void play(List<ScriptedAnswers.Answer> answers, String secret) {
        script.play(answers, secret);
    }

    HttpUrl url(String path) {
        return server.url(path);
    }

    OkHttpClient http() {
        return http;
    }
}
