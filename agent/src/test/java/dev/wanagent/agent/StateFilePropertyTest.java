package dev.wanagent.agent;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The state file is outside input: whatever it holds, loading gives a valid state or one clear reason. */
class StateFilePropertyTest {
    private static void loadsOrNamesTheProblem(byte[] bytes) {
        try {
            StateStore.State s = StateStore.parse(bytes);
            // what was accepted is typed and consistent: it writes back and reads again as the same state
            StateStore.State again = StateStore.parse(StateStore.document(s).toString().getBytes(StandardCharsets.UTF_8));
            assertTrue(s.equals(again), s + " vs " + again);
        } catch (StateStore.InvalidStateException e) {
            assertFalse(e.getMessage() == null || e.getMessage().isBlank());
            assertTrue(e.getMessage().length() < 300, e.getMessage());
            assertFalse(e.getMessage().chars().anyMatch(c -> c < 0x20), e.getMessage());
        }
    }

    @Property(tries = 300)
    void arbitraryBytes(@ForAll @Size(max = 400) byte[] bytes) {
        loadsOrNamesTheProblem(bytes);
    }

    @Property(tries = 500)
    void mutatedRecords(@ForAll("documents") String doc) {
        loadsOrNamesTheProblem(doc.getBytes(StandardCharsets.UTF_8));
    }

    @Provide
    Arbitrary<String> documents() {
        Arbitrary<String> values = Arbitraries.oneOf(
                Arbitraries.of("\"SUCCESS\"", "\"RETRY\"", "\"FATAL\"", "\"A\"", "\"AAAA\"", "\"B\"", "null", "true",
                        "-1", "0", "3", "1e400", "99999999999999999999", "[]", "{}", "\"\"",
                        "\"2026-11-25T10:00:00Z\"", "\"yesterday\"", "\"+1000000000-01-01T00:00:00Z\"",
                        "\"11.22.33.44\"", "\"2a00::1\"", "\"example.com\"", "\"0.0.0.0\"", "\"p\\u0000\\n\""),
                Arbitraries.strings().ofMaxLength(20).map(s -> "\"" + s.replace("\\", "").replace("\"", "") + "\""));
        List<String> keys = List.of("provider", "hostname", "type", "address", "updatedAt", "status", "result",
                "attemptedAddress", "failures", "retryAt", "fingerprint", "other");
        Arbitrary<String> field = Arbitraries.of(keys).flatMap(k -> values.map(v -> "\"" + k + "\":" + v));
        Arbitrary<String> record = field.list().ofMaxSize(12).map(fs -> "{" + String.join(",", fs) + "}");
        Arbitrary<String> records = record.list().ofMaxSize(4).map(rs -> "[" + String.join(",", rs) + "]");
        List<String> haKeys = List.of("role", "takeovers", "lastTakeover", "recordedAt", "holders", "other");
        Arbitrary<String> haValues = Arbitraries.oneOf(values, Arbitraries.of("\"active\"", "\"standby\"",
                "\"single\"", "\"ACTIVE\"", "{\"web\":\"192.168.77.100\",\"rdp\":null}", "{\"\":1}",
                "{\"web\":\"a\\u001bb\"}"));
        Arbitrary<String> haField = Arbitraries.of(haKeys).flatMap(k -> haValues.map(v -> "\"" + k + "\":" + v));
        Arbitrary<String> ha = Arbitraries.oneOf(haField.list().ofMaxSize(7).map(fs -> "{" + String.join(",", fs) + "}"),
                // a valid picture with one field changed (a repeated key: the last one counts)
                haField.map(f -> "{\"role\":\"standby\",\"takeovers\":2,\"recordedAt\":\"2026-11-25T10:00:00Z\","
                        + "\"holders\":{\"web\":\"192.168.77.100\"}," + f + "}"));
        return Arbitraries.oneOf(
                records.map(rs -> "{\"version\":1,\"records\":" + rs + "}"),
                ha.map(h -> "{\"version\":1,\"records\":[],\"ha\":" + h + "}"),
                values.map(v -> "{\"ha\":" + v + "}"),
                values.map(v -> "{\"version\":1,\"wanAddress\":" + v + ",\"wanSeenAt\":" + v + "}"),
                values.map(v -> "{\"records\":" + v + "}"));
    }
}
