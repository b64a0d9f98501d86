package dev.wanagent.ddns;

import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import okio.Buffer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A MockWebServer dispatcher for property tests: plays one try's answers in order, then 503 once they run out. A
 * body may hold {@link #SECRET}, replaced by the try's secret just before it is sent (an echo).
 */
final class ScriptedAnswers extends Dispatcher {
    static final String SECRET = "@@SECRET@@";

    /** One HTTP answer; toString shows the body as text, for jqwik's reports. */
    record Answer(int code, Map<String, String> headers, byte[] body) {
        @Override
        public String toString() {
            String text = new String(body, StandardCharsets.UTF_8);
            return code + " " + headers + " " + (text.length() > 300 ? text.substring(0, 300) + "…(" + body.length
                    + " bytes)" : text);
        }
    }

    private volatile List<Answer> script = List.of();
    private volatile String secret = "";
    private final AtomicInteger next = new AtomicInteger();

    void play(List<Answer> answers, String secret) {
        this.script = List.copyOf(answers);
        this.secret = secret;
        next.set(0);
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        int i = next.getAndIncrement();
        if (i >= script.size()) return new MockResponse.Builder().code(503).body("script exhausted").build();
        Answer a = script.get(i);
        MockResponse.Builder r = new MockResponse.Builder().code(a.code());
        a.headers().forEach((name, value) -> r.setHeader(name, value.replace(SECRET, secret)));
        return r.body(new Buffer().write(withSecret(a.body(), secret))).build();
    }

    /** {@code body} with each {@link #SECRET} replaced by {@code secret}. */
    static byte[] withSecret(byte[] body, String secret) {
        byte[] marker = SECRET.getBytes(StandardCharsets.US_ASCII);
        byte[] value = secret.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length);
        for (int i = 0; i < body.length; ) {
            if (startsAt(body, i, marker)) {
                out.writeBytes(value);
                i += marker.length;
            } else {
                out.write(body[i++]);
            }
        }
        return out.toByteArray();
    }

    private static boolean startsAt(byte[] body, int at, byte[] marker) {
        if (at + marker.length > body.length) return false;
        for (int j = 0; j < marker.length; j++) if (body[at + j] != marker[j]) return false;
        return true;
    }
}
