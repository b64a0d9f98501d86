package dev.wanagent.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigLoaderTest {
    private static final String EXAMPLE = """
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
        assertTrue(e.problems().contains("mappings: name 'web' is used twice"), e.getMessage());
        assertTrue(e.problems().contains("mappings: 'web' and 'web' both claim external port 8080/TCP"), e.getMessage());
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
        assertTrue(problems("pollInterval: 1m\npollInterval: 2m\n").getMessage().contains("Duplicate field 'pollInterval'"));
        assertTrue(problems("- a\n- b\n").getMessage().contains("the top level must be a mapping"));
        assertEquals("router: no WAN address source is enabled (set router.upnp.enabled or router.snmp.enabled)",
                problems("router: {upnp: {enabled: false}}").problems().get(0));
        assertEquals("mappings: port mappings are made over UPnP, but router.upnp.enabled is false",
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
        assertTrue(problems("router: {snmp: {enabled: true, host: 10.0.0.1, version: v3, user: u, authProtocol: SHA,"
                + " authPassphrase: 12345678, trapPort: 162}}").problems()
                .contains("router.snmp.trapPort: traps are checked against router.snmp.community: set it (v2c traps)"));
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
}
