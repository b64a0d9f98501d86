package dev.wanagent.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Any body a user may write: refused with a problem naming notify[0].body, or JSON whatever the event holds. */
class NotifyBodyPropertyTest {
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    @Provide
    Arbitrary<String> bodies() {
        Arbitrary<String> pieces = Arbitraries.oneOf(
                Arbitraries.of("{", "}", "[", "]", ",", ":", "\"", "\\", " ", "\n", "1", "true", "null", "\"k\"",
                        "{{message}}", "{{ event }}", "{{time}}", "{{nope}}", "{{", "}}", "{{}}", "\\u0041", "\\q"),
                Arbitraries.strings().ofMaxLength(4));
        Arbitrary<String> random = pieces.list().ofMaxSize(14).map(l -> String.join("", l));
        Arbitrary<String> wrapped = random.map(s -> "{\"a\": \"" + s + "\"}");
        return Arbitraries.oneOf(random, wrapped);
    }

    @Provide
    Arbitrary<Map<String, String>> events() {
        Arbitrary<String> value = Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(30),
                Arbitraries.of("\"", "\\", "\n", "{{message}}", "\u0000", "\u2028", "😀", "</script>"));
        return value.list().ofSize(BodyTemplate.FIELDS.size()).map(v -> {
            Map<String, String> m = new LinkedHashMap<>();
            for (int i = 0; i < v.size(); i++) m.put(BodyTemplate.FIELDS.get(i), v.get(i));
            return m;
        });
    }

    @Property(tries = 400)
    @net.jqwik.api.statistics.StatisticsReport(onFailureOnly = true)
    void acceptedBodiesStayJson(@ForAll("bodies") String body, @ForAll("events") Map<String, String> event)
            throws Exception {
        ObjectNode doc = JSON.createObjectNode();
        ObjectNode hook = doc.putArray("notify").addObject();
        hook.put("type", "webhook").put("url", "https://h.example.com/x").put("body", body);
        NotifyConfig c;
        try {
            c = new ConfigLoader(k -> null).parse(doc.toString(), "t.json").notifications().get(0);
        } catch (ConfigException e) {
            List<String> problems = e.problems();
            assertTrue(problems.stream().allMatch(p -> p.startsWith("notify[0].body: ")), problems.toString());
            Statistics.collect("refused");
            return;
        }
        Statistics.collect("accepted");
        String filled = c.body().get().fill(event);
        assertTrue(!assertDoesNotThrow(() -> JSON.readTree(filled), filled).isMissingNode(), filled);
    }
}
