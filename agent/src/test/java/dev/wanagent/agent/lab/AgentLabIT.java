package dev.wanagent.agent.lab;

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
        Path cfg = Lab.writeConfig(dir, config("2s", 3600, "") + "status: {listen: 127.0.0.1:18787}\n");
        try (FakeProvider provider = new FakeProvider(dir);
             RunningAgent agent = new RunningAgent(cfg, dir.resolve("agent.log"), env)) {
            Duration mapped = Lab.await("8080 and 3389 on the router", Duration.ofSeconds(10),
                    () -> hasMappings(upnpc()));
            System.out.println("lab: mappings visible with upnpc -l " + mapped.toMillis() + " ms after start");
            Lab.await("the provider to receive " + Lab.DEFAULT_WAN, Duration.ofSeconds(10),
                    () -> provider.received("home.example.net", Lab.DEFAULT_WAN));
            // the update came through the router's NAT, from the WAN address it reports
            assertTrue(provider.updates().get(0).endsWith(" " + Lab.DEFAULT_WAN), provider.updates().toString());
            agent.awaitPushed(Lab.DEFAULT_WAN);

            String next = Lab.lab("wan-change").trim();
            Duration followed = Lab.await("the provider to receive " + next, Duration.ofSeconds(10),
                    () -> provider.received("home.example.net", next));
            System.out.println("lab: DNS followed a WAN change in " + followed.toMillis() + " ms");
            assertEquals(2, provider.updates().size(), "one update per address, no resends: " + provider.updates());
            agent.awaitPushed(next);
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

            Lab.lab("reboot-router");
            Duration back = Lab.await("mappings back after a router reboot", Duration.ofSeconds(10),
                    () -> hasMappings(upnpc()));
            System.out.println("lab: mappings back " + back.toMillis() + " ms after the router restarted");

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
