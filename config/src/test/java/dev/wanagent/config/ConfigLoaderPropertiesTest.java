package dev.wanagent.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Assume;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Whatever it is fed, the loader answers with a config or a {@link ConfigException} — never another exception,
 * never a hang — and every exception names a key or the file; a secret from {@code ${ENV}} never shows.
 * Inputs are bounded (a few KiB), so each property runs in well under a second or two.
 */
class ConfigLoaderPropertiesTest {
    private static final Duration LIMIT = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Map<String, String> ENV = Map.of("SNMP_COMMUNITY", "c0mm", "NOIP_PASSWORD", "noip-pw-value",
            "CF_API_TOKEN", "cf-token-value", "STATUS_TOKEN", "status-token-0123456789");

    /** Every section and provider type, valid: the starting point for mutations. */
    static final String RICH = """
            router:
              upnp: {enabled: true, events: true, location: "http://192.168.1.1:5000/rootDesc.xml", callbackPort: 0}
              snmp:
                enabled: true
                host: 192.168.1.1
                port: 161
                version: v3
                user: wanread
                authProtocol: SHA-256
                authPassphrase: auth-pass-123
                privProtocol: AES
                privPassphrase: priv-pass-123
                community: ${SNMP_COMMUNITY}
                timeout: 1500ms
                retries: 1
                trapPort: 1162
              openwrt: {enabled: true, url: "http://192.168.1.1/ubus", username: wan-agent, password: "${NOIP_PASSWORD}",
                        interface: wan, interface6: wan6, allowPlainHttp: false}
              web: {enabled: true, urls: [https://api.ipify.org, "https://ipv4.icanhazip.com"], interval: 10m}
            pollInterval: 5m
            mappings:
              - {name: web, externalPort: 8080, internalPort: 80, protocol: TCP, internalClient: auto, leaseSeconds: 3600}
              - {name: game, externalPort: 27015, protocol: UDP, internalClient: 192.168.1.20, force: true}
            providers:
              - type: dyndns2
                server: https://dynupdate.no-ip.com
                username: me
                password: ${NOIP_PASSWORD}
                hostnames: [myhome.ddns.net]
                forceRefresh: 25d
                verifyDns: true
                verifyDnsServer: 192.168.1.1
              - {type: dyndns2, preset: dyn, username: u, password: p, hostnames: [h.dyndns.org], ipv6: true}
              - {type: cloudflare, apiToken: "${CF_API_TOKEN}", zone: example.com, hostnames: [home.example.com], ttl: 1}
              - {type: duckdns, token: tok, hostnames: [x.duckdns.org]}
              - type: rfc2136
                server: ns1.example.com:53
                zone: example.com
                hostnames: [dyn.example.com]
                tsigKeyName: key
                tsigAlgorithm: hmac-sha256
                tsigSecret: c2VjcmV0LWtleS1tYXRlcmlhbA==
              - {type: alidns, accessKeyId: LTAI5tExample, accessKeySecret: s, hostnames: [ali.example.com]}
              - {type: dnspod, secretId: AKID, secretKey: k, domain: example.com, hostnames: [pod.example.com]}
              - type: webhook
                url: "https://dns.example.net/update?name={hostname}&ip={ip}"
                method: POST
                headers: {Authorization: "Bearer x", Content-Type: application/json}
                body: '{"ip": "{ip}"}'
                successPattern: '"success":\\s*true'
                hostnames: [hook.example.net]
            stateDir: /var/lib/wan-agent
            removeMappingsOnExit: false
            status: {listen: "0.0.0.0:8787", token: "${STATUS_TOKEN}"}
            """;

    private static final List<String> KEYS = List.of("router", "upnp", "snmp", "enabled", "events", "location",
            "callbackPort", "interface", "host", "port", "version", "community", "user", "authProtocol",
            "authPassphrase", "privProtocol", "privPassphrase", "wanInterface", "timeout", "retries", "trapPort",
            "pollInterval", "mappings", "name", "externalPort", "internalPort", "protocol", "internalClient",
            "leaseSeconds", "force", "providers", "type", "server", "preset", "username", "password", "hostnames",
            "ipv6", "forceRefresh", "verifyDns", "verifyDnsServer", "allowPlainHttp", "apiToken", "zone", "create",
            "proxied", "ttl", "token", "tsigKeyName", "tsigAlgorithm", "tsigSecret", "accessKeyId", "accessKeySecret",
            "secretId", "secretKey", "domain", "url", "method", "headers", "body", "successPattern", "stateDir",
            "removeMappingsOnExit", "status", "listen", "openwrt", "interface6", "web", "urls", "interval");

    /** {@code key.path: message} (paths as ConfigNode writes them: plain or quoted keys, [n] indexes). */
    private static final Pattern KEY_PATH_LINE = Pattern.compile(
            "(\\(top level\\)|(?:[^\\s\".\\[\\]\\\\]+|\"(?:[^\"\\\\]|\\\\.)*\")"
                    + "(?:\\[\\d+]|\\.(?:[^\\s\".\\[\\]\\\\]+|\"(?:[^\"\\\\]|\\\\.)*\"))*): \\S.*");

    // --- running the loader

    /** The loader's answer within {@link #LIMIT}: null for a usable config; anything but ConfigException fails. */
    private static ConfigException outcome(ConfigLoader loader, String text, String name) {
        return assertTimeoutPreemptively(LIMIT, () -> {
            try {
                assertNotNull(loader.parse(text, name));
                return null;
            } catch (ConfigException e) {
                return e;
            }
        }, () -> "no answer within " + LIMIT + " for " + name);
    }

    /** At least one non-blank line naming a key or the file; every line one printable line. */
    private static void assertWellFormed(ConfigException e, String... sources) {
        if (e == null) return;
        assertFalse(e.problems().isEmpty(), "a ConfigException lists its problems");
        for (String line : e.problems()) {
            assertFalse(line.isBlank(), e.getMessage());
            assertTrue(line.chars().noneMatch(c -> c < ' ' || c == 0x7f), () -> "control character in: " + line);
        }
        assertTrue(e.problems().stream().anyMatch(line -> namesKeyOrFile(line, sources)),
                () -> "no problem names a key or the file: " + e.getMessage());
    }

    private static boolean namesKeyOrFile(String line, String... sources) {
        for (String source : sources) {
            if (line.startsWith(source + ": ") && line.length() > source.length() + 2) return true;
        }
        return KEY_PATH_LINE.matcher(line).matches();
    }

    private static String write(JsonNode tree, boolean json) {
        try {
            return json ? JSON.writeValueAsString(tree) : YAML.writeValueAsString(tree);
        } catch (IOException | RuntimeException e) {
            try {
                return JSON.writeValueAsString(tree); // YAML is a superset of JSON: still a YAML test
            } catch (IOException ex) {
                throw new IllegalStateException(ex);
            }
        }
    }

    private static ObjectNode rich() {
        try {
            return (ObjectNode) YAML.readTree(RICH);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Example
    void theRichConfigIsValidInBothFormats() throws ConfigException {
        ConfigLoader loader = new ConfigLoader(ENV::get);
        assertEquals(8, loader.parse(RICH, "rich.yaml").providers().size());
        assertEquals(8, loader.parse(write(rich(), true), "rich.json").providers().size());
        assertEquals(8, loader.parse(write(rich(), false), "rich.yaml").providers().size());
    }

    // --- 1. arbitrary text and bytes

    @Provide
    Arbitrary<String> texts() {
        return Arbitraries.oneOf(
                Arbitraries.strings().all().ofMaxLength(300),
                Arbitraries.strings().withChars("abc:-[]{},&*!|>'\"%@`#?$ \n\t\r\\.01y").ofMaxLength(300),
                Arbitraries.strings().withChars("{}[]\":,0123456789.eE+-truefalsn \n\\u").ofMaxLength(300),
                Arbitraries.strings().withCharRange('\u0000', '\u0040').ofMaxLength(100));
    }

    @Property(tries = 500)
    void anyTextIsAConfigOrAConfigException(@ForAll("texts") String text) {
        ConfigLoader loader = new ConfigLoader(ENV::get);
        assertWellFormed(outcome(loader, text, "c.yaml"), "c.yaml");
        assertWellFormed(outcome(loader, text, "c.json"), "c.json");
    }

    @Property(tries = 200)
    void anyBytesInAFileAreAConfigOrAConfigException(@ForAll("bytes") byte[] bytes) throws IOException {
        ConfigLoader loader = new ConfigLoader(ENV::get);
        for (String suffix : List.of(".yaml", ".json")) {
            Path file = Files.createTempFile("wan-agent-config", suffix);
            try {
                Files.write(file, bytes);
                ConfigException e = assertTimeoutPreemptively(LIMIT, () -> {
                    try {
                        loader.load(file);
                        return null;
                    } catch (ConfigException ce) {
                        return ce;
                    }
                });
                assertWellFormed(e, file.toString(), file.getFileName().toString());
            } finally {
                Files.deleteIfExists(file);
            }
        }
    }

    @Provide
    Arbitrary<byte[]> bytes() {
        return Arbitraries.oneOf(
                Arbitraries.bytes().array(byte[].class).ofMaxSize(1000),
                Arbitraries.strings().withChars("ab:- {}[]\n\"'&*").ofMaxLength(300)
                        .map(s -> s.getBytes(StandardCharsets.UTF_8)));
    }

    // --- 2. mutated valid configs

    /** Change {@code target} (modulo the number of nodes): 0 new value, 1 rename key, 2 remove, 3 add a sibling. */
    record Mutation(int target, int kind, JsonNode value, String key) {
    }

    @Provide
    Arbitrary<List<Mutation>> mutations() {
        return Combinators.combine(Arbitraries.integers().between(0, 100_000), Arbitraries.integers().between(0, 3),
                values(2), keys()).as(Mutation::new).list().ofMinSize(1).ofMaxSize(6);
    }

    private static Arbitrary<String> keys() {
        return Arbitraries.oneOf(
                Arbitraries.of(KEYS),
                Arbitraries.of(KEYS).map(k -> k.substring(0, k.length() - 1)), // typos
                Arbitraries.of(KEYS).map(k -> k.toUpperCase(Locale.ROOT)),
                Arbitraries.strings().all().ofMaxLength(30),
                Arbitraries.of("", " ", "<<", "a.b", "x[0]", "\u0000", "\u202ekey", "k\ney", "\"", "?", "-"),
                Arbitraries.strings().alpha().ofMinLength(60).ofMaxLength(200));
    }

    @Provide
    static Arbitrary<String> durations() {
        Arbitrary<String> number = Arbitraries.oneOf(
                Arbitraries.longs().between(0, Long.MAX_VALUE).map(String::valueOf),
                Arbitraries.integers().between(0, 100_000).map(String::valueOf),
                Arbitraries.bigIntegers().between(BigInteger.ZERO, BigInteger.TEN.pow(60)).map(BigInteger::toString),
                Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(300),
                Arbitraries.of("-1", "1.5", "0x10", "", " ", "00000000000000000000001"));
        Arbitrary<String> unit = Arbitraries.of("ms", "s", "m", "h", "d", "", " s", "  d", "S", "min", "w", "y", "ns");
        return Combinators.combine(number, unit).as((n, u) -> n + u);
    }

    private static Arbitrary<JsonNode> scalars() {
        return Arbitraries.oneOf(
                Arbitraries.strings().all().ofMaxLength(40).map(TextNode::valueOf),
                Arbitraries.strings().withCharRange('\u0000', '\u001f').ofMaxLength(10).map(TextNode::valueOf),
                Arbitraries.of("", " ", "true", "yes", "off", "1m", "0s", "500ms", "99999999999999999999d",
                        "${NOIP_PASSWORD}", "${UNSET_VARIABLE}", "${file:/dev/zero}", "${file:/nonexistent/x}",
                        "${file:}", "${", "$${x}", "${bad name}", "${file:/a\u0000b}", "http://me:pw@h.example/",
                        "https://x.example/?k=v", "0.0.0.0:8787", "127.0.0.1:1", "8787", "::1", "256.1.1.1",
                        "192.168.1.1", "a.b", "*.example.com", "example.com", "\u202e", "S3cretValue", "-1", "65536",
                        "TCP", "udp", "v3", "SHA", "AES-256", "hmac-sha512", "dyn", "POST", "auto", "((((",
                        "c2VjcmV0").map(TextNode::valueOf),
                durations().map(TextNode::valueOf),
                Arbitraries.longs().map(LongNode::valueOf),
                Arbitraries.integers().between(-70_000, 70_000).map(i -> (JsonNode) NODES.numberNode(i)),
                Arbitraries.bigIntegers().between(BigInteger.TEN.pow(18), BigInteger.TEN.pow(80)).map(BigIntegerNode::valueOf),
                Arbitraries.doubles().map(DoubleNode::valueOf),
                Arbitraries.of(Double.NaN, Double.POSITIVE_INFINITY, 1e300).map(DoubleNode::valueOf),
                Arbitraries.of(BooleanNode.TRUE, BooleanNode.FALSE, NullNode.instance));
    }

    private static Arbitrary<JsonNode> values(int depth) {
        if (depth == 0) return scalars();
        Arbitrary<JsonNode> list = values(depth - 1).list().ofMaxSize(3).map(elements -> {
            ArrayNode array = NODES.arrayNode();
            elements.forEach(array::add);
            return array;
        });
        Arbitrary<JsonNode> map = Combinators.combine(keys(), values(depth - 1)).as((k, v) -> Map.entry(k, v))
                .list().ofMaxSize(3).map(entries -> {
                    ObjectNode object = NODES.objectNode();
                    entries.forEach(e -> object.set(e.getKey(), e.getValue()));
                    return object;
                });
        Arbitrary<JsonNode> deep = Arbitraries.integers().between(1, 100).map(ConfigLoaderPropertiesTest::nested);
        return Arbitraries.frequencyOf(Tuple.of(6, scalars()), Tuple.of(2, list), Tuple.of(2, map), Tuple.of(1, deep));
    }

    private static JsonNode nested(int depth) {
        JsonNode node = TextNode.valueOf("bottom");
        for (int i = 0; i < depth; i++) {
            if (i % 2 == 0) {
                node = NODES.arrayNode().add(node);
            } else {
                ObjectNode o = NODES.objectNode();
                o.set("name", node);
                node = o;
            }
        }
        return node;
    }

    /** A place in the tree: a field of an object or an element of an array. */
    private record Slot(JsonNode container, String field, int index) {
    }

    private static List<Slot> slots(JsonNode node) {
        List<Slot> out = new ArrayList<>();
        collect(node, out);
        return out;
    }

    private static void collect(JsonNode node, List<Slot> out) {
        if (node.isObject()) {
            for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                out.add(new Slot(node, name, -1));
                collect(node.get(name), out);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                out.add(new Slot(node, null, i));
                collect(node.get(i), out);
            }
        }
    }

    static ObjectNode mutate(ObjectNode base, List<Mutation> mutations) {
        ObjectNode root = base.deepCopy();
        for (Mutation m : mutations) {
            List<Slot> slots = slots(root);
            JsonNode value = m.value().deepCopy();
            if (slots.isEmpty()) {
                root.set(m.key(), value);
                continue;
            }
            Slot s = slots.get(m.target() % slots.size());
            if (s.container() instanceof ObjectNode object) {
                switch (m.kind()) {
                    case 0 -> object.set(s.field(), value);
                    case 1 -> {
                        JsonNode old = object.remove(s.field());
                        object.set(m.key(), old);
                    }
                    case 2 -> object.remove(s.field());
                    default -> object.set(m.key(), value);
                }
            } else if (s.container() instanceof ArrayNode array) {
                switch (m.kind()) {
                    case 0, 1 -> array.set(s.index(), value);
                    case 2 -> array.remove(s.index());
                    default -> array.insert(s.index(), value);
                }
            }
        }
        return root;
    }

    @Property(tries = 500)
    void mutatedConfigsAreAConfigOrAConfigException(@ForAll("mutations") List<Mutation> mutations) {
        ConfigLoader loader = new ConfigLoader(ENV::get);
        ObjectNode tree = mutate(rich(), mutations);
        assertWellFormed(outcome(loader, write(tree, false), "m.yaml"), "m.yaml");
        assertWellFormed(outcome(loader, write(tree, true), "m.json"), "m.json");
    }

    @Property(tries = 300)
    void mutatedSmallConfigsAreAConfigOrAConfigException(@ForAll("mutations") List<Mutation> mutations) throws IOException {
        ConfigLoader loader = new ConfigLoader(ENV::get);
        ObjectNode tree = mutate((ObjectNode) YAML.readTree(ConfigLoaderTest.EXAMPLE), mutations);
        assertWellFormed(outcome(loader, write(tree, false), "s.yaml"), "s.yaml");
        assertWellFormed(outcome(loader, write(tree, true), "s.json"), "s.json");
    }

    // --- 3. durations: always bounded, or refused naming the key

    @Property(tries = 500)
    void durationsAreWithinTheirBoundsOrRefused(@ForAll("durations") String text, @ForAll boolean json) {
        ConfigLoader loader = new ConfigLoader(ENV::get);
        Map<String, Duration[]> bounds = Map.of(
                "pollInterval", new Duration[] {Duration.ofSeconds(1), Duration.ofDays(1)},
                "router.snmp.timeout", new Duration[] {Duration.ofMillis(100), Duration.ofSeconds(60)},
                "providers[0].forceRefresh", new Duration[] {Duration.ofHours(1), Duration.ofDays(365)});
        for (Map.Entry<String, Duration[]> key : bounds.entrySet()) {
            ObjectNode tree = (ObjectNode) YAML.valueToTree(Map.of("providers",
                    List.of(new HashMap<>(Map.of("type", "duckdns", "token", "t", "hostnames", List.of("a.duckdns.org"))))));
            switch (key.getKey()) {
                case "pollInterval" -> tree.put("pollInterval", text);
                case "router.snmp.timeout" -> tree.putObject("router").putObject("snmp").put("timeout", text);
                default -> ((ObjectNode) tree.get("providers").get(0)).put("forceRefresh", text);
            }
            String name = json ? "d.json" : "d.yaml";
            AgentConfig[] parsed = new AgentConfig[1];
            ConfigException e = assertTimeoutPreemptively(LIMIT, () -> {
                try {
                    parsed[0] = loader.parse(write(tree, json), name);
                    return null;
                } catch (ConfigException ce) {
                    return ce;
                }
            });
            if (e == null) {
                Duration d = switch (key.getKey()) {
                    case "pollInterval" -> parsed[0].pollInterval();
                    case "router.snmp.timeout" -> parsed[0].router().snmp().timeout();
                    default -> parsed[0].providers().get(0).common().forceRefresh();
                };
                assertTrue(d.compareTo(key.getValue()[0]) >= 0 && d.compareTo(key.getValue()[1]) <= 0, text + " → " + d);
            } else {
                assertWellFormed(e, name);
                assertTrue(e.problems().stream().allMatch(line -> line.startsWith(key.getKey() + ": ")), e.getMessage());
            }
        }
    }

    // --- 4. a secret from the environment never appears in an error

    @Provide
    Arbitrary<String> secrets() {
        return Arbitraries.oneOf(
                Arbitraries.strings().withCharRange('!', '~').ofMinLength(12).ofMaxLength(40),
                Arbitraries.strings().alpha().numeric().ofMinLength(12).ofMaxLength(40),
                // mostly spaces would leave a trimmed secret of a letter or two, which any message holds by chance
                Arbitraries.strings().withCharRange('!', '~').withChars(" äß€").ofMinLength(12).ofMaxLength(40)
                        .filter(s -> s.trim().length() >= 12));
    }

    @Provide
    Arbitrary<String> placements() {
        return Arbitraries.of("${WAN_SECRET}", "x${WAN_SECRET}", "${WAN_SECRET}.example.com", "http://${WAN_SECRET}/",
                "https://u:${WAN_SECRET}@h.example/", "http://${WAN_SECRET}@h.example/", "${WAN_SECRET}:8787",
                "0.0.0.0:${WAN_SECRET}", "${WAN_SECRET}s", "1${WAN_SECRET}", "${ WAN_SECRET }");
    }

    @Property(tries = 500)
    void aSecretFromTheEnvironmentNeverAppearsInAnError(@ForAll("secrets") String secret,
                                                         @ForAll("placements") String placement,
                                                         @ForAll @IntRange(max = 100_000) int where,
                                                         @ForAll("mutations") List<Mutation> mutations,
                                                         @ForAll boolean json) {
        Map<String, String> env = new HashMap<>(ENV);
        env.put("WAN_SECRET", secret);
        ConfigLoader loader = new ConfigLoader(env::get);
        ObjectNode tree = mutate(rich(), mutations);
        placeSecret(tree, placement, where);
        String name = json ? "s.json" : "s.yaml";
        String text = write(tree, json);
        // a value that is also written in the file (a generated key or number) is no secret from the environment
        Assume.that(!text.toLowerCase(Locale.ROOT).contains(secret.trim().toLowerCase(Locale.ROOT)));
        ConfigException e = outcome(loader, text, name);
        assertWellFormed(e, name);
        if (e != null) {
            String message = e.getMessage().toLowerCase(Locale.ROOT);
            assertFalse(message.contains(secret.toLowerCase(Locale.ROOT)), () -> "secret shown: " + e.getMessage());
            assertFalse(message.contains(secret.trim().toLowerCase(Locale.ROOT)), () -> "secret shown: " + e.getMessage());
        }
    }

    /** Puts {@code placement} in place of the {@code where}-th scalar value of the tree (modulo their number). */
    private static void placeSecret(ObjectNode tree, String placement, int where) {
        List<Slot> scalars = slots(tree).stream().filter(s -> {
            JsonNode v = s.field() != null ? s.container().get(s.field()) : s.container().get(s.index());
            return v != null && v.isValueNode();
        }).toList();
        if (scalars.isEmpty()) {
            tree.put("stateDir", placement);
            return;
        }
        Slot s = scalars.get(where % scalars.size());
        if (s.container() instanceof ObjectNode object) object.put(s.field(), placement);
        else ((ArrayNode) s.container()).set(s.index(), TextNode.valueOf(placement));
    }
}
