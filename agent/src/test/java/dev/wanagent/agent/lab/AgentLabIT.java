package dev.wanagent.agent.lab;

import dev.wanagent.agent.PrometheusText;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The agent jar, as a user runs it, against the lab's real miniupnpd, snmpd and a dyndns2 endpoint. */
class AgentLabIT {
    @TempDir
    Path dir;
    private Map<String, String> env;

    @BeforeEach
    void freshRouter() throws IOException {
        Lab.require();
        Lab.lab("wan-change", Lab.DEFAULT_WAN);
        Lab.lab("reboot-router"); // no mappings left from an earlier test
        env = Lab.AGENT_ENV;
    }

    private String config(String pollInterval, int leaseSeconds, String upnpExtra) {
        return Lab.agentConfig(dir.resolve("state"), pollInterval, leaseSeconds, upnpExtra);
    }

    private static boolean hasMappings(String table) {
        return Lab.hasMappings(table);
    }

    private static String upnpc() {
        return Lab.upnpcListOrEmpty();
    }

    @Test
    void runKeepsMappingsAndDnsFollowsTheWanAddress() throws Exception {
        try (FakeProvider provider = new FakeProvider(dir);
             WebhookSink hook = new WebhookSink();
             RunningAgent agent = new RunningAgent(Lab.writeConfig(dir, config("2s", 3600, "")
                     + "status: {listen: 127.0.0.1:18787}\n"
                     + "notify:\n  - type: webhook\n    url: " + hook.url() + "\n"), dir.resolve("agent.log"), env)) {
            Duration mapped = Lab.await("8080 and 3389 on the router", Duration.ofSeconds(10),
                    () -> hasMappings(upnpc()));
            System.out.println("lab: mappings visible with upnpc -l " + mapped.toMillis() + " ms after start");
            Lab.await("the provider to receive " + Lab.DEFAULT_WAN, Duration.ofSeconds(10),
                    () -> provider.received("home.example.net", Lab.DEFAULT_WAN));
            // the update came through the router's NAT, from the WAN address it reports
            assertTrue(provider.updates().get(0).endsWith(" " + Lab.DEFAULT_WAN), provider.updates().toString());
            agent.awaitPushed(Lab.DEFAULT_WAN);

            String next = Lab.lab("wan-change").trim();
            long changedAt = System.nanoTime();
            Duration followed = Lab.await("the provider to receive " + next, Duration.ofSeconds(10),
                    () -> provider.received("home.example.net", next));
            System.out.println("lab: DNS followed a WAN change in " + followed.toMillis() + " ms");
            assertEquals(2, provider.updates().size(), "one update per address, no resends: " + provider.updates());
            agent.awaitPushed(next);
            Lab.await("the webhook to hear of the WAN change to " + next, Duration.ofSeconds(10),
                    () -> hook.got("wan_change", "address", next));
            System.out.println("lab: the webhook heard of the WAN change " + (System.nanoTime() - changedAt) / 1_000_000
                    + " ms after it (at most; the provider's update came first)");
            assertEquals(List.of("wan_change"), hook.received().stream().map(b -> b.path("event").asText()).toList(),
                    "one notification: the start is no change, nor is the router's 0.0.0.0 in between");
            metricsAfterTheWanChange(next);
            Lab.Result status = Lab.run(List.of("curl", "-s", "http://127.0.0.1:18787/status"), Duration.ofSeconds(10));
            assertTrue(status.stdout().contains("\"address\" : \"" + next + "\""), status.stdout());
            assertTrue(status.stdout().contains("\"status\" : \"SUCCESS\""), status.stdout());
            assertFalse(status.stdout().contains(FakeProvider.PASSWORD), status.stdout());
            // health: ok once the pass with the new address is over (the one in between saw the router's 0.0.0.0)
            Lab.await("GET /healthz to answer 200 ok", Duration.ofSeconds(5), () -> curl("-s", "-w", " %{http_code}",
                    "http://127.0.0.1:18787/healthz").equals("ok\n 200"));
            assertEquals("pass requested\n 202", curl("-s", "-X", "POST", "-w", " %{http_code}",
                    "http://127.0.0.1:18787/trigger"));
            Lab.await("the pass POST /trigger asked for", Duration.ofSeconds(5),
                    () -> agent.logContains("pass: POST /trigger from 127.0.0.1"));

            // a mapping deleted behind the agent's back: lost, told, made again
            Lab.run(List.of("upnpc", "-u", Lab.ROOT_DESC, "-d", "8080", "TCP"), Duration.ofSeconds(10));
            Duration told = Lab.await("the webhook to hear that mapping web was lost", Duration.ofSeconds(10),
                    () -> hook.got("mapping_lost", "mapping", "web"));
            System.out.println("lab: the webhook heard of the deleted mapping " + told.toMillis() + " ms after upnpc -d");
            Lab.await("the webhook to hear that mapping web is back", Duration.ofSeconds(10),
                    () -> hook.got("mapping_restored", "mapping", "web"));
            assertTrue(hasMappings(upnpc()), "made again");

            Lab.lab("reboot-router");
            Duration back = Lab.await("mappings back after a router reboot", Duration.ofSeconds(10),
                    () -> hasMappings(upnpc()));
            System.out.println("lab: mappings back " + back.toMillis() + " ms after the router restarted");
            Lab.await("the webhook to hear of the router restart and of rdp lost and restored", Duration.ofSeconds(10),
                    () -> hook.got("router_restart", "mapping", "") && hook.got("mapping_lost", "mapping", "rdp")
                            && hook.got("mapping_restored", "mapping", "rdp"));
            Map<String, PrometheusText.Family> m = PrometheusText.parse(curl("-s", "http://127.0.0.1:18787/metrics"));
            assertTrue(PrometheusText.value(m, "wan_agent_router_restarts_total", Map.of()) >= 1);
            assertEquals(2, PrometheusText.value(m, "wan_agent_mapping_losses_total", Map.of("mapping", "web")),
                    "deleted once, lost in the reboot once");
            assertEquals(2, PrometheusText.value(m, "wan_agent_mapping_recreations_total", Map.of("mapping", "web")));
            assertEquals(0, PrometheusText.value(m, "wan_agent_notifications_total", Map.of("result", "failed")));

            long stopped = agent.stop();
            assertTrue(stopped >= 0, "the agent stops within 5 s of SIGTERM");
            System.out.println("lab: agent stopped " + stopped + " ms after SIGTERM");
            String output = agent.log();
            assertTrue(output.contains("mapping web: created TCP 8080 -> 192.168.77.100:80"), output);
            assertTrue(output.contains("WanMonitor - stopped"), output);
            assertFalse(output.contains(FakeProvider.PASSWORD), "no secret in the logs");
            assertFalse(output.contains("wanlab"), "no community in the logs");
        }
    }

    @Test
    void shortLeasesAreRenewedBeforeTheyRunOut() throws Exception {
        Path cfg = Lab.writeConfig(dir, config("1h", 4, "    events: false"));
        try (RunningAgent agent = new RunningAgent(cfg, dir.resolve("agent.log"), env, "-v")) {
            Lab.await("the 4 s mapping", Duration.ofSeconds(10), () -> upnpc().contains("8080->" + Lab.LAN_HOST));
            // with a 4 s lease and no renewal the mapping is gone after 4 s; poll is 1 h and events are off, so
            // only renewal keeps it
            long end = System.nanoTime() + Duration.ofSeconds(9).toNanos();
            while (System.nanoTime() < end) {
                assertTrue(upnpc().contains("8080->" + Lab.LAN_HOST), "mapping lost: lease not renewed\n" + agent.log());
                Thread.sleep(500);
            }
            assertTrue(agent.logContains("mapping web: renewed"), agent.log());
        }
    }

    @Test
    void oneShotCommands() throws Exception {
        Path cfg = Lab.writeConfig(dir, config("5m", 3600, ""));
        String path = cfg.toString();
        Lab.Result ip = Lab.agent(env, "wan-ip", "-c", path);
        assertEquals(new Lab.Result(0, Lab.DEFAULT_WAN + "\n", ""), ip);
        // net-snmp caches its address and route tables for some seconds after an earlier test moved the WAN
        Duration fresh = Lab.await("snmp to report " + Lab.DEFAULT_WAN, Duration.ofSeconds(90), () -> {
            try {
                return Lab.agent(env, "wan-ip", "-c", path, "--source", "snmp").stdout().equals(Lab.DEFAULT_WAN + "\n");
            } catch (IOException e) {
                return false;
            }
        });
        System.out.println("lab: snmp reported the WAN address after " + fresh.toMillis() + " ms");
        assertEquals(Lab.DEFAULT_WAN + "\n", Lab.agent(env, "wan-ip", "-c", path, "--source", "upnp").stdout());

        try (FakeProvider provider = new FakeProvider(dir)) {
            Lab.Result once = Lab.agent(env, "once", "-c", path);
            assertEquals(0, once.exit(), once.toString());
            assertTrue(once.stdout().startsWith("wan " + Lab.DEFAULT_WAN + " (upnp)\n"), once.stdout());
            assertTrue(once.stdout().contains("mapping web: ok TCP 8080 -> 192.168.77.100:80 'wan-agent web' lease 3600s"),
                    once.stdout());
            assertTrue(once.stdout().contains("dns home.example.net via dyndns2 labuser@11.22.33.1: ok good 11.22.33.44"),
                    once.stdout());
            assertTrue(hasMappings(Lab.upnpcList()));
            assertTrue(provider.received("home.example.net", Lab.DEFAULT_WAN));

            Lab.Result again = Lab.agent(env, "once", "-c", path);
            assertEquals(0, again.exit());
            assertTrue(again.stdout().contains("dns home.example.net via dyndns2 labuser@11.22.33.1: ok unchanged"),
                    again.stdout());
            assertEquals(1, provider.updates().size(), "a second run with the same address sends nothing");
        }

        Lab.Result table = Lab.agent(env, "mappings", "-c", path);
        assertEquals(0, table.exit());
        List<String> lines = table.stdout().lines().toList();
        assertEquals("UPnP: router " + Lab.ROOT_DESC + ": 2 port mappings", lines.get(0));
        assertTrue(lines.stream().anyMatch(l -> l.matches("\\* TCP +8080 -> 192\\.168\\.77\\.100:80 +lease \\d+s +'wan-agent web'")),
                table.stdout());
        assertTrue(lines.stream().anyMatch(l -> l.matches("\\* TCP +3389 -> 192\\.168\\.77\\.100:3389 +lease \\d+s +'wan-agent rdp'")),
                table.stdout());

        Lab.Result check = Lab.agent(env, "check", "-c", path);
        assertEquals(0, check.exit(), check.toString());
        assertTrue(check.stdout().contains("upnp: ok: IGD v2 'wan-agent lab router' at " + Lab.ROOT_DESC), check.stdout());
        assertTrue(check.stdout().contains("external address 11.22.33.44"), check.stdout());
        assertTrue(check.stdout().contains("snmp: ok: SNMP v2c at 192.168.77.1:161, WAN interface ifIndex"), check.stdout());
    }

    @Test
    void aDisconnectedWanNeverReachesDns() throws Exception {
        Path cfg = Lab.writeConfig(dir, config("5m", 3600, ""));
        try (FakeProvider provider = new FakeProvider(dir)) {
            Lab.lab("wan-remove");
            Lab.Result once = Lab.agent(env, "once", "-c", cfg.toString());
            assertEquals(1, once.exit(), once.toString());
            assertTrue(once.stdout().contains("not published: 0.0.0.0 it is the unspecified address"), once.stdout());
            assertTrue(provider.updates().isEmpty(), provider.updates().toString());
        } finally {
            Lab.lab("wan-change", Lab.DEFAULT_WAN);
        }
    }

    @Test
    void failuresAreOneClearLine() throws Exception {
        Path cfg = Lab.writeConfig(dir, config("5m", 3600, "    location: http://192.168.77.1:5999/rootDesc.xml")
                .replace("community: ${SNMP_COMMUNITY}", "community: wrong-community\n    timeout: 300ms\n    retries: 0"));
        Lab.Result r = Lab.agent(env, "wan-ip", "-c", cfg.toString());
        assertEquals(1, r.exit());
        assertEquals("", r.stdout());
        assertEquals(1, r.stderr().lines().count(), r.stderr());
        assertTrue(r.stderr().startsWith("wan-agent: cannot read the WAN address: upnp: cannot fetch the router"
                + " description http://192.168.77.1:5999/rootDesc.xml"), r.stderr());
        assertTrue(r.stderr().contains("snmp: no SNMP reply from 192.168.77.1:161 in 300 ms × 1: wrong community,"
                + " or SNMP off"), r.stderr());

        Path typo = Lab.writeConfig(dir, config("5m", 3600, "").replace("externalPort: 3389", "externalPort: 70000"));
        Lab.Result bad = Lab.agent(env, "run", "-c", typo.toString());
        assertEquals(1, bad.exit());
        assertTrue(bad.stderr().contains("mappings[1].externalPort: 70000 is not a port (1-65535)"), bad.stderr());
    }

    /**
     * GET /metrics after one WAN change, read twice: by the strict reader of the tests and by the Prometheus
     * Python client's parser (python3-prometheus-client), which must take the whole document.
     */
    private static void metricsAfterTheWanChange(String next) throws IOException {
        String text = curl("-s", "http://127.0.0.1:18787/metrics");
        Map<String, PrometheusText.Family> m = PrometheusText.parse(text);
        assertEquals(1, PrometheusText.value(m, "wan_agent_wan_changes_total", Map.of("family", "ipv4")));
        assertEquals(1, PrometheusText.value(m, "wan_agent_wan_address_info", Map.of("family", "ipv4", "address", next,
                "source", "upnp")));
        assertEquals(2, PrometheusText.value(m, "wan_agent_provider_updates_total",
                Map.of("provider", "dyndns2 labuser@11.22.33.1", "result", "success")));
        double pushes = PrometheusText.value(m, "wan_agent_change_to_dns_seconds_count", Map.of());
        assertEquals(2, pushes, "the first address and the change");
        System.out.println("lab: /metrics: change-to-DNS mean " + Math.round(1000 * PrometheusText.value(m,
                "wan_agent_change_to_dns_seconds_sum", Map.of()) / pushes) + " ms over 2, resident memory "
                + Math.round(PrometheusText.value(m, "wan_agent_process_resident_memory_bytes", Map.of()) / 1048576)
                + " MiB");

        Lab.Result parsed = Lab.run(List.of("/usr/bin/python3", Lab.ROOT.resolve("lab/parse-metrics.py").toString()),
                Duration.ofSeconds(20), text);
        assertEquals(0, parsed.exit(), "the Prometheus client's parser refused /metrics: " + parsed.stderr());
        assertTrue(parsed.stdout().contains("counter wan_agent_wan_changes_total{family=\"ipv4\"} 1.0\n"),
                parsed.stdout());
        assertTrue(parsed.stdout().contains("histogram wan_agent_change_to_dns_seconds_count{} 2.0\n"), parsed.stdout());
        assertTrue(parsed.stdout().contains("gauge wan_agent_wan_address_info{address=\"" + next
                + "\",family=\"ipv4\",source=\"upnp\"} 1.0\n"), parsed.stdout());
    }

    /** curl's output (stdout), or "" when it cannot run. */
    private static String curl(String... args) {
        List<String> cmd = new java.util.ArrayList<>(List.of("curl"));
        cmd.addAll(List.of(args));
        try {
            return Lab.run(cmd, Duration.ofSeconds(10)).stdout();
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
