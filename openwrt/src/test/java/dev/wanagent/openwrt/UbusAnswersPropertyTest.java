package dev.wanagent.openwrt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wanagent.config.Secret;
import mockwebserver3.MockResponse;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import okio.Buffer;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Any answer a broken or hostile router can send — JSON shaped like uhttpd's and netifd's with wrong types, missing
 * and odd values, any JSON at all, broken JSON, random bytes — gives values or a {@link UbusException} whose
 * message is one short printable line without the password or the session id. Nothing else is ever thrown.
 */
class UbusAnswersPropertyTest {
    private static final String PASSWORD = "pw-S3cret!";
    private static final String SID = "0123456789abcdef0123456789abcdef";
    /** The id the answers carry: the client's third request (login 1, status 2, then the one under test). */
    private static final long ID = 3;
    private static final UbusReplies.Where WHERE = new UbusReplies.Where("http://192.168.1.1/ubus",
            List.of(PASSWORD, SID));
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> KEYS = List.of("jsonrpc", "id", "result", "error", "code", "message", "up",
            "l3_device", "ipv4-address", "ipv6-address", "ipv6-prefix", "address", "mask", "ubus_rpc_session",
            "data", "", "x");
    private static final List<String> TEXTS = List.of("2.0", "203.0.113.7", "2001:db8::1", "::ffff:1.2.3.4",
            "localhost", "fe80::1%eth0", "999.1.1.1", "1.2.3", ".:", "[::1]", PASSWORD, SID, "\u001b[2J",
            "\r\n[INFO] forged", "x".repeat(500), "0123456789ABCDEF0123456789abcdef",
            "00000000000000000000000000000000", "pppoe-wan", "\u0000", "\uD83D\uDE00", "é");

    private static final okhttp3.OkHttpClient HTTP = UbusClient.HTTP.newBuilder()
            .socketFactory(NoDelaySockets.client()).build();
    private static FakeUbus router;

    @BeforeContainer
    static void start() throws Exception {
        router = FakeUbus.start("wan-agent", PASSWORD);
    }

    @AfterContainer
    static void stop() {
        router.close();
    }

    @Provide
    Arbitrary<byte[]> answers() {
        return Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.randomValue(r -> utf8(shaped(r).toString()))),
                Tuple.of(3, Arbitraries.randomValue(r -> utf8(any(r, 0).toString()))),
                Tuple.of(2, Arbitraries.randomValue(UbusAnswersPropertyTest::wrecked)),
                Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMaxSize(300)));
    }

    @Property(tries = 2000)
    void anyAnswerGivesValuesOrAUbusException(@ForAll("answers") byte[] body) {
        String outcome;
        try {
            UbusReplies.Answer a = UbusReplies.answer(body, ID, WHERE);
            outcome = a.isRpcError() ? "JSON-RPC error" : a.data() == null ? "status only" : "data";
            if (a.data() != null) {
                try {
                    UbusReplies.interfaceStatus(a.data(), "wan", WHERE);
                    outcome = "interface status";
                } catch (UbusException e) {
                    assertClean(e);
                }
                try {
                    assertTrue(UbusReplies.sessionId(a.data(), WHERE).matches("[0-9A-Fa-f]{32}"));
                    outcome = "session";
                } catch (UbusException e) {
                    assertClean(e);
                }
            }
        } catch (UbusException e) {
            assertClean(e);
            outcome = "refused";
        }
        Statistics.collect(outcome);
        // the generators reach every branch, not only the refusals
        Statistics.coverage(c -> {
            c.check("interface status").percentage(p -> p > 1);
            c.check("session").percentage(p -> p > 0.5);
            c.check("JSON-RPC error").percentage(p -> p > 3);
            c.check("refused").percentage(p -> p > 20);
        });
    }

    /** The same through HTTP and the whole client: logins, re-logins and all. */
    @Property(tries = 200)
    void anyAnswerThroughTheClientGivesAStatusOrAUbusException(@ForAll("answers") byte[] body) throws Exception {
        UbusClient client = new UbusClient(router.url(), "wan-agent", new Secret(PASSWORD), HTTP);
        client.interfaceStatus("wan");
        router.answerNext(new MockResponse.Builder().code(200).setHeader("Content-Type", "application/json")
                .body(new Buffer().write(body)).build());
        try {
            client.interfaceStatus("wan");
        } catch (UbusException e) {
            // the session the client holds came from the fake (in the second request), not the generator's SID
            List<String> sent = router.requests();
            String session = JSON.readTree(sent.get(sent.size() - 1)).get("params").get(0).textValue();
            assertClean(e, session);
        }
    }

    private static void assertClean(UbusException e) {
        assertClean(e, SID);
    }

    private static void assertClean(UbusException e, String session) {
        String m = e.getMessage();
        assertFalse(m.contains(PASSWORD), m);
        assertFalse(m.contains(session), m);
        assertTrue(m.chars().allMatch(c -> c >= 0x20 && c < 0x7f || c == '…'), m);
        assertTrue(m.length() < 700, m);
    }

    // --- generators

    /** An envelope shaped like uhttpd's, with a status object shaped like netifd's, parts of it wrong. */
    private static JsonNode shaped(Random r) {
        ObjectNode root = F.objectNode();
        if (r.nextInt(10) > 0) root.put("jsonrpc", "2.0");
        if (r.nextInt(10) > 0) root.put("id", ID);
        else root.set("id", any(r, 2));
        if (r.nextInt(5) == 0) {
            ObjectNode error = root.putObject("error");
            if (r.nextInt(8) > 0) error.put("code", pick(r, -32002, -32000, -32001, -32003, -32700, -32601, 0, 1));
            else error.set("code", any(r, 3));
            if (r.nextBoolean()) error.put("message", text(r));
            return root;
        }
        ArrayNode result = root.putArray("result");
        if (r.nextInt(10) > 0) result.add(pick(r, 0, 0, 0, 6, 4, 7, 2, -1, 13, 99));
        else result.add(any(r, 3));
        if (r.nextInt(6) > 0) result.add(r.nextInt(3) > 0 ? status(r) : login(r));
        if (r.nextInt(15) == 0) result.add(any(r, 2));
        return root;
    }

    private static JsonNode status(Random r) {
        ObjectNode s = F.objectNode();
        if (r.nextInt(8) > 0) s.put("up", r.nextBoolean());
        else s.set("up", any(r, 3));
        if (r.nextBoolean()) s.set("l3_device", r.nextInt(4) > 0 ? F.textNode(text(r)) : any(r, 3));
        for (String key : List.of("ipv4-address", "ipv6-address", "ipv6-prefix")) {
            if (r.nextInt(3) == 0) continue;
            if (r.nextInt(20) == 0) {
                s.set(key, any(r, 2));
                continue;
            }
            ArrayNode a = s.putArray(key);
            for (int i = r.nextInt(4); i > 0; i--) {
                if (r.nextInt(20) == 0) {
                    a.add(any(r, 3));
                    continue;
                }
                ObjectNode e = a.addObject();
                if (r.nextInt(4) > 0) e.put("address", validAddress(key, r));
                else if (r.nextInt(4) > 0) e.put("address", text(r));
                else e.set("address", any(r, 3));
                if (r.nextInt(8) > 0) e.put("mask", r.nextInt(6) > 0 ? pick(r, 32, 64, 56, 0, 128) : pick(r, 129, -1));
            }
        }
        return s;
    }

    private static String validAddress(String key, Random r) {
        return key.equals("ipv4-address") ? pick(r, "203.0.113.7", "198.51.100.1", "10.0.0.1", "0.0.0.0")
                : pick(r, "2001:db8::1", "fe80::1", "fd00::2", "2001:db8:100::", "::");
    }

    private static String pick(Random r, String... values) {
        return values[r.nextInt(values.length)];
    }

    private static JsonNode login(Random r) {
        ObjectNode d = F.objectNode();
        if (r.nextInt(5) > 0) d.put("ubus_rpc_session", r.nextBoolean() ? SID : text(r));
        d.put("timeout", 300).put("expires", 300);
        if (r.nextBoolean()) d.set("acls", any(r, 2));
        return d;
    }

    /** Any JSON value, a few levels deep. */
    private static JsonNode any(Random r, int depth) {
        int kind = r.nextInt(depth >= 4 ? 5 : 7);
        switch (kind) {
            case 0:
                return F.nullNode();
            case 1:
                return F.booleanNode(r.nextBoolean());
            case 2:
                return switch (r.nextInt(5)) {
                    case 0 -> F.numberNode(pick(r, 0, 3, 6, 7, -32002, -32000, Integer.MAX_VALUE, Integer.MIN_VALUE));
                    case 1 -> F.numberNode(r.nextLong());
                    case 2 -> F.numberNode(new java.math.BigInteger("123456789012345678901234567890"));
                    case 3 -> F.numberNode(r.nextDouble() * 1e300);
                    default -> F.numberNode(3.0);
                };
            case 3:
            case 4:
                return F.textNode(text(r));
            case 5: {
                ArrayNode a = F.arrayNode();
                for (int i = r.nextInt(4); i > 0; i--) a.add(any(r, depth + 1));
                return a;
            }
            default: {
                ObjectNode o = F.objectNode();
                for (int i = r.nextInt(5); i > 0; i--) o.set(KEYS.get(r.nextInt(KEYS.size())), any(r, depth + 1));
                return o;
            }
        }
    }

    /** A valid-looking answer cut short, with bytes flipped, or nested very deep. */
    private static byte[] wrecked(Random r) {
        byte[] b = utf8(shaped(r).toString());
        return switch (r.nextInt(4)) {
            case 0 -> java.util.Arrays.copyOf(b, r.nextInt(b.length + 1));
            case 1 -> {
                for (int i = r.nextInt(5); i >= 0; i--) b[r.nextInt(b.length)] = (byte) r.nextInt(256);
                yield b;
            }
            case 2 -> utf8("[".repeat(5000) + "]".repeat(5000));
            default -> utf8(new String(b, StandardCharsets.UTF_8) + " trailing");
        };
    }

    private static String text(Random r) {
        if (r.nextInt(6) == 0) {
            StringBuilder s = new StringBuilder();
            for (int i = r.nextInt(20); i > 0; i--) s.append((char) r.nextInt(0x3000));
            return s.toString();
        }
        return TEXTS.get(r.nextInt(TEXTS.size()));
    }

    private static int pick(Random r, int... values) {
        return values[r.nextInt(values.length)];
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
