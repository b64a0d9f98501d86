package dev.wanagent.agent.lab;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
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
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue D on the lab: RFC 2136 updates with TSIG to the real BIND9 in the router namespace, A and AAAA. */
class DdnsLabIT {
    private static final String ZONE = "home.wan-agent.test";
    private static final String WAN6 = "2a00:1111:2222:3333::44";
    @TempDir
    Path dir;
    private boolean inLab;
    private String tsig;

    @BeforeEach
    void lab() throws IOException {
        Lab.require();
        inLab = true;
        Lab.lab("wan-change", Lab.DEFAULT_WAN);
        tsig = Files.readString(Path.of("/run/wan-agent-lab/tsig.secret")).trim();
    }

    @AfterEach
    void restore() throws IOException {
        if (inLab) Lab.lab("wan-change", Lab.DEFAULT_WAN);
    }

    private Path config(String sources, String secretRef) throws IOException {
        return Files.writeString(dir.resolve("ddns-" + System.nanoTime() + ".yaml"), """
                router:
                %s
                pollInterval: 1h
                providers:
                  - type: rfc2136
                    server: 192.168.77.1:53
                    zone: %s
                    hostnames: [home.%s, www.%s]
                    tsigKeyName: wan-agent-key
                    tsigAlgorithm: hmac-sha256
                    tsigSecret: %s
                    ttl: 60
                    ipv6: true
                stateDir: %s
                """.formatted(sources, ZONE, ZONE, ZONE, secretRef, dir.resolve("state")));
    }

    private static String dig(String name, String type) throws IOException {
        return Lab.run(List.of("dig", "+short", "+time=2", "+tries=1", "@192.168.77.1", name, type),
                Duration.ofSeconds(10)).stdout().trim();
    }

    private static String serial() throws IOException {
        return dig(ZONE, "SOA").split("\\s+")[2];
    }

    @Test
    void bindFollowsTheWanAddressAndARestartSendsNothing() throws Exception {
        Map<String, String> env = Map.of("TSIG_SECRET", tsig);
        Path cfg = config("  upnp: {enabled: true}", "${TSIG_SECRET}");
        Lab.Result first = Lab.agent(env, "once", "-c", cfg.toString(), "-v");
        assertEquals(0, first.exit(), first.toString());
        assertTrue(first.stdout().contains("dns home." + ZONE + " via rfc2136 " + ZONE + "@192.168.77.1: ok NOERROR A 11.22.33.44"),
                first.stdout());
        assertEquals(Lab.DEFAULT_WAN, dig("home." + ZONE, "A"));
        assertEquals(Lab.DEFAULT_WAN, dig("www." + ZONE, "A"));
        assertFalse(first.stderr().contains(tsig), "the TSIG secret never reaches a log line");

        String serial = serial();
        Lab.Result again = Lab.agent(env, "once", "-c", cfg.toString());
        assertTrue(again.stdout().contains("ok unchanged"), again.stdout());
        assertEquals(serial, serial(), "a restart with an unchanged address sends no update");
        Lab.Result status = Lab.agent(env, "status", "-c", cfg.toString());
        assertEquals(0, status.exit(), status.toString());
        assertTrue(status.stdout().startsWith("wan 11.22.33.44 (upnp, seen "), status.stdout());
        assertTrue(status.stdout().contains("dns www." + ZONE + " A via rfc2136 " + ZONE + "@192.168.77.1: SUCCESS"
                + " 11.22.33.44 since "), status.stdout());

        String next = Lab.lab("wan-change").trim();
        Lab.Result changed = Lab.agent(env, "once", "-c", cfg.toString());
        assertEquals(0, changed.exit(), changed.toString());
        assertEquals(next, dig("home." + ZONE, "A"));
        assertEquals(next, dig("www." + ZONE, "A"));
        assertEquals("2a00:77:77::100", dig("home." + ZONE, "AAAA"),
                "AAAA records carry the LAN host's own address (IPv6 has no NAT), whatever the WAN source");
        assertFalse(changed.stdout().contains(" AAAA via rfc2136 " + ZONE + "@192.168.77.1: ok NOERROR"),
                "an IPv4 change sends no AAAA update: " + changed.stdout());
    }

    @Test
    void aaaaRecordsFromTheRoutersIpv6Address() throws Exception {
        Path cfg = Files.writeString(dir.resolve("router6.yaml"), Files.readString(config(
                "  upnp: {enabled: false}\n  snmp: {enabled: true, host: 192.168.77.1, community: wanlab}",
                "${TSIG_SECRET}")).replace("    ipv6: true\n", "    ipv6: true\n    ipv6Source: router\n"));
        Lab.Result r = Lab.agent(Map.of("TSIG_SECRET", tsig), "once", "-c", cfg.toString());
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.stdout().contains("dns home." + ZONE + " AAAA via rfc2136"), r.stdout());
        assertEquals(WAN6, dig("home." + ZONE, "AAAA"));
        assertEquals(WAN6, dig("www." + ZONE, "AAAA"));
    }

    @Test
    void verifyDnsAsksBindBeforeSending() throws Exception {
        Map<String, String> env = Map.of("TSIG_SECRET", tsig);
        Path plain = config("  upnp: {enabled: true}", "${TSIG_SECRET}");
        assertEquals(0, Lab.agent(env, "once", "-c", plain.toString()).exit()); // BIND now holds the address
        String serial = serial();

        Path verifying = Files.writeString(dir.resolve("verify.yaml"), Files.readString(plain)
                .replace("    ipv6: true\n", "    ipv6: true\n    verifyDns: true\n    verifyDnsServer: 192.168.77.1\n")
                .replace(dir.resolve("state").toString(), dir.resolve("state-verify").toString()));
        Lab.Result fresh = Lab.agent(env, "once", "-c", verifying.toString());
        assertEquals(0, fresh.exit(), fresh.toString());
        assertTrue(fresh.stdout().contains("dns home." + ZONE + " via rfc2136 " + ZONE + "@192.168.77.1: ok already in DNS"),
                fresh.stdout());
        assertEquals(serial, serial(), "a new state file with DNS already right sends no update");

        // the record is changed behind the agent's back; once the grace after its own update has passed, it repairs it
        Lab.Result sneaky = Lab.run(List.of("nsupdate", "-y", "hmac-sha256:wan-agent-key:" + tsig), Duration.ofSeconds(10),
                "server 192.168.77.1\nzone " + ZONE + "\nupdate delete home." + ZONE + " A\nupdate add home." + ZONE
                        + " 60 A 6.6.6.6\nsend\n");
        assertEquals(0, sneaky.exit(), sneaky.toString());
        assertEquals("6.6.6.6", dig("home." + ZONE, "A"));
        Path state = dir.resolve("state-verify").resolve("state.json");
        Files.writeString(state, Files.readString(state).replaceAll("\"updatedAt\" : \"[^\"]+\"",
                "\"updatedAt\" : \"2026-01-01T00:00:00Z\""));
        Lab.Result repaired = Lab.agent(env, "once", "-c", verifying.toString());
        assertEquals(0, repaired.exit(), repaired.toString());
        assertEquals(Lab.DEFAULT_WAN, dig("home." + ZONE, "A"));
    }

    @Test
    void aWrongKeyIsAClearRefusal() throws Exception {
        String wrong = "c2VjcmV0LXRoYXQtaXMtbm90LXRoZS1rZXktLS0tLS0=";
        Path cfg = config("  upnp: {enabled: true}", wrong);
        Lab.Result r = Lab.agent(Map.of(), "once", "-c", cfg.toString(), "-v");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.stdout().contains("FAILED NOTAUTH: the server does not accept key wan-agent-key"), r.stdout());
        assertFalse(r.stdout().contains(wrong) || r.stderr().contains(wrong), "no secret in output or logs");
        // refused: a second run does not send again (the config did not change)
        Lab.Result again = Lab.agent(Map.of(), "once", "-c", cfg.toString());
        assertTrue(again.stdout().contains("FAILED stopped: NOTAUTH"), again.stdout());
        Lab.Result status = Lab.agent(Map.of(), "status", "-c", cfg.toString());
        assertEquals(1, status.exit());
        assertTrue(status.stdout().contains("dns home." + ZONE + " A via rfc2136 " + ZONE + "@192.168.77.1: FATAL"
                + " 11.22.33.44: NOTAUTH"), status.stdout());
        assertTrue(status.stdout().contains("stopped until the provider's config changes"), status.stdout());
    }
}
