package dev.wanagent.ddns;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.wanagent.config.AliDnsProviderConfig;
import dev.wanagent.config.CloudflareProviderConfig;
import dev.wanagent.config.DnsPodProviderConfig;
import dev.wanagent.config.Secret;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static dev.wanagent.ddns.AnswerArbitraries.answers;
import static dev.wanagent.ddns.AnswerArbitraries.arrayOf;
import static dev.wanagent.ddns.AnswerArbitraries.bodies;
import static dev.wanagent.ddns.AnswerArbitraries.leaves;
import static dev.wanagent.ddns.AnswerArbitraries.shaped;
import static dev.wanagent.ddns.AnswerArbitraries.text;
import static dev.wanagent.ddns.AnswerArbitraries.texts;
import static dev.wanagent.ddns.AnswerArbitraries.trees;
import static dev.wanagent.ddns.ProviderTests.assertFit;
import static dev.wanagent.ddns.ProviderTests.common;

/**
 * Cloudflare, AliDNS and DNSPod against any answer (JSON of any shape, wrong types, missing fields, deep nesting,
 * huge strings, bytes that are not UTF-8, any status): the update never throws, every hostname gets an outcome, and
 * every detail is bounded, printable and free of the account's secret, even when the answer echoes it.
 */
class ApiAnswersPropertyTest {
    private static final ScriptedServer SERVER = new ScriptedServer();
    private static final List<String> KEYS = List.of("success", "errors", "result", "id", "content", "code", "message",
            "Code", "Message", "DomainRecords", "Record", "RecordId", "RR", "Value", "Response", "Error", "RecordList",
            "Line", "RequestId");

    @BeforeContainer
    static void start() throws Exception {
        SERVER.start();
    }

    @AfterContainer
    static void stop() {
        SERVER.close();
    }

    private static List<String> hosts(int n) {
        return IntStream.range(0, n).mapToObj(i -> "h" + i + ".example.com").toList();
    }

    @Provide
    Arbitrary<InetAddress> sent() {
        return Arbitraries.of("11.22.33.44", "2a00:1450::1").map(a -> {
            try {
                return InetAddress.getByName(a);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static Arbitrary<String> words() {
        return texts("11.22.33.44", "2a00:1450:0:0:0:0:0:1", "1.2.3.4", "z1", "023e105f4ecef8ad9ca31a8372d0c353", "..",
                "../../zones", "Throttling.User", "InvalidAccessKeyId.NotFound", "ServiceUnavailable", "InternalError",
                "Forbidden.RAM", "AuthFailure.SignatureFailure", "ResourceNotFound.NoDataOfRecord",
                "RequestLimitExceeded", "默认", "true");
    }

    private static Arbitrary<JsonNode> anyTree() {
        return trees(KEYS, words());
    }

    private static Arbitrary<JsonNode> anyLeaf() {
        return leaves(words());
    }

    /** A leaf for a message field: sometimes huge. */
    private static Arbitrary<JsonNode> messages() {
        return Arbitraries.frequencyOf(Tuple.of(6, anyLeaf()),
                Tuple.of(1, AnswerArbitraries.hugeTexts().map(JsonNodeFactory.instance::textNode)));
    }

    // ---- Cloudflare

    @Provide
    Arbitrary<List<ScriptedAnswers.Answer>> cloudflareAnswers() {
        Arbitrary<JsonNode> error = shaped(Map.of("code", Arbitraries.oneOf(anyLeaf(),
                Arbitraries.integers().map(JsonNodeFactory.instance::numberNode)), "message", messages()));
        Arbitrary<JsonNode> item = shaped(Map.of("id", Arbitraries.oneOf(text("z1", "023e105f4ecef8ad9ca31a8372d0c353",
                "..", "a/b"), anyLeaf()), "content", Arbitraries.oneOf(text("11.22.33.44", "2a00:1450:0:0:0:0:0:1"),
                anyLeaf())));
        Arbitrary<JsonNode> answer = shaped(Map.of(
                "success", Arbitraries.oneOf(Arbitraries.of(true, false).map(JsonNodeFactory.instance::booleanNode),
                        anyLeaf()),
                "errors", Arbitraries.oneOf(arrayOf(error), anyTree()),
                "result", Arbitraries.oneOf(arrayOf(item), item, anyTree())));
        return answers(bodies(answer, anyTree())).list().ofMinSize(1).ofMaxSize(6);
    }

    @Property(tries = 300)
    void cloudflareSurvivesAnyAnswer(@ForAll("cloudflareAnswers") List<ScriptedAnswers.Answer> answers,
                                     @ForAll("sent") InetAddress sent,
                                     @ForAll("secrets") String token,
                                     @ForAll("hostCounts") int hostCount,
                                     @ForAll boolean create) {
        List<String> hosts = hosts(hostCount);
        SERVER.play(answers, token);
        CloudflareProvider p = new CloudflareProvider(new CloudflareProviderConfig(common(hosts), new Secret(token),
                "example.com", create, false, 1), SERVER.http(), SERVER.url("/client/v4/"));
        assertFit(p.update(hosts, sent), hosts, token);
    }

    // ---- AliDNS

    @Provide
    Arbitrary<List<ScriptedAnswers.Answer>> aliDnsAnswers() {
        Arbitrary<JsonNode> record = shaped(Map.of(
                "RecordId", Arbitraries.oneOf(text("9999985"), anyLeaf()),
                "RR", Arbitraries.oneOf(text("home", "h0"), anyLeaf()),
                "Value", Arbitraries.oneOf(text("11.22.33.44", "1.2.3.4"), anyLeaf())));
        Arbitrary<JsonNode> answer = shaped(Map.of(
                "RequestId", anyLeaf(),
                "Code", Arbitraries.oneOf(text("Throttling.User", "InvalidAccessKeyId.NotFound", "ServiceUnavailable",
                        "InternalError", "Forbidden.RAM", "SignatureDoesNotMatch", "DomainRecordDuplicate"), anyTree()),
                "Message", messages(),
                "DomainRecords", Arbitraries.oneOf(shaped(Map.of("Record", Arbitraries.oneOf(arrayOf(record),
                        anyTree()))), anyTree())));
        return answers(bodies(answer, anyTree())).list().ofMinSize(1).ofMaxSize(6);
    }

    @Property(tries = 300)
    void aliDnsSurvivesAnyAnswer(@ForAll("aliDnsAnswers") List<ScriptedAnswers.Answer> answers,
                                 @ForAll("sent") InetAddress sent,
                                 @ForAll("secrets") String secret,
                                 @ForAll("hostCounts") int hostCount) {
        List<String> hosts = hosts(hostCount);
        SERVER.play(answers, secret);
        AliDnsProvider p = new AliDnsProvider(new AliDnsProviderConfig(common(hosts), "LTAIkey", new Secret(secret)),
                SERVER.http(), SERVER.url("/"), Clock.fixed(Instant.parse("2026-11-25T10:00:00Z"), ZoneOffset.UTC), () -> "n");
        assertFit(p.update(hosts, sent), hosts, secret);
    }

    // ---- DNSPod

    @Provide
    Arbitrary<List<ScriptedAnswers.Answer>> dnsPodAnswers() {
        Arbitrary<JsonNode> record = shaped(Map.of(
                "RecordId", Arbitraries.oneOf(Arbitraries.longs().map(JsonNodeFactory.instance::numberNode), anyLeaf()),
                "Value", Arbitraries.oneOf(text("11.22.33.44", "1.2.3.4"), anyLeaf()),
                "Line", Arbitraries.oneOf(text("默认", "电信"), anyTree())));
        Arbitrary<JsonNode> error = shaped(Map.of(
                "Code", Arbitraries.oneOf(text("AuthFailure.SignatureFailure", "ResourceNotFound.NoDataOfRecord",
                        "RequestLimitExceeded", "InternalError", "ResourceUnavailable", "InvalidParameter"), anyTree()),
                "Message", messages()));
        Arbitrary<JsonNode> response = shaped(Map.of(
                "Error", Arbitraries.oneOf(error, anyTree()).injectNull(0.6),
                "RecordList", Arbitraries.oneOf(arrayOf(record), anyTree()),
                "RequestId", anyLeaf()));
        Arbitrary<JsonNode> answer = shaped(Map.of("Response", Arbitraries.oneOf(response, anyTree())));
        return answers(bodies(answer, anyTree())).list().ofMinSize(1).ofMaxSize(6);
    }

    @Property(tries = 300)
    void dnsPodSurvivesAnyAnswer(@ForAll("dnsPodAnswers") List<ScriptedAnswers.Answer> answers,
                                 @ForAll("sent") InetAddress sent,
                                 @ForAll("secrets") String secret,
                                 @ForAll("hostCounts") int hostCount) {
        List<String> hosts = hosts(hostCount);
        SERVER.play(answers, secret);
        DnsPodProvider p = new DnsPodProvider(new DnsPodProviderConfig(common(hosts), "AKIDpod", new Secret(secret),
                "example.com"), SERVER.http(), SERVER.url("/"), Clock.fixed(Instant.ofEpochSecond(1764064800), ZoneOffset.UTC));
        assertFit(p.update(hosts, sent), hosts, secret);
    }

    @Provide
    Arbitrary<String> secrets() {
        return AnswerArbitraries.secrets();
    }

    @Provide
    Arbitrary<Integer> hostCounts() {
        return Arbitraries.integers().between(1, 4);
    }
}
