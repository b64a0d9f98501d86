package dev.wanagent.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Regression tests: YAML aliases, secrets in errors, unreadable files, huge inputs. */
class ConfigSafetyTest {
    private static final String PASSWORD = "S3cret-Pa55word!";
    private final ConfigLoader loader = new ConfigLoader(Map.of("SNMP_COMMUNITY", "c0mm", "NOIP_PASSWORD", PASSWORD)::get);

    private ConfigException problems(String text, String name) {
        ConfigException e = assertThrows(ConfigException.class, () -> loader.parse(text, name));
        assertFalse(e.getMessage().contains(PASSWORD), e.getMessage());
        return e;
    }

    private ConfigException problems(String yaml) {
        return problems(yaml, "c.yaml");
    }

    private static String dyndns2(String extra) {
        return """
                providers:
                  - type: dyndns2
                    server: https://dynupdate.no-ip.com
                    username: me
                    password: ${NOIP_PASSWORD}
                    hostnames: [myhome.ddns.net]
                """ + extra;
    }

    // --- 2. YAML anchors and aliases

    @Test
    void aliasesAreRefusedNotReadAsTheirName() {
        ConfigException e = problems("""
                providers:
                  - type: duckdns
                    token: &pw AnchoredS3cretValue
                    hostnames: [a.duckdns.org]
                  - type: duckdns
                    token: *pw
                    hostnames: [b.duckdns.org]
                """);
        assertEquals(List.of(
                "providers[0].token: YAML anchors (&pw) are not supported; write the value out where it is used",
                "providers[1].token: YAML aliases (*pw) are not supported; write the value out"), e.problems());
        assertFalse(e.getMessage().contains("AnchoredS3cretValue"));
    }

    @Test
    void anchorsAndAliasesAnywhereAreCaught() {
        ConfigException e = problems("""
                base: &b {name: web, externalPort: 80}
                mappings: &maps
                  - &first {name: rdp, externalPort: 3389}
                  - *first
                  - <<: *b
                providers:
                  - type: duckdns
                    token: t
                    hostnames: [&h a.duckdns.org, *h]
                stateDir: *maps
                """);
        assertEquals(List.of(
                "base: YAML anchors (&b) are not supported; write the value out where it is used",
                "mappings: YAML anchors (&maps) are not supported; write the value out where it is used",
                "mappings[0]: YAML anchors (&first) are not supported; write the value out where it is used",
                "mappings[1]: YAML aliases (*first) are not supported; write the value out",
                "mappings[2].<<: YAML aliases (*b) are not supported; write the value out",
                "providers[0].hostnames[0]: YAML anchors (&h) are not supported; write the value out where it is used",
                "providers[0].hostnames[1]: YAML aliases (*h) are not supported; write the value out",
                "stateDir: YAML aliases (*maps) are not supported; write the value out"), e.problems());
        assertEquals(List.of("(top level): YAML anchors (&top) are not supported; write the value out where it is used"),
                problems("&top\npollInterval: 1m\n").problems());
        assertTrue(problems("k: &k key\n*k : v\n").problems()
                .contains("(top level): YAML aliases (*k) are not supported; write the value out"));
        // a document that is a list has no key to name (found by the any-bytes property: "[0]: ..." named nothing)
        assertEquals(List.of("(top level): YAML anchors (&a) are not supported; write the value out where it is used"),
                problems("- &a x\n").problems());
    }

    @Test
    void oneDocumentOnly() {
        assertEquals("c.yaml: holds more than one YAML document (another starts at line 2); a config is one document",
                problems("pollInterval: 1m\n---\npollInterval: 2m\n").getMessage());
    }

    // --- 3. no secrets in errors

    @Test
    void urlUserinfoIsMasked() {
        ConfigException plain = problems(dyndns2("").replace("https://dynupdate.no-ip.com", "http://me:PASSWORD@host.example/"));
        assertEquals(List.of("providers[0].server: \"http://****@host.example/\" has credentials in it: give them as"
                + " username and password"), plain.problems());
        ConfigException https = problems(dyndns2("").replace("https://dynupdate.no-ip.com", "https://me:PASSWORD@host.example/"));
        assertFalse(https.getMessage().contains("PASSWORD"), https.getMessage());
        ConfigException invalid = problems(dyndns2("").replace("https://dynupdate.no-ip.com",
                "'http://me:PASS WORD@host.example/'"));
        assertEquals(List.of("providers[0].server: \"http://****@host.example/\" is not a valid URL: Illegal character"
                + " in authority"), invalid.problems());
        ConfigException scheme = problems(dyndns2("").replace("https://dynupdate.no-ip.com", "ftp://me:PASSWORD@h.example/x?key=tok"));
        assertEquals(List.of("providers[0].server: \"ftp://****@h.example/x?****\" must start with https://"),
                scheme.problems());
        ConfigException location = problems("router: {upnp: {location: 'ftp://me:PASSWORD@192.168.1.1/rootDesc.xml'}}");
        assertEquals(List.of("router.upnp.location: \"ftp://****@192.168.1.1/rootDesc.xml\" must be an http:// URL of"
                + " the router's description (rootDesc.xml)"), location.problems());
    }

    @Test
    void interpolatedValuesAreNeverEchoed() {
        ConfigException e = problems(dyndns2("""
                    allowPlainHttp: ${NOIP_PASSWORD}
                    ipv6: "${NOIP_PASSWORD}"
                    verifyDnsServer: x${NOIP_PASSWORD}
                    forceRefresh: ${NOIP_PASSWORD}
                mappings: [{name: "${NOIP_PASSWORD}", externalPort: "${NOIP_PASSWORD}", protocol: "${NOIP_PASSWORD}"}]
                router: {snmp: {enabled: true, host: "${NOIP_PASSWORD}", community: c, version: "${NOIP_PASSWORD}"}}
                status: {listen: "${NOIP_PASSWORD}"}
                """).replace("[myhome.ddns.net]", "[myhome.ddns.net, '${NOIP_PASSWORD}']"));
        String from = "the value from ${NOIP_PASSWORD} (not shown)";
        assertTrue(e.problems().contains("providers[0].allowPlainHttp: expected true or false, got " + from), e.getMessage());
        assertTrue(e.problems().contains("providers[0].ipv6: expected true or false, got " + from), e.getMessage());
        assertTrue(e.problems().contains("providers[0].verifyDnsServer: " + from + " is not an IP address"), e.getMessage());
        assertTrue(e.problems().contains("providers[0].forceRefresh: " + from
                + " is not a duration (a number and a unit: 500ms, 30s, 5m, 1h, 1d)"), e.getMessage());
        assertTrue(e.problems().contains("providers[0].hostnames[1]: " + from + " is not a fully qualified host name"),
                e.getMessage());
        assertTrue(e.problems().contains("mappings[0].externalPort: " + from + " is not a port (1-65535)"), e.getMessage());
        assertTrue(e.problems().contains("mappings[0].protocol: " + from + " is not TCP or UDP"), e.getMessage());
        assertTrue(e.problems().contains("router.snmp.host: " + from
                + " is not an IP address (the router's LAN address; names are not looked up)"), e.getMessage());
        assertTrue(e.problems().contains("status.listen: " + from + " is not ADDRESS:PORT (e.g. 127.0.0.1:8787)"),
                e.getMessage());
        assertFalse(e.getMessage().contains(PASSWORD.toUpperCase()) || e.getMessage().contains(PASSWORD.toLowerCase()));
    }

    @Test
    void secretFromAFileIsNeverEchoed(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("pw"), "F1le-S3cret-Value\n");
        ConfigException e = problems(dyndns2("    verifyDns: ${file:" + file + "}\n"));
        assertEquals(List.of("providers[0].verifyDns: expected true or false, got the value from ${file:" + file
                + "} (not shown)"), e.problems());
    }

    @Test
    void literalValuesThatMayBeSecretsAreMasked() {
        assertEquals(List.of("providers[0].verifyDns: expected true or false, got \"****\""),
                problems(dyndns2("    verifyDns: S3cretValue\n")).problems());
        assertEquals(List.of("providers[0].verifyDns: expected true or false, got \"maybe\""),
                problems(dyndns2("    verifyDns: maybe\n")).problems(), "a plain word cannot be a secret");
        assertEquals(List.of("mappings[0].externalPort: expected a whole number, got text \"****\""),
                problems("mappings: [{name: a, externalPort: 9f8e7d6c5b4a39281706}]").problems());
    }

    @Test
    void keysNamedLikeSecretsNeverShowTheirValue() {
        Problems problems = new Problems();
        ObjectMapper json = new ObjectMapper();
        ConfigNode node = new ConfigNode(json.valueToTree(Map.of("apiToken", "plainword", "accessKeySecret", List.of("x"),
                "enabled", "plainword")), "p", problems, new Interpolation(k -> null));
        node.bool("apiToken", false);
        node.bool("enabled", false);
        node.integer("accessKeySecret", 0, 1, "a bit");
        assertEquals(List.of("p.apiToken: expected true or false, got a value (not shown)",
                "p.enabled: expected true or false, got \"plainword\"",
                "p.accessKeySecret: expected a whole number, got a list"), problems.exception().problems());
    }

    @Test
    void parseErrorsQuoteNoDocumentContent() {
        String token = "S3cretTok";
        for (String json : List.of("{\"a\": S3cretTok}", "{\"a\": \"S3cretTok", "{\"a\": 1} S3cretTok",
                "{\"a\": \"x\\qS3cretTok\"}", "{S3cretTok: 1}", "{\"a\": 0S3cretTok}", "[S3cretTok")) {
            ConfigException e = assertThrows(ConfigException.class, () -> loader.parse(json, "c.json"), json);
            assertTrue(e.getMessage().startsWith("c.json: not valid JSON at line 1, column "), e.getMessage());
            assertFalse(e.getMessage().contains(token), e.getMessage());
            assertFalse(e.getMessage().contains("S3cret"), e.getMessage());
        }
        assertEquals("c.json: not valid JSON at line 1, column 7: Unrecognized token",
                assertThrows(ConfigException.class, () -> loader.parse("{\"a\": S3cretTok}", "c.json")).getMessage());
        for (String yaml : List.of("a: \"S3cretTok", "a: b: S3cretTok", "a:\n\t- S3cretTok", "a: \"S3cret\\qTok\"",
                "a: !S3cret!x Tok", "a: [S3cretTok\nb: {", "a: S3cret\u0001Tok", "a: '''S3cretTok", "? [S3cretTok]\n: 1",
                "a: %S3cretTok", "a: @S3cretTok", "- S3cretTok\nb: 1", "a: &S3cretTok", "a: *S3cretTok x",
                "{a: S3cretTok: b}", "a: |S3cretTok\n  x", "%YAML 1.S3cretTok\n---\na: 1", "%TAG !S3cretTok! x\n---\na: 1")) {
            ConfigException e = assertThrows(ConfigException.class, () -> loader.parse(yaml, "c.yaml"), yaml);
            if (e.getMessage().contains("YAML aliases") || e.getMessage().contains("YAML anchors")) continue; // named
            assertFalse(e.getMessage().contains("S3cret"), yaml + " → " + e.getMessage());
        }
        assertEquals("c.yaml: not valid YAML at line 1, column 5: mapping values are not allowed here",
                problems("a: b: S3cretTok").getMessage());
        assertEquals("c.yaml: not valid YAML at line 2, column 1: found character … that cannot start any token."
                + " (while scanning for the next token)", problems("a:\n\t- S3cretTok").getMessage());
    }

    @Test
    void genericParserMessagesKeepOnlyPlainWords() {
        assertEquals("Unrecognized token", DocumentParser.generic("Unrecognized token 'S3cretTok': was expecting"
                + " (JSON String, Number, Array, Object or token 'null', 'true' or 'false')"));
        assertEquals("Unexpected character", DocumentParser.generic("Unexpected character ('S' (code 83)): expected a"
                + " valid value"));
        assertEquals("expected <block end>, but found '<block mapping start>'",
                DocumentParser.generic("expected <block end>, but found '<block mapping start>'"));
        assertEquals("could not find expected ':'", DocumentParser.generic("could not find expected ':'"));
        assertEquals("found unknown escape character", DocumentParser.generic("found unknown escape character q(113)"));
        assertEquals("found undefined tag handle", DocumentParser.generic("found undefined tag handle !S3cret!"));
        assertEquals("expected alphabetic or numeric character",
                DocumentParser.generic("expected alphabetic or numeric character, but found S(83)"));
        assertEquals("a syntax error", DocumentParser.generic("S3cretTok"));
        assertEquals("a syntax error", DocumentParser.generic(null));
    }

    // --- 4. files that never end or never answer

    @Test
    void secretFilesMustBeSmallRegularFiles(@TempDir Path dir) throws IOException {
        assertEquals(List.of("providers[0].password: file /dev/zero (from ${file:...}) is not a regular file (FIFOs,"
                        + " devices and directories are not read)"),
                problems(dyndns2("").replace("${NOIP_PASSWORD}", "${file:/dev/zero}")).problems());
        assertEquals(List.of("providers[0].password: file " + dir + " (from ${file:...}) is not a regular file (FIFOs,"
                        + " devices and directories are not read)"),
                problems(dyndns2("").replace("${NOIP_PASSWORD}", "${file:" + dir + "}")).problems());
        Path big = Files.write(dir.resolve("big"), new byte[64 * 1024 + 1]);
        assertEquals(List.of("providers[0].password: file " + big + " (from ${file:...}) is larger than 64 KiB"),
                problems(dyndns2("").replace("${NOIP_PASSWORD}", "${file:" + big + "}")).problems());
        Path binary = Files.write(dir.resolve("binary"), new byte[] {(byte) 0xff, (byte) 0xfe, 0x41});
        assertEquals(List.of("providers[0].password: file " + binary + " (from ${file:...}) is not UTF-8 text"),
                problems(dyndns2("").replace("${NOIP_PASSWORD}", "${file:" + binary + "}")).problems());
        Path link = Files.createSymbolicLink(dir.resolve("link"), Files.writeString(dir.resolve("real"), "linked-pw"));
        assertTrue(problems(dyndns2("    verifyDns: ${file:" + link + "}\n")).getMessage()
                .contains("got the value from ${file:" + link + "}"), "a symbolic link to a regular file is read");
    }

    @Test
    void aFifoIsNeverOpened(@TempDir Path dir) throws Exception {
        Path fifo = dir.resolve("fifo");
        assumeTrue(mkfifo(fifo), "mkfifo is available");
        ConfigException secret = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> problems(dyndns2("").replace("${NOIP_PASSWORD}", "${file:" + fifo + "}")));
        assertEquals(List.of("providers[0].password: file " + fifo + " (from ${file:...}) is not a regular file (FIFOs,"
                + " devices and directories are not read)"), secret.problems());
        ConfigException config = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> assertThrows(ConfigException.class, () -> loader.load(fifo)));
        assertEquals(fifo + ": not a regular file (a config is read from a file, not a FIFO, device or directory)",
                config.getMessage());
    }

    private static boolean mkfifo(Path path) {
        try {
            return new ProcessBuilder("mkfifo", path.toString()).start().waitFor() == 0 && Files.exists(path);
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Test
    void theConfigFileMustBeASmallRegularFile(@TempDir Path dir) throws IOException {
        assertEquals("/dev/zero: not a regular file (a config is read from a file, not a FIFO, device or directory)",
                assertThrows(ConfigException.class, () -> loader.load(Path.of("/dev/zero"))).getMessage());
        assertEquals(dir + ": not a regular file (a config is read from a file, not a FIFO, device or directory)",
                assertThrows(ConfigException.class, () -> loader.load(dir)).getMessage());
        Path big = Files.writeString(dir.resolve("big.yaml"), "# " + "x".repeat(1024 * 1024) + "\n");
        assertEquals(big + ": larger than 1 MiB (a config is at most 1 MiB)",
                assertThrows(ConfigException.class, () -> loader.load(big)).getMessage());
        Path latin1 = Files.write(dir.resolve("latin1.yaml"), new byte[] {'a', ':', ' ', (byte) 0xe9});
        assertEquals(latin1 + ": not UTF-8 text", assertThrows(ConfigException.class, () -> loader.load(latin1)).getMessage());
    }

    // --- 5. huge scalars and keys

    @Test
    void aHugeYamlScalarOrKeyIsRefusedByItsLineLength() {
        String mb = "a".repeat(1_000_000);
        assertEquals("c.yaml: line 2 is 1000010 characters long (YAML lines are at most 16384 characters)",
                problems("pollInterval: 1m\nstateDir: " + mb + "\n").getMessage());
        assertEquals("c.yaml: line 1 is 1000003 characters long (YAML lines are at most 16384 characters)",
                problems(mb + ": 1\n").getMessage());
        assertEquals("c.yaml: line 1 is 1000012 characters long (YAML lines are at most 16384 characters)",
                problems("stateDir: \"" + mb + "\"\n").getMessage());
    }

    @Test
    void aLongMultiLineScalarIsRead() throws ConfigException {
        String line = "a".repeat(16_000);
        StringBuilder yaml = new StringBuilder("stateDir: >-\n");
        for (int i = 0; i < 60; i++) yaml.append("  ").append(line).append('\n');
        AgentConfig c = loader.parse(yaml.toString(), "c.yaml");
        assertEquals(60 * 16_000 + 59, c.stateDir().toString().length());
    }

    @Test
    void jsonLimits() throws ConfigException {
        String mb = "a".repeat(1_000_000);
        assertEquals("c.json: has a key longer than 1024 characters",
                problems("{\"" + mb + "\": 1}", "c.json").getMessage());
        assertEquals(1_000_000, loader.parse("{\"stateDir\": \"" + mb + "\"}", "c.json").stateDir().toString().length());
        ConfigException longKey = problems("{\"" + "k".repeat(1000) + "\": 1}", "c.json");
        assertTrue(longKey.problems().get(0).startsWith("\"kkkkkkkkkk"), longKey.getMessage());
        assertTrue(longKey.problems().get(0).contains("… (1000 characters)\": unknown key;"), longKey.getMessage());
        assertEquals("c.json: is nested deeper than 64 levels", problems("[".repeat(100_000), "c.json").getMessage());
    }

    @Test
    void sizeAndCountLimits() {
        assertEquals("c.yaml: is longer than 1048576 characters (a config is at most 1 MiB)",
                problems("#" + "\n".repeat(1024 * 1024)).getMessage());
        assertEquals("c.yaml: is nested deeper than 64 levels (at line 65)",
                problems("- ".repeat(0) + "a:\n" + nested(70)).getMessage());
        StringBuilder unknown = new StringBuilder();
        for (int i = 0; i < 300; i++) unknown.append("unknown").append(i).append(": 1\n");
        ConfigException many = problems(unknown.toString());
        assertEquals(Problems.MAX_REPORTED + 1, many.problems().size());
        assertEquals("(250 more problems not listed; fix these first)", many.problems().get(Problems.MAX_REPORTED));
        assertEquals(List.of("mappings: has 1001 entries (at most 1000)"),
                problems("mappings:\n" + "  - {name: a, externalPort: 1}\n".repeat(1001)).problems());
        StringBuilder references = new StringBuilder("stateDir: >-\n");
        for (int i = 0; i < 5; i++) references.append("  ").append("${NOIP_PASSWORD}".repeat(1000)).append('\n');
        assertEquals(List.of("stateDir: is longer than 65536 characters after ${...} substitution"),
                problems(references.toString()).problems());
    }

    private static String nested(int depth) {
        StringBuilder out = new StringBuilder();
        for (int i = 1; i <= depth; i++) out.append("  ".repeat(i)).append("a:\n");
        return out.toString();
    }

    @Test
    void oddKeysAreQuotedInKeyPaths() {
        ConfigException e = problems("\"weird\\nkey\": 1\n\"\": 2\n\"a.b\": 3\n");
        assertTrue(e.problems().get(0).startsWith("\"weird\\nkey\": unknown key"), e.getMessage());
        assertTrue(e.problems().get(1).startsWith("\"\": unknown key"), e.getMessage());
        assertTrue(e.problems().get(2).startsWith("\"a.b\": unknown key"), e.getMessage());
        assertEquals(List.of("stateDir: \"a\\u0000b\" is not a valid path"), problems("stateDir: \"a\\0b\"").problems());
    }
}
