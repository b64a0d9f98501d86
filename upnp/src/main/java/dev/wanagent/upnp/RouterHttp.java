package dev.wanagent.upnp;

import okhttp3.ConnectionSpec;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.BufferedSource;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * HTTP to the router: short timeouts, no redirects, replies capped in size. One client for the whole module. Plain
 * http only (a router's LOCATION must be http): a client that may speak TLS makes OkHttp load the JDK's trust store
 * when it is built, which costs memory and start-up time for nothing.
 */
final class RouterHttp {
    static final int MAX_REPLY_BYTES = 256 * 1024;

    static final OkHttpClient CLIENT = new OkHttpClient.Builder()
            .connectTimeout(Duration.ofSeconds(2))
            .readTimeout(Duration.ofSeconds(5))
            .callTimeout(Duration.ofSeconds(10))
            .followRedirects(false)
            .followSslRedirects(false)
            .retryOnConnectionFailure(false)
            .connectionSpecs(List.of(ConnectionSpec.CLEARTEXT))
            .build();

    private RouterHttp() {
    }

    /** The status code and body (at most {@link #MAX_REPLY_BYTES}) of one call. */
    record Reply(int code, byte[] body) {
    }

    static Reply execute(Request request) throws IOException {
        return execute(CLIENT, request);
    }

    static Reply execute(OkHttpClient client, Request request) throws IOException {
        try (Response response = client.newCall(request).execute()) {
            return new Reply(response.code(), readCapped(response.body(), request.url().toString()));
        }
    }

    private static byte[] readCapped(ResponseBody body, String url) throws IOException {
        long declared = body.contentLength();
        if (declared > MAX_REPLY_BYTES) {
            throw new UpnpException("reply from " + url + " is " + declared + " bytes, over the "
                    + MAX_REPLY_BYTES + " byte limit");
        }
        BufferedSource source = body.source();
        Buffer buffer = new Buffer();
        while (buffer.size() <= MAX_REPLY_BYTES) {
            if (source.read(buffer, 8192) == -1) return buffer.readByteArray();
        }
        throw new UpnpException("reply from " + url + " is over the " + MAX_REPLY_BYTES + " byte limit");
    }
}
