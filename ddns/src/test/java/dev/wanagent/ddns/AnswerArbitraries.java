package dev.wanagent.ddns;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.wanagent.ddns.ScriptedAnswers.SECRET;

/**
 * Generators of what a provider may answer, shared by the property tests: HTTP statuses and headers, text with
 * control characters and huge strings, arbitrary bytes (not UTF-8), and JSON trees of any shape. Every size is
 * bounded, so each try stays fast.
 */
final class AnswerArbitraries {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private AnswerArbitraries() {
    }

    /** A secret as a config holds it (never anything our own words could contain). */
    static Arbitrary<String> secrets() {
        return Arbitraries.strings().alpha().numeric().ofMinLength(8).ofMaxLength(32).map(s -> "Sk" + s);
    }

    /** Mostly 200, and every other class: redirects, refusals, rate limits, server errors, the odd ones. */
    static Arbitrary<Integer> statuses() {
        return Arbitraries.frequencyOf(
                Tuple.of(12, Arbitraries.just(200)),
                Tuple.of(2, Arbitraries.of(301, 302, 303, 307, 308)),
                Tuple.of(1, Arbitraries.of(401, 403)),
                Tuple.of(1, Arbitraries.of(429, 500, 502, 503)),
                Tuple.of(1, Arbitraries.of(201, 204, 400, 404, 418)),
                Tuple.of(1, Arbitraries.integers().between(200, 599)));
    }

    /** Location and Retry-After headers, or none; a Location may carry the secret anywhere. */
    static Arbitrary<Map<String, String>> headers() {
        Arbitrary<String> location = Arbitraries.of(
                "https://user:" + SECRET + "@elsewhere.example:8443/p/" + SECRET + "?token=" + SECRET + "#" + SECRET,
                "http://127.0.0.1:1/x?k=" + SECRET, "/relative/" + SECRET + "?k=" + SECRET, "?only=" + SECRET,
                "::::not a url", "", "ftp://files.example/x", "//other.example/path");
        Arbitrary<String> retryAfter = Arbitraries.of("120", "0", "-5", "abc", "99999999999999999999",
                "Wed, 21 Oct 2015 07:28:00 GMT");
        return Combinators.combine(location.injectNull(0.5), retryAfter.injectNull(0.7)).as((l, r) -> {
            Map<String, String> h = new LinkedHashMap<>();
            if (l != null) h.put("Location", l);
            if (r != null) h.put("Retry-After", r);
            return h;
        });
    }

    /** Short text of every kind: any characters, control characters, the secret, words providers use. */
    static Arbitrary<String> texts(String... words) {
        return Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.strings().all().ofMaxLength(30)),
                Tuple.of(2, Arbitraries.strings().withCharRange('\u0000', '\u001f').withChars("\u007f\u0085\u2028\u202e")
                        .ofMaxLength(10)),
                Tuple.of(2, Arbitraries.of(SECRET, "x " + SECRET + " y", "Bearer " + SECRET)),
                Tuple.of(4, words.length == 0 ? Arbitraries.just("") : Arbitraries.of(words)));
    }

    /**
     * One huge string (up to past the 64 KiB the providers read), plain, with control characters, or with the
     * secret at its end; only where one field holds it, so a body stays under 100 KB or so.
     */
    static Arbitrary<String> hugeTexts() {
        return Combinators.combine(Arbitraries.integers().between(300, 70_000), Arbitraries.of("h", "\u0001\n", "默"),
                Arbitraries.of("", SECRET)).as((n, unit, tail) -> unit.repeat(n / unit.length()) + tail);
    }

    /** Any JSON tree up to 4 levels deep, with keys from {@code keys} or anything, leaves from {@code texts}. */
    static Arbitrary<JsonNode> trees(List<String> keys, Arbitrary<String> texts) {
        return Arbitraries.recursive(() -> leaves(texts), inner -> containers(inner, keys), 0, 4);
    }

    static Arbitrary<JsonNode> leaves(Arbitrary<String> texts) {
        return Arbitraries.oneOf(
                Arbitraries.just(NODES.nullNode()),
                Arbitraries.of(true, false).map(NODES::booleanNode),
                Arbitraries.integers().map(NODES::numberNode),
                Arbitraries.longs().map(NODES::numberNode),
                Arbitraries.doubles().map(NODES::numberNode),
                texts.map(NODES::textNode));
    }

    private static Arbitrary<JsonNode> containers(Arbitrary<JsonNode> inner, List<String> keys) {
        Arbitrary<String> names = Arbitraries.oneOf(Arbitraries.of(keys), Arbitraries.strings().all().ofMaxLength(8));
        return Arbitraries.oneOf(
                inner.list().ofMaxSize(4).map(items -> {
                    ArrayNode a = NODES.arrayNode();
                    items.forEach(a::add);
                    return (JsonNode) a;
                }),
                Arbitraries.maps(names, inner).ofMaxSize(5).map(AnswerArbitraries::object));
    }

    static JsonNode object(Map<String, JsonNode> fields) {
        ObjectNode o = NODES.objectNode();
        fields.forEach((k, v) -> {
            if (v != null) o.set(k, v);
        });
        return o;
    }

    /**
     * An object with these fields, each one left out now and then: answers close to the real shape, so the tries
     * get past the first checks.
     */
    static Arbitrary<JsonNode> shaped(Map<String, Arbitrary<JsonNode>> fields) {
        List<String> names = new ArrayList<>(fields.keySet());
        List<Arbitrary<JsonNode>> values = new ArrayList<>();
        for (String n : names) values.add(fields.get(n).injectNull(0.15));
        return Combinators.combine(values).as(vs -> {
            Map<String, JsonNode> m = new LinkedHashMap<>();
            for (int i = 0; i < names.size(); i++) m.put(names.get(i), vs.get(i));
            return object(m);
        });
    }

    static Arbitrary<JsonNode> arrayOf(Arbitrary<JsonNode> items) {
        return items.list().ofMaxSize(3).map(list -> {
            ArrayNode a = NODES.arrayNode();
            list.forEach(a::add);
            return (JsonNode) a;
        });
    }

    static Arbitrary<JsonNode> text(String... values) {
        return Arbitraries.of(values).map(NODES::textNode);
    }

    /**
     * An answer body: mostly {@code json} serialised, else any JSON tree, JSON nested far too deep, text, or bytes
     * that are not UTF-8.
     */
    static Arbitrary<byte[]> bodies(Arbitrary<JsonNode> json, Arbitrary<JsonNode> anyTree) {
        return Arbitraries.frequencyOf(
                Tuple.of(8, json.map(j -> utf8(j.toString()))),
                Tuple.of(3, anyTree.map(j -> utf8(j.toString()))),
                Tuple.of(1, Arbitraries.integers().between(900, 5000).map(n -> utf8("[".repeat(n) + "]".repeat(n)))),
                Tuple.of(1, Arbitraries.integers().between(900, 3000).map(n -> utf8("{\"a\":".repeat(n) + "1"
                        + "}".repeat(n)))),
                Tuple.of(1, texts().map(AnswerArbitraries::utf8)),
                Tuple.of(1, hugeTexts().map(t -> utf8("{\"errors\":[{\"message\":\"" + t + "\"}],\"Message\":\"" + t
                        + "\"}"))),
                Tuple.of(1, rawBytes()));
    }

    /** Bytes of any value (most not valid UTF-8), sometimes with the secret inside. */
    static Arbitrary<byte[]> rawBytes() {
        return Combinators.combine(Arbitraries.bytes().array(byte[].class).ofMaxSize(400), Arbitraries.of(true, false))
                .as((bytes, echo) -> {
                    if (!echo) return bytes;
                    byte[] secret = SECRET.getBytes(StandardCharsets.US_ASCII);
                    byte[] out = new byte[bytes.length + secret.length];
                    int at = bytes.length / 2;
                    System.arraycopy(bytes, 0, out, 0, at);
                    System.arraycopy(secret, 0, out, at, secret.length);
                    System.arraycopy(bytes, at, out, at + secret.length, bytes.length - at);
                    return out;
                });
    }

    static Arbitrary<ScriptedAnswers.Answer> answers(Arbitrary<byte[]> bodies) {
        return Combinators.combine(statuses(), headers(), bodies).as(ScriptedAnswers.Answer::new);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
