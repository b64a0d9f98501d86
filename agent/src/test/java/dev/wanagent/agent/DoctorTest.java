package dev.wanagent.agent;

import dev.wanagent.agent.Doctor.Conflict;
import dev.wanagent.agent.Doctor.Observations;
import dev.wanagent.agent.Doctor.ProviderRecord;
import dev.wanagent.agent.Doctor.SourceReading;
import dev.wanagent.agent.Doctor.Trouble;
import dev.wanagent.agent.Doctor.TroubleKind;
import dev.wanagent.agent.Doctor.UpnpFacts;
import dev.wanagent.config.AgentConfig;
import dev.wanagent.config.ConfigLoader;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The doctor's decisions, from observations made by hand. */
class DoctorTest {
    private static final String MAPPINGS = """
            mappings:
              - {name: web, externalPort: 8080, internalPort: 80}
            """;
    private static final String PROVIDER = """
            providers:
              - {type: dyndns2, server: https://dyn.example.net, username: me, password: pw, hostnames: [home.example.net]}
            """;
    private static final String PROVIDER_LABEL = "dyndns2 me@dyn.example.net";

    private static AgentConfig config(String yaml) throws Exception {
        return new ConfigLoader(Map.<String, String>of()::get).parse("router:\n  snmp: {enabled: true, host: 192.168.1.1,"
                + " community: c}\n" + yaml, "c.yaml");
    }

    private static InetAddress ip(String literal) throws Exception {
        return InetAddress.getByName(literal);
    }

    private static SourceReading upnp(String address) throws Exception {
        return SourceReading.ok("upnp", "IGD v2 'router'", ip(address));
    }

    private static SourceReading snmp(String address) throws Exception {
        return SourceReading.ok("snmp", "SNMP v2c", ip(address));
    }

    /** Observations with UPnP answering (connected, pinholes offered), no conflicts, no echo, no state. */
    private static final class Seen {
        AgentConfig config;
        List<SourceReading> sources = new ArrayList<>();
        Optional<UpnpFacts> upnp = Optional.of(new UpnpFacts("Connected", true));
        boolean mappingsRead = true;
        List<Conflict> conflicts = new ArrayList<>();
        Optional<WebEcho.Round> echo = Optional.empty();
        List<ProviderRecord> records = new ArrayList<>();
        List<Doctor.CredentialCheck> credentials = new ArrayList<>();

        Seen(String yaml, SourceReading... sources) throws Exception {
            this.config = config(yaml);
            this.sources.addAll(List.of(sources));
        }

        Seen echo(String... addresses) throws Exception {
            List<WebEcho.Answer> answers = new ArrayList<>();
            for (int i = 0; i < addresses.length; i++) {
                answers.add(WebEcho.Answer.of("https://echo" + i + ".example", ip(addresses[i])));
            }
            echo = Optional.of(new WebEcho.Round(answers, WebEcho.agreement(answers)));
            return this;
        }

        List<Finding> diagnose() {
            return Doctor.diagnose(new Observations(config, sources, upnp, mappingsRead, conflicts, echo, credentials,
                    records, Optional.empty()));
        }
    }

    private static Finding find(List<Finding> findings, String subject) {
        return findings.stream().filter(f -> f.subject().equals(subject)).findFirst()
                .orElseThrow(() -> new AssertionError("no '" + subject + "' in " + lines(findings)));
    }

    private static String lines(List<Finding> findings) {
        return String.join("\n", findings.stream().map(Finding::line).toList());
    }

    private static boolean blocks(List<Finding> findings) {
        return findings.stream().anyMatch(Finding::blocks);
    }

    @Test
    void aPublicAddressThatTheEchoConfirmsBlocksNothing() throws Exception {
        List<Finding> f = new Seen(MAPPINGS + PROVIDER, upnp("81.2.69.160"), snmp("81.2.69.160"))
                .echo("81.2.69.160", "81.2.69.160").diagnose();
        assertFalse(blocks(f), lines(f));
        assertEquals("wan: ok: the router's WAN address 81.2.69.160 (upnp) is public", find(f, "wan").line());
        assertTrue(find(f, "web echo").line().startsWith("web echo: ok: the internet sees 81.2.69.160 too: no NAT"
                + " beyond the router"), lines(f));
        assertEquals("summary: ok: nothing blocks this config's mappings or DNS", find(f, "summary").line());
        assertEquals("config: ok: 1 mapping(s), 1 provider(s), poll every 300s, state in "
                + config(MAPPINGS).stateDir(), f.get(0).line());
    }

    @Test
    void cgnatSaysNoPortForwardCanWork() throws Exception {
        List<Finding> f = new Seen(MAPPINGS, upnp("0.0.0.0"), snmp("100.64.0.44")).diagnose();
        assertEquals("cgnat: BLOCKING: the router's WAN address 100.64.0.44 (snmp) is in 100.64.0.0/10, the ISP's"
                + " carrier-grade NAT (one public address shared by many customers): no port forward can work from"
                + " the internet: ask the ISP for a public IPv4 address, or use IPv6", find(f, "cgnat").line());
        assertEquals("summary: BLOCKING: 1 problem(s) to fix, see above: cgnat", find(f, "summary").line());
        assertEquals("mappings: note: 1 declared, no external port held by another host (but unreachable from the"
                + " internet while the router's WAN address is not public, see above)", find(f, "mappings").line());
        // the edges of 100.64.0.0/10
        assertTrue(blocks(new Seen(MAPPINGS, snmp("100.127.255.254")).diagnose()));
        assertEquals("wan: ok: the router's WAN address 100.128.0.1 (snmp) is public",
                find(new Seen(MAPPINGS, snmp("100.128.0.1")).diagnose(), "wan").line());
        assertEquals("wan: ok: the router's WAN address 100.63.255.255 (snmp) is public",
                find(new Seen(MAPPINGS, snmp("100.63.255.255")).diagnose(), "wan").line());
    }

    @Test
    void aPrivateWanAddressIsDoubleNat() throws Exception {
        for (String a : List.of("10.0.0.44", "172.16.1.2", "172.31.255.1", "192.168.178.20")) {
            List<Finding> f = new Seen(PROVIDER, snmp(a)).diagnose();
            assertEquals("double-nat: BLOCKING: the router's WAN address " + a + " (snmp) is private (RFC 1918):"
                    + " another router or modem is in front of it (double NAT): forward the ports on the upstream"
                    + " router too, or put the first router in bridge mode", find(f, "double-nat").line());
        }
    }

    @Test
    void withoutMappingsOrProvidersANatIsOnlyAWarning() throws Exception {
        List<Finding> f = new Seen("", snmp("100.64.0.44")).diagnose();
        assertEquals(Finding.Level.WARNING, find(f, "cgnat").level());
        assertFalse(blocks(f), lines(f));
    }

    @Test
    void aNatBeyondTheRouterIsFoundByTheEcho() throws Exception {
        List<Finding> f = new Seen(MAPPINGS + PROVIDER, upnp("81.2.69.160")).echo("81.2.69.170", "81.2.69.170")
                .diagnose();
        Finding beyond = find(f, "nat-beyond");
        assertTrue(beyond.blocks());
        assertTrue(beyond.text().startsWith("the router says its WAN address is 81.2.69.160, but the internet sees"
                + " this network as 81.2.69.170 (web echo: https://echo0.example and https://echo1.example agree on"
                + " 81.2.69.170): there is another NAT beyond the router"), beyond.text());
        assertTrue(beyond.text().endsWith("forward the ports on the upstream device too (or put it in bridge mode),"
                + " or ask the ISP for a public IPv4 address"), beyond.text());
    }

    @Test
    void echoesThatDoNotAgreeCannotCrossCheck() throws Exception {
        List<Finding> f = new Seen(MAPPINGS, upnp("81.2.69.160")).echo("81.2.69.170", "81.2.69.171").diagnose();
        assertEquals(Finding.Level.WARNING, find(f, "web echo").level());
        assertTrue(find(f, "web echo").text().startsWith("no two echoes agree"), lines(f));
        assertFalse(blocks(f), lines(f));
        assertEquals("web echo: note: off (router.web.enabled: false): a NAT beyond the router cannot be detected",
                find(new Seen(MAPPINGS, upnp("81.2.69.160")).diagnose(), "web echo").line());
    }

    @Test
    void aConnectedRouterWithoutAnAddressIsExplained() throws Exception {
        // miniupnpd answers GetExternalIPAddress with nothing when its WAN address is private or reserved
        List<Finding> f = new Seen(MAPPINGS, upnp("0.0.0.0")).echo("81.2.69.170", "81.2.69.170").diagnose();
        Finding wan = find(f, "wan");
        assertTrue(wan.blocks());
        assertTrue(wan.text().startsWith("the router says it is connected but gives no WAN address: routers"
                + " (miniupnpd) do this when their WAN address is private or reserved"), wan.text());
        assertTrue(wan.text().contains("the internet sees this network as 81.2.69.170 (web echo)"), wan.text());
        Seen down = new Seen(MAPPINGS, upnp("0.0.0.0"));
        down.upnp = Optional.of(new UpnpFacts("Disconnected", true));
        assertEquals("wan: BLOCKING: the router has no WAN address (its internet connection is down): check the"
                + " router's internet connection", find(down.diagnose(), "wan").line());
    }

    @Test
    void upnpOffIsAWarningWhileAnotherSourceAnswersButBlocksTheMappings() throws Exception {
        List<Finding> f = new Seen(MAPPINGS, SourceReading.failed("upnp", new Trouble(TroubleKind.NOT_FOUND, "",
                "no usable UPnP IGD answered from the default gateway 192.168.1.1 within 3000 ms")),
                snmp("81.2.69.160")).diagnose();
        assertEquals("upnp: warning: no usable UPnP IGD answered from the default gateway 192.168.1.1 within 3000 ms:"
                + " UPnP is off on the router or blocked: turn on UPnP (IGD) in the router's settings, or set"
                + " router.upnp.location to its description URL", find(f, "upnp").line());
        assertEquals("mappings: BLOCKING: no port mapping can be made: the router answers UPnP (see upnp above)",
                find(f, "mappings").line());
        assertEquals(Finding.Level.OK, find(f, "wan").level());
    }

    @Test
    void pcpRefusalsAreNamed() {
        assertEquals(": the router does not let this host map ports over PCP/NAT-PMP: allow it in the router's"
                + " settings", Doctor.advice("pcp", new Trouble(TroubleKind.REFUSED, "NOT_AUTHORIZED", "")));
        assertTrue(Doctor.advice("pcp", new Trouble(TroubleKind.REFUSED, "UNSUPP_VERSION", ""))
                .startsWith(": the router speaks neither PCP 2 nor NAT-PMP"));
        assertTrue(Doctor.advice("pcp", new Trouble(TroubleKind.NO_ANSWER, "", ""))
                .startsWith(": PCP and NAT-PMP are off on the router"));
        assertEquals("", Doctor.advice("snmp", new Trouble(TroubleKind.NO_ANSWER, "", "")));
    }

    @Test
    void noSourceAtAllBlocksAndTheEchoStandsInOnlyForDns() throws Exception {
        Trouble t = new Trouble(TroubleKind.OTHER, "", "no SNMP reply");
        Seen nothing = new Seen(PROVIDER, SourceReading.failed("snmp", t));
        nothing.upnp = Optional.empty();
        assertEquals("wan: BLOCKING: no source gives the router's WAN address (see above); router.web (the web echo)"
                + " could stand in for DNS", find(nothing.diagnose(), "wan").line());
        List<Finding> withEcho = nothing.echo("81.2.69.170", "81.2.69.170").diagnose();
        assertEquals(Finding.Level.WARNING, find(withEcho, "wan").level());
        assertTrue(find(withEcho, "wan").text().contains("the web echo's 81.2.69.170 stands in for DNS"), lines(withEcho));
    }

    @Test
    void aPortHeldByAnotherHostBlocksUnlessForced() throws Exception {
        Seen s = new Seen(MAPPINGS, upnp("81.2.69.160"));
        s.conflicts.add(new Conflict(s.config.mappings().get(0), "192.168.1.66:80 ('other host')"));
        assertEquals("mapping web: BLOCKING: external port 8080/TCP is forwarded to 192.168.1.66:80 ('other host') by"
                + " another host: free it on the router (or stop the program on that host that holds it), choose"
                + " another externalPort, or set force: true to take it over", find(s.diagnose(), "mapping web").line());
        Seen forced = new Seen(MAPPINGS.replace("internalPort: 80}", "internalPort: 80, force: true}"),
                upnp("81.2.69.160"));
        forced.conflicts.add(new Conflict(forced.config.mappings().get(0), "192.168.1.66:80 ('other host')"));
        assertEquals(Finding.Level.WARNING, find(forced.diagnose(), "mapping web").level());
        assertEquals("mappings: ok: 1 declared, no external port held by another host",
                find(new Seen(MAPPINGS, upnp("81.2.69.160")).diagnose(), "mappings").line());
    }

    @Test
    void withHaAnotherHostHoldingEveryMappingIsTheActiveOneAndAPermanentLeaseBlocks() throws Exception {
        String ha = MAPPINGS + "ha: {enabled: true}\n";
        Seen standby = new Seen(ha, upnp("81.2.69.160"));
        standby.conflicts.add(new Conflict(standby.config.mappings().get(0), "192.168.1.66:80 ('wan-agent web')"));
        List<Finding> f = standby.diagnose();
        assertEquals("ha: ok: enabled (lease 30 s): 192.168.1.66 holds every mapping (the active host); this host is a"
                + " standby and takes over when they lapse", find(f, "ha").line());
        assertFalse(f.stream().anyMatch(Finding::blocks), lines(f));
        assertTrue(find(new Seen(ha, upnp("81.2.69.160")).diagnose(), "ha").line()
                .startsWith("ha: ok: enabled (lease 30 s): no other host holds the mappings"));
        Seen split = new Seen(ha + "  \n".repeat(0), upnp("81.2.69.160"));
        split.config = config(MAPPINGS + "  - {name: rdp, externalPort: 3389, internalPort: 3389}\nha: {enabled: true}\n");
        split.conflicts.add(new Conflict(split.config.mappings().get(1), "192.168.1.66:3389 ('x')"));
        assertEquals(Finding.Level.WARNING, find(split.diagnose(), "ha").level());
        Seen permanent = new Seen(ha, upnp("81.2.69.160"));
        List<Finding> p = Doctor.diagnose(new Observations(permanent.config, permanent.sources, permanent.upnp, true,
                List.of(), Optional.empty(), List.of(), List.of(), Optional.empty(), List.of("web")));
        assertTrue(find(p, "ha").blocks() && find(p, "ha").text().contains("permanent lease"), lines(p));
    }

    @Test
    void ipv6PinholesNotOfferedIsSaid() throws Exception {
        Seen s = new Seen(PROVIDER.replace("hostnames: [home.example.net]}", "hostnames: [home.example.net],"
                + " ipv6: true}"), upnp("81.2.69.160"));
        s.upnp = Optional.of(new UpnpFacts("Connected", false));
        Finding ipv6 = find(s.diagnose(), "ipv6");
        assertEquals(Finding.Level.WARNING, ipv6.level());
        assertTrue(ipv6.text().startsWith("the router's UPnP description has no WANIPv6FirewallControl service"),
                ipv6.text());
        Seen noAaaa = new Seen(PROVIDER, upnp("81.2.69.160"));
        noAaaa.upnp = Optional.of(new UpnpFacts("Connected", false));
        assertEquals(Finding.Level.NOTE, find(noAaaa.diagnose(), "ipv6").level());
    }

    private static StateStore.RecordState record(StateStore.Status status, String result) {
        Instant t = Instant.parse("2026-11-25T10:00:00Z");
        return new StateStore.RecordState(PROVIDER_LABEL, "home.example.net", StateStore.RecordType.A,
                status == StateStore.Status.SUCCESS ? "81.2.69.160" : null, status == StateStore.Status.SUCCESS ? t : null,
                status, result, "81.2.69.160", status == StateStore.Status.SUCCESS ? 0 : 1,
                status == StateStore.Status.RETRY ? t.plusSeconds(60) : null, "f");
    }

    @Test
    void aProviderThatRefusedTheCredentialsBlocks() throws Exception {
        Seen s = new Seen(PROVIDER, upnp("81.2.69.160"));
        s.records.add(new ProviderRecord(record(StateStore.Status.FATAL, "badauth"), false));
        assertEquals("provider " + PROVIDER_LABEL + ": BLOCKING: home.example.net A is refused by the provider"
                + " (badauth): check the credentials (username, password or token) and the hostname in the config;"
                + " the agent does not ask this provider again until its config changes",
                find(s.diagnose(), "provider " + PROVIDER_LABEL).line());
        Seen changed = new Seen(PROVIDER, upnp("81.2.69.160"));
        changed.records.add(new ProviderRecord(record(StateStore.Status.FATAL, "badauth"), true));
        assertEquals(Finding.Level.NOTE, find(changed.diagnose(), "provider " + PROVIDER_LABEL).level());
        Seen fine = new Seen(PROVIDER, upnp("81.2.69.160"));
        fine.records.add(new ProviderRecord(record(StateStore.Status.SUCCESS, "good 81.2.69.160"), false));
        assertEquals("provider " + PROVIDER_LABEL + ": ok: home.example.net A holds 81.2.69.160 since"
                + " 2026-11-25T10:00:00Z", find(fine.diagnose(), "provider " + PROVIDER_LABEL).line());
        assertEquals(Finding.Level.NOTE, find(new Seen(PROVIDER, upnp("81.2.69.160")).diagnose(),
                "provider " + PROVIDER_LABEL).level());
    }

    @Test
    void aReadOnlyCredentialCheckIsReported() throws Exception {
        Seen refused = new Seen(PROVIDER, upnp("81.2.69.160"));
        refused.credentials.add(new Doctor.CredentialCheck(PROVIDER_LABEL,
                dev.wanagent.ddns.UpdateOutcome.fatal("HTTP 403 (credentials refused) 9109 Invalid access token")));
        List<Finding> f = refused.diagnose();
        assertEquals("provider " + PROVIDER_LABEL + ": BLOCKING: the provider refuses the credentials (read-only check:"
                + " HTTP 403 (credentials refused) 9109 Invalid access token): fix the token or key (and its"
                + " permissions) in the config", find(f, "provider " + PROVIDER_LABEL).line());
        assertTrue(blocks(f));
        Seen accepted = new Seen(PROVIDER, upnp("81.2.69.160"));
        accepted.credentials.add(new Doctor.CredentialCheck(PROVIDER_LABEL,
                dev.wanagent.ddns.UpdateOutcome.success("token accepted (List Zones found example.com)")));
        assertEquals(Finding.Level.OK, find(accepted.diagnose(), "provider " + PROVIDER_LABEL).level());
        Seen unknown = new Seen(PROVIDER, upnp("81.2.69.160"));
        unknown.credentials.add(new Doctor.CredentialCheck(PROVIDER_LABEL, dev.wanagent.ddns.UpdateOutcome.retry("HTTP 503")));
        assertEquals(Finding.Level.WARNING, find(unknown.diagnose(), "provider " + PROVIDER_LABEL).level());
    }

    @Test
    void pcpKeepsTheMappingsWhileUpnpDoesNotAnswer() throws Exception {
        String both = "router:\n  pcp: {enabled: true}\n";
        Trouble off = new Trouble(TroubleKind.NOT_FOUND, "", "no usable UPnP IGD answered");
        Seen fallback = new Seen(MAPPINGS, SourceReading.failed("upnp", off), SourceReading.ok("pcp", "PCP", ip("81.2.69.160")));
        fallback.config = new ConfigLoader(Map.<String, String>of()::get).parse(both + MAPPINGS, "c.yaml");
        fallback.upnp = Optional.empty();
        fallback.mappingsRead = false;
        List<Finding> f = fallback.diagnose();
        assertFalse(blocks(f), lines(f));
        assertEquals("mappings: note: kept over PCP/NAT-PMP while the router does not answer UPnP", find(f, "mappings").line());

        Seen neither = new Seen(MAPPINGS, SourceReading.failed("upnp", off), SourceReading.failed("pcp",
                new Trouble(TroubleKind.REFUSED, "NOT_AUTHORIZED", "PCP result 2 NOT_AUTHORIZED")), snmp("81.2.69.160"));
        neither.config = new ConfigLoader(Map.<String, String>of()::get).parse(both
                + "  snmp: {enabled: true, host: 192.168.1.1, community: c}\n" + MAPPINGS, "c.yaml");
        neither.upnp = Optional.empty();
        List<Finding> n = neither.diagnose();
        assertEquals("mappings: BLOCKING: no port mapping can be made: the router answers neither UPnP nor PCP/NAT-PMP"
                + " (see upnp and pcp above)", find(n, "mappings").line());
        assertEquals("pcp: warning: PCP result 2 NOT_AUTHORIZED: the router does not let this host map ports over"
                + " PCP/NAT-PMP: allow it in the router's settings", find(n, "pcp").line());
    }
}
