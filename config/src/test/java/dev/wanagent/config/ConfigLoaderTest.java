package dev.wanagent.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigLoaderTest {
    /** The README's example, in short: valid with SNMP_COMMUNITY and NOIP_PASSWORD set. */
    static final String EXAMPLE = """
            router:
              upnp:
                enabled: true
                events: true
                location: null
              snmp:
                enabled: false
                host: 192.168.1.1
                version: v2c
                community: ${SNMP_COMMUNITY}
                user: wanread
            pollInterval: 5m
            mappings:
              - name: web
                externalPort: 8080
                internalPort: 80
                protocol: TCP
                internalClient: auto
                leaseSeconds: 3600
              - name: rdp
                externalPort: 3389
                internalPort: 3389
                protocol: TCP
            providers:
              - type: dyndns2
                server: https://dynupdate.no-ip.com
                username: me
                password: ${NOIP_PASSWORD}
                hostnames: [myhome.ddns.net]
            stateDir: /var/lib/wan-agent
            """;

    private final Map<String, String> env = Map.of("SNMP_COMMUNITY", "c0mm", "NOIP_PASSWORD", "s3cret-Pw!");
    private final ConfigLoader loader = new ConfigLoader(env::get);

    private ConfigException problems(String yaml) {
        return assertThrows(ConfigException.class, () -> loader.parse(yaml, "test.yaml"));
    }

    @Test
    void theDocumentedExampleLoads() throws ConfigException {
        AgentConfig c = loader.parse(EXAMPLE, "config.yaml");
        assertTrue(c.router().upnp().enabled());
        assertTrue(c.router().upnp().events());
        assertTrue(c.router().upnp().location().isEmpty());
        assertFalse(c.router().snmp().enabled());
        assertEquals("c0mm", c.router().snmp().community().orElseThrow().reveal());
        assertEquals(Duration.ofMinutes(5), c.pollInterval());
        assertEquals(2, c.mappings().size());
        MappingConfig web = c.mappings().get(0);
        assertEquals(new MappingConfig("web", 8080, 80, "TCP", java.util.Optional.empty(), 3600, false), web);
        assertEquals(3600, c.mappings().get(1).leaseSeconds(), "lease defaults to 3600 s");
        Dyndns2ProviderConfig p = (Dyndns2ProviderConfig) c.providers().get(0);
        assertEquals("https://dynupdate.no-ip.com", p.server().toString());
        assertEquals("s3cret-Pw!", p.password().reveal());
        assertEquals("****", p.password().toString());
        assertFalse(p.toString().contains("s3cret"), "a config record printed by accident shows no secret");
        assertEquals(Path.of("/var/lib/wan-agent"), c.stateDir());
    }

    @Test
    void jsonIsReadToo() throws ConfigException {
        AgentConfig c = loader.parse("""
                {"pollInterval": "30s", "mappings": [{"name": "game", "externalPort": 27015, "protocol": "udp"}],
                 "stateDir": "/tmp/x"}""", "config.json");
        assertEquals(Duration.ofSeconds(30), c.pollInterval());
        assertEquals("UDP", c.mappings().get(0).protocol());
        assertEquals(27015, c.mappings().get(0).internalPort(), "internalPort defaults to externalPort");
    }

    @Test
    void portOutOfRangeNamesTheKeyPath() {
        ConfigException e = problems(EXAMPLE.replace("externalPort: 3389", "externalPort: 70000"));
        assertEquals("mappings[1].externalPort: 70000 is not a port (1-65535)", e.problems().get(0));
    }

    @Test
    void typoInAKeyIsAnErrorWithASuggestion() {
        ConfigException e = problems(EXAMPLE.replace("internalPort: 80\n", "internalPrt: 80\n"));
        assertEquals(1, e.problems().size(), e.getMessage());
        assertTrue(e.problems().get(0).startsWith("mappings[0].internalPrt: unknown key (did you mean 'internalPort'?)"),
                e.getMessage());
    }

    @Test
    void unknownTopLevelKeyIsAnError() {
        ConfigException e = problems(EXAMPLE + "pollIntervall: 1m\n");
        assertTrue(e.problems().get(0).startsWith("pollIntervall: unknown key (did you mean 'pollInterval'?)"),
                e.getMessage());
    }

    @Test
    void wrongTypesAreNamed() {
        ConfigException e = problems(EXAMPLE.replace("externalPort: 8080", "externalPort: eighty")
                .replace("enabled: true", "enabled: maybe"));
        assertTrue(e.problems().contains("router.upnp.enabled: expected true or false, got \"maybe\""), e.getMessage());
        assertTrue(e.problems().contains("mappings[0].externalPort: expected a whole number, got text \"eighty\""),
                e.getMessage());
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        ConfigException e = problems(EXAMPLE.replace("protocol: TCP\n    internalClient", "protocol: SCTP\n    internalClient")
                .replace("pollInterval: 5m", "pollInterval: 5 minutes")
                .replace("internalClient: auto", "internalClient: 192.168.1.300"));
        assertEquals(3, e.problems().size(), e.getMessage());
        assertTrue(e.problems().contains("mappings[0].protocol: \"SCTP\" is not TCP or UDP"));
        assertTrue(e.problems().contains("mappings[0].internalClient: \"192.168.1.300\" is not an IPv4 address or 'auto'"));
        assertTrue(e.problems().get(0).startsWith("pollInterval: \"5 minutes\" is not a duration"));
    }

    @Test
    void unsetEnvironmentVariableIsNamed() {
        ConfigLoader noEnv = new ConfigLoader(Map.of("SNMP_COMMUNITY", "x")::get);
        ConfigException e = assertThrows(ConfigException.class, () -> noEnv.parse(EXAMPLE, "c.yaml"));
        assertEquals("providers[0].password: environment variable NOIP_PASSWORD is not set", e.problems().get(0));
    }

    @Test
    void fileReferenceReadsTrimmedContent(@TempDir Path dir) throws Exception {
        Path secret = dir.resolve("noip.pw");
        Files.writeString(secret, "  from-file-pw\n");
        AgentConfig c = loader.parse(EXAMPLE.replace("${NOIP_PASSWORD}", "${file:" + secret + "}"), "c.yaml");
        assertEquals("from-file-pw", ((Dyndns2ProviderConfig) c.providers().get(0)).password().reveal());

        ConfigException e = problems(EXAMPLE.replace("${NOIP_PASSWORD}", "${file:" + dir.resolve("missing") + "}"));
        assertEquals("providers[0].password: file " + dir.resolve("missing") + " (from ${file:...}) does not exist",
                e.problems().get(0));
    }

    @Test
    void interpolationWorksInsideTextAndForNumbers() throws ConfigException {
        ConfigLoader l = new ConfigLoader(Map.of("SNMP_COMMUNITY", "c", "NOIP_PASSWORD", "p", "HOST", "dyn.example",
                "PORT", "8443")::get);
        AgentConfig c = l.parse(EXAMPLE.replace("https://dynupdate.no-ip.com", "https://${HOST}:${PORT}/x")
                .replace("externalPort: 8080", "externalPort: ${PORT}"), "c.yaml");
        assertEquals("https://dyn.example:8443/x", ((Dyndns2ProviderConfig) c.providers().get(0)).server().toString());
        assertEquals(8443, c.mappings().get(0).externalPort());
        assertEquals("literal ${X}", new Interpolation(k -> null).apply("literal $${X}"));
    }

    @Test
    void secretsNeverAppearInErrors() {
        String pw = "hunter2-very-secret";
        ConfigLoader l = new ConfigLoader(Map.of("SNMP_COMMUNITY", pw, "NOIP_PASSWORD", pw)::get);
        // a wrong-typed secret and errors all around it
        ConfigException e = assertThrows(ConfigException.class, () -> l.parse(EXAMPLE
                .replace("password: ${NOIP_PASSWORD}", "password: [${NOIP_PASSWORD}]")
                .replace("server: https://dynupdate.no-ip.com", "server: http://dynupdate.no-ip.com")
                .replace("authPassphrase", "x") + "router2: ${NOIP_PASSWORD}\n", "c.yaml"));
        assertFalse(e.getMessage().contains(pw), e.getMessage());
        ConfigException shortPass = assertThrows(ConfigException.class, () -> l.parse(
                "router: {snmp: {enabled: true, host: 10.0.0.1, version: v3, user: u, authProtocol: SHA,"
                        + " authPassphrase: short}}", "c.yaml"));
        assertEquals("router.snmp.authPassphrase: is shorter than 8 characters (SNMP v3 requires at least 8)",
                shortPass.problems().get(0));
        assertFalse(shortPass.getMessage().contains("short}"));
    }

    @Test
    void plainHttpProviderNeedsLocalServerOrExplicitOptIn() throws ConfigException {
        ConfigException e = problems(EXAMPLE.replace("https://dynupdate", "http://dynupdate"));
        assertTrue(e.problems().get(0).startsWith("providers[0].server: \"http://dynupdate.no-ip.com\" uses plain http"),
                e.getMessage());
        loader.parse(EXAMPLE.replace("https://dynupdate.no-ip.com", "http://192.168.1.5:8245"), "c.yaml");
        loader.parse(EXAMPLE.replace("https://dynupdate.no-ip.com", "http://127.0.0.1"), "c.yaml");
        loader.parse(EXAMPLE.replace("https://dynupdate.no-ip.com", "http://11.22.33.1:8245\n    allowPlainHttp: true"),
                "c.yaml");
    }

    @Test
    void providerChecks() {
        assertTrue(problems(EXAMPLE.replace("type: dyndns2", "type: dyndns3")).problems()
                .contains("providers[0].type: \"dyndns3\" is not a known provider type (known: dyndns2, cloudflare,"
                        + " duckdns, rfc2136, alidns, dnspod, webhook)"));
        assertTrue(problems(EXAMPLE.replace("[myhome.ddns.net]", "[myhome]")).problems()
                .contains("providers[0].hostnames[0]: \"myhome\" is not a fully qualified host name"));
        assertTrue(problems(EXAMPLE.replace("    username: me\n", "")).problems()
                .contains("providers[0].username: is required"));
    }

    @Test
    void mappingChecks() {
        ConfigException e = problems(EXAMPLE.replace("name: rdp\n    externalPort: 3389", "name: web\n    externalPort: 8080"));
        assertTrue(e.problems().contains("mappings[1].name: \"web\" is already the name of mappings[0]"), e.getMessage());
        assertTrue(e.problems().contains("mappings[1].externalPort: 8080/TCP is already claimed by mappings[0]"),
                e.getMessage());
        assertTrue(problems(EXAMPLE.replace("leaseSeconds: 3600", "leaseSeconds: -5")).problems()
                .contains("mappings[0].leaseSeconds: -5 is not a lease in seconds (0-604800; 0 = permanent)"));
    }

    @Test
    void snmpV3NeedsItsKeys() {
        ConfigException e = problems("router: {snmp: {enabled: true, host: 10.0.0.1, version: v3}}");
        assertTrue(e.problems().contains("router.snmp.user: is required for SNMP v3"), e.getMessage());
        assertTrue(e.problems().contains("router.snmp.authPassphrase: is required for SNMP v3"), e.getMessage());
        assertTrue(problems("router: {snmp: {enabled: true, host: 10.0.0.1, version: v4, community: x}}").problems()
                .contains("router.snmp.version: \"v4\" is not a supported SNMP version (v2c or v3)"));
    }

    @Test
    void badDocuments() {
        assertEquals("test.yaml: the config is empty", problems("").getMessage());
        assertTrue(problems("router: [\n").getMessage().startsWith("test.yaml: not valid YAML at line"));
        assertEquals("test.yaml: not valid YAML at line 2, column 13: the key pollInterval is given twice",
                problems("pollInterval: 1m\npollInterval: 2m\n").getMessage());
        assertTrue(problems("- a\n- b\n").getMessage().contains("the top level must be a mapping"));
        assertEquals("router: no WAN address source is enabled (set router.upnp.enabled, router.snmp.enabled,"
                        + " router.pcp.enabled or router.openwrt.enabled)",
                problems("router: {upnp: {enabled: false}}").problems().get(0));
        assertEquals("mappings: port mappings are made over UPnP or PCP/NAT-PMP, but router.upnp.enabled and"
                        + " router.pcp.enabled are false",
                problems("router: {upnp: {enabled: false}, snmp: {enabled: true, host: 10.0.0.1, community: c}}\n"
                        + "mappings: [{name: a, externalPort: 80}]").problems().get(0));
    }

    @Test
    void sourcesAreUsedInConfigOrder() throws ConfigException {
        assertEquals(java.util.List.of("upnp"), loader.parse(EXAMPLE, "c.yaml").router().sourceOrder());
        String both = "router:\n  snmp: {enabled: true, host: 192.168.1.1, community: c}\n  upnp: {enabled: true}\n";
        assertEquals(java.util.List.of("snmp", "upnp"), loader.parse(both, "c.yaml").router().sourceOrder());
        String snmpOnly = "router:\n  snmp: {enabled: true, host: 192.168.1.1, community: c}\n";
        assertEquals(java.util.List.of("upnp", "snmp"), loader.parse(snmpOnly, "c.yaml").router().sourceOrder(),
                "UPnP is on by default and listed first when the config does not mention it");
        assertEquals(java.util.List.of("snmp"), loader.parse(snmpOnly.replace("router:\n", "router:\n  upnp: {enabled: false}\n"),
                "c.yaml").router().sourceOrder());
    }

    @Test
    void snmpHostAndTrapPortChecks() {
        assertTrue(problems("router: {snmp: {enabled: true, host: router.lan, community: c}}").problems()
                .contains("router.snmp.host: \"router.lan\" is not an IP address (the router's LAN address; names are not"
                        + " looked up)"));
        assertTrue(problems("router: {snmp: {enabled: true, host: 10.0.0.1, trapPort: 162}}").problems()
                .contains("router.snmp.trapPort: v2c traps are checked against router.snmp.community: set it"));
        // v3 traps are checked against the v3 user: no community needed (retries: 99 is the only problem here)
        assertEquals(List.of("router.snmp.retries: 99 is not a retry count (0-10)"), problems("router: {snmp: {enabled:"
                + " true, host: 10.0.0.1, version: v3, user: u, authProtocol: SHA, authPassphrase: \"12345678\","
                + " trapPort: 162, retries: 99}}").problems());
    }

    /** The README's config example and each provider example load as documented. */
    @Test
    void theReadmeExamplesLoad(@TempDir Path dir) throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        Path tsig = Files.writeString(dir.resolve("tsig.secret"), "c2VjcmV0LWtleS1tYXRlcmlhbA==\n");
        readme = readme.replace("/etc/wan-agent/tsig.secret", tsig.toString());
        ConfigLoader anyEnv = new ConfigLoader(name -> "value-of-" + name);
        java.util.regex.Matcher config = java.util.regex.Pattern.compile("## Configuration.*?```yaml\n(.*?)```",
                java.util.regex.Pattern.DOTALL).matcher(readme);
        assertTrue(config.find(), "README has a configuration example");
        AgentConfig c = anyEnv.parse(config.group(1), "README.yaml");
        assertEquals(2, c.mappings().size());
        java.util.regex.Matcher providers = java.util.regex.Pattern.compile("```yaml\n(  - type: .*?)```",
                java.util.regex.Pattern.DOTALL).matcher(readme);
        StringBuilder all = new StringBuilder("providers:\n");
        int count = 0;
        while (providers.find()) {
            all.append(providers.group(1));
            count++;
        }
        assertEquals(ConfigLoader.TYPES.size(), count, "one example per provider type");
        AgentConfig p = anyEnv.parse(all.toString(), "README-providers.yaml");
        assertEquals(ConfigLoader.TYPES, p.providers().stream().map(ProviderConfig::type).toList());
    }

    @Test
    void loadReportsMissingFile(@TempDir Path dir) {
        ConfigException e = assertThrows(ConfigException.class, () -> loader.load(dir.resolve("nope.yaml")));
        assertEquals(dir.resolve("nope.yaml") + ": no such file", e.getMessage());
    }

    @Test
    void durationsHaveAnUpperBoundPerKeyAndNeverOverflow() throws ConfigException {
        assertEquals(List.of("pollInterval: \"100000000000000d\" is too long (at most 1d)"),
                problems("pollInterval: 100000000000000d").problems());
        assertEquals(List.of("pollInterval: \"99999999999999999999s\" is too long (at most 1d)"),
                problems("pollInterval: 99999999999999999999s").problems());
        assertEquals(List.of("pollInterval: \"9223372036854775807ms\" is too long (at most 1d)"),
                problems("pollInterval: 9223372036854775807ms").problems());
        assertEquals(List.of("pollInterval: \"106751991167301d\" is too long (at most 1d)"),
                problems("pollInterval: 106751991167301d").problems(), "Duration.ofDays would overflow toMillis()");
        assertEquals(List.of("pollInterval: \"25h\" is too long (at most 1d)"), problems("pollInterval: 25h").problems());
        String digits = "9".repeat(5000) + "d";
        assertTrue(problems("pollInterval: " + digits).problems().get(0).endsWith(" is too long (at most 1d)"));
        assertEquals(List.of("router.snmp.timeout: \"61s\" is too long (at most 1m)"),
                problems("router: {snmp: {timeout: 61s}}").problems());
        assertEquals(List.of("providers[0].forceRefresh: \"366d\" is too long (at most 365d)"),
                problems("providers: [{type: duckdns, token: t, hostnames: [a.duckdns.org], forceRefresh: 366d}]")
                        .problems());
        assertEquals(List.of("providers[0].forceRefresh: \"30m\" is too short (at least 1h)"),
                problems("providers: [{type: duckdns, token: t, hostnames: [a.duckdns.org], forceRefresh: 30m}]")
                        .problems());
        assertEquals(Duration.ofDays(1), loader.parse("pollInterval: 0001d", "c.yaml").pollInterval());
        assertEquals(Duration.ofDays(1), loader.parse("pollInterval: 86400000ms", "c.yaml").pollInterval());
        assertEquals(Duration.ofSeconds(60), loader.parse("router: {snmp: {timeout: 60s}}", "c.yaml").router().snmp().timeout());
        assertTrue(ConfigLoader.MAX_FORCE_REFRESH.compareTo(ConfigLoader.MAX_DURATION) <= 0);
    }

    private static final String TOKEN = "0123456789abcdef0123"; // 20 characters

    @Test
    void statusTokenIsRequiredOffLoopback() throws ConfigException {
        ConfigLoader l = new ConfigLoader(Map.of("STATUS_TOKEN", TOKEN, "SHORT", "tooShort-9")::get);
        ConfigException open = assertThrows(ConfigException.class,
                () -> l.parse("status: {listen: 0.0.0.0:8787}", "c.yaml"));
        assertEquals(List.of("status.token: required when status.listen is not on loopback (0.0.0.0:8787 is reachable"
                + " from the network)"), open.problems());
        assertEquals(List.of("status.token: required when status.listen is not on loopback (192.168.1.10:9000 is"
                + " reachable from the network)"),
                assertThrows(ConfigException.class, () -> l.parse("status: {listen: 192.168.1.10:9000}", "c.yaml"))
                        .problems());

        AgentConfig lan = l.parse("status: {listen: 0.0.0.0:8787, token: '${STATUS_TOKEN}'}", "c.yaml");
        assertEquals(TOKEN, lan.statusToken().orElseThrow().reveal());
        assertFalse(lan.toString().contains(TOKEN), "the token is a Secret: masked when printed");

        AgentConfig loopback = l.parse("status: {listen: 127.0.0.1:8787}", "c.yaml");
        assertEquals(Optional.empty(), loopback.statusToken(), "optional on loopback");
        assertEquals(TOKEN, l.parse("status: {listen: 127.0.0.1:8787, token: '${STATUS_TOKEN}'}", "c.yaml")
                .statusToken().orElseThrow().reveal());
        assertEquals(Optional.empty(), l.parse("pollInterval: 1m", "c.yaml").statusToken());
    }

    @Test
    void statusTokenFromAFile(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("status.token"), TOKEN + "\n");
        AgentConfig c = loader.parse("status: {listen: 0.0.0.0:8787, token: '${file:" + file + "}'}", "c.yaml");
        assertEquals(TOKEN, c.statusToken().orElseThrow().reveal());
    }

    @Test
    void statusTokenMustBeLongAndPrintableAndIsNeverEchoed() {
        ConfigLoader l = new ConfigLoader(Map.of("SHORT", "tooShort-9")::get);
        ConfigException shortToken = assertThrows(ConfigException.class,
                () -> l.parse("status: {listen: 0.0.0.0:8787, token: '${SHORT}'}", "c.yaml"));
        assertEquals(List.of("status.token: is shorter than 16 characters (a bearer token needs at least 16;"
                + " e.g. openssl rand -hex 32)"), shortToken.problems());
        assertFalse(shortToken.getMessage().contains("tooShort-9"));
        ConfigException literal = problems("status: {listen: 127.0.0.1:8787, token: sh0rtLiteral}");
        assertEquals(1, literal.problems().size(), literal.getMessage());
        assertFalse(literal.getMessage().contains("sh0rtLiteral"));
        ConfigException spaces = problems("status: {token: 'a token with spaces in it'}");
        assertEquals(List.of("status.token: may hold only visible ASCII characters (no spaces or control characters):"
                + " it is sent in an HTTP header"), spaces.problems());
        assertTrue(problems("status: {token: 1234567890123456789}").problems()
                .contains("status.token: expected text (quote it), got a number"));
    }
}
