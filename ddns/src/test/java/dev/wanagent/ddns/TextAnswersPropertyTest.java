package dev.wanagent.ddns;

import dev.wanagent.config.DuckDnsProviderConfig;
import dev.wanagent.config.Secret;
import dev.wanagent.config.WebhookProviderConfig;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import static dev.wanagent.ddns.AnswerArbitraries.utf8;
import static dev.wanagent.ddns.ProviderTests.assertFit;
import static dev.wanagent.ddns.ProviderTests.common;
import static dev.wanagent.ddns.ScriptedAnswers.SECRET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DuckDNS (OK/KO text) and webhook (any body, checked by successPattern) against any answer, through the real
 * providers and HTTP client: never a throw, an outcome per hostname, details bounded, printable and secret-free.
 */
class TextAnswersPropertyTest {
    private static final ScriptedServer SERVER = new ScriptedServer();

    @BeforeContainer
    static void start() throws Exception {
        SERVER.start();
    }

    @AfterContainer
    static void stop() {
        SERVER.close();
    }

    @Provide
    Arbitrary<byte[]> bodies() {
        Arbitrary<String> line = AnswerArbitraries.texts("OK", "KO", "OK\n11.22.33.44\n\nUPDATED", "ok", " OK ", "OKAY",
                "{\"success\": true}", "{\"success\":false}", "{\"status\": \"ok\", \"echo\": \"" + SECRET + "\"}",
                "good 11.22.33.44", "nochg", "<html>portal</html>", SECRET + " was refused");
        return Arbitraries.frequencyOf(
                Tuple.of(8, line.list().ofMaxSize(6).map(ls -> utf8(String.join("\n", ls)))),
                Tuple.of(1, AnswerArbitraries.hugeTexts().map(AnswerArbitraries::utf8)),
                Tuple.of(2, AnswerArbitraries.rawBytes()));
    }

    @Provide
    Arbitrary<ScriptedAnswers.Answer> answers() {
        return Combinators.combine(AnswerArbitraries.statuses(), AnswerArbitraries.headers(), bodies())
                .as(ScriptedAnswers.Answer::new);
    }

    @Provide
    Arbitrary<String> secrets() {
        return AnswerArbitraries.secrets();
    }

    @Provide
    Arbitrary<Optional<Pattern>> patterns() {
        return Arbitraries.of("\"success\":\\s*true", "^OK", "good|nochg", "(?i)status\"\\s*:\\s*\"ok")
                .map(Pattern::compile).optional();
    }

    private static List<String> hosts(int n) {
        return IntStream.range(0, n).mapToObj(i -> "h" + i + ".duckdns.org").toList();
    }

    @Property(tries = 300)
    void duckDnsSurvivesAnyAnswer(@ForAll("answers") ScriptedAnswers.Answer answer, @ForAll("secrets") String token,
                                  @ForAll @net.jqwik.api.constraints.IntRange(min = 1, max = 5) int hostCount,
                                  @ForAll boolean ipv6) throws Exception {
        List<String> hosts = hosts(hostCount);
        SERVER.play(List.of(answer), token);
        DuckDnsProvider p = new DuckDnsProvider(new DuckDnsProviderConfig(common(hosts), new Secret(token)), SERVER.http(),
                SERVER.url("/update"));
        Map<String, UpdateOutcome> out = p.update(hosts, InetAddress.getByName(ipv6 ? "2a00:1450::1" : "11.22.33.44"));
        assertFit(out, hosts, token);
        for (UpdateOutcome o : out.values()) {
            if (o.kind() == UpdateOutcome.Kind.SUCCESS) {
                assertTrue(answer.code() >= 200 && answer.code() <= 299, answer.toString());
                assertEquals("OK", o.detail());
            }
        }
    }

    @Property(tries = 300)
    void webhookSurvivesAnyAnswer(@ForAll("answers") ScriptedAnswers.Answer answer,
                                  @ForAll("secrets") String urlKey, @ForAll("secrets") String pathKey,
                                  @ForAll("secrets") String headerKey, @ForAll("patterns") Optional<Pattern> pattern,
                                  @ForAll boolean post) throws Exception {
        List<String> hosts = List.of("home.example.net");
        // the answer may echo any of the three
        SERVER.play(List.of(answer), urlKey + " " + pathKey + " Bearer " + headerKey);
        WebhookProviderConfig config = new WebhookProviderConfig(common(hosts),
                new Secret(SERVER.url("/hooks/" + pathKey + "/update").toString() + "?name={hostname}&ip={ip}&key="
                        + urlKey),
                "127.0.0.1", post ? "POST" : "GET", Map.of("Authorization", new Secret("Bearer " + headerKey)),
                post ? Optional.of("{\"name\":\"{hostname}\",\"ip\":\"{ip}\"}") : Optional.empty(), pattern, true);
        Map<String, UpdateOutcome> out = new WebhookProvider(config, SERVER.http()).update(hosts,
                InetAddress.getByName("11.22.33.44"));
        assertFit(out, hosts, urlKey, pathKey, headerKey);
        UpdateOutcome o = out.get("home.example.net");
        if (o.kind() == UpdateOutcome.Kind.SUCCESS) {
            assertTrue(answer.code() >= 200 && answer.code() <= 299, answer.toString());
        }
        if ((answer.code() == 200 || answer.code() == 201) && pattern.isEmpty()) {
            assertEquals(UpdateOutcome.Kind.SUCCESS, o.kind(), o.detail());
        }
    }
}
