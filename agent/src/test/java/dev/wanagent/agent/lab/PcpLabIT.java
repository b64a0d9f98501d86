package dev.wanagent.agent.lab;

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
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue F on the lab: PCP and NAT-PMP against the real miniupnpd (UDP 5351), UPnP disabled. */
class PcpLabIT {
    @TempDir
    Path dir;
    private int configs;

    @BeforeEach
    void lab() throws IOException {
        Lab.require();
    }

    private Path config(String pcp, String rest) throws IOException {
        return Files.writeString(dir.resolve("pcp-" + configs++ + ".yaml"), """
                router:
                  upnp: {enabled: false}
                  pcp: {enabled: true%s}
                pollInterval: 1h
                %s
                stateDir: %s
                """.formatted(pcp, rest, dir.resolve("state")));
    }

    @Test
    void wanIpOverPcpAndNatpmp() throws Exception {
        for (String pcp : List.of("", ", protocol: auto", ", protocol: pcp", ", protocol: natpmp",
                ", protocol: natpmp, gateway: 192.168.77.1")) {
            Lab.Result r = Lab.agent(Map.of(), "wan-ip", "-c", config(pcp, "").toString(), "--source", "pcp");
            assertEquals(new Lab.Result(0, Lab.DEFAULT_WAN + "\n", ""), r, "router.pcp: {enabled: true" + pcp + "}");
        }
        Lab.Result check = Lab.agent(Map.of(), "check", "-c", config("", "").toString());
        assertEquals(0, check.exit(), check.stdout() + check.stderr());
        assertTrue(check.stdout().contains("pcp: ok: PCP at 192.168.77.1:5351"), check.stdout());
        // nothing listens on 5351 there: a clear failure within the budget
        long start = System.nanoTime();
        Lab.Result dead = Lab.agent(Map.of(), "wan-ip", "-c", config(", gateway: 192.168.77.99", "").toString(),
                "--source", "pcp");
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertEquals(1, dead.exit());
        assertTrue(dead.stderr().contains("no PCP answer from 192.168.77.99:5351"), dead.stderr());
        System.out.println("PCP: dead gateway reported after " + ms + " ms (JVM start included)");
    }

    @Test
    void mappingsKeptThroughPcpAndRecreatedAfterARouterRestart() throws Exception {
        for (String protocol : List.of("pcp", "natpmp")) {
            Lab.lab("reboot-router"); // empty tables
            Path cfg = config(", protocol: " + protocol, """
                    mappings:
                      - {name: web, externalPort: 8080, internalPort: 80, leaseSeconds: 3600}
                      - {name: rdp, externalPort: 3389, internalPort: 3389, leaseSeconds: 3600}""");
            try (RunningAgent agent = new RunningAgent(cfg, dir.resolve("agent-" + protocol + ".log"), Map.of())) {
                Duration made = Lab.await("the mappings via " + protocol, Duration.ofSeconds(15),
                        () -> Lab.hasMappings(Lab.upnpcListOrEmpty()));
                Lab.Result list = Lab.agent(Map.of(), "mappings", "-c", cfg.toString());
                assertEquals(0, list.exit(), list.stderr());
                assertTrue(list.stdout().contains("TCP  8080 -> this host:80"), list.stdout());
                List<Long> back = new java.util.ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    Lab.lab("reboot-router"); // returns once the restarted miniupnpd answers
                    try {
                        back.add(Lab.await("mappings back via " + protocol + " (epoch)", Duration.ofSeconds(5),
                                () -> Lab.hasMappings(Lab.upnpcListOrEmpty())).toMillis());
                    } catch (AssertionError e) {
                        throw new AssertionError(e.getMessage() + "; agent log:\n" + agent.log(), e);
                    }
                }
                System.out.println(protocol + ": mappings made " + made.toMillis() + " ms after start; back after"
                        + " router restarts in " + back + " ms");
                // the lab's miniupnpd runs with system_uptime=yes: its epoch follows the machine's uptime and survives
                // a daemon restart, so the restart is told by its ANNOUNCE (a real reboot also resets the epoch)
                assertTrue(agent.log().contains("the router announced itself")
                        || agent.log().contains("lost its mappings"), agent.log());
            }
        }
    }

    /** The DNAT rules miniupnpd holds (one per mapping, whichever protocol made it). */
    private static String natRules() {
        try {
            return Lab.run(List.of("ip", "netns", "exec", "rtr", "nft", "list", "chain", "inet", "filter",
                    "prerouting_miniupnpd"), Duration.ofSeconds(10)).stdout();
        } catch (IOException e) {
            return "";
        }
    }

    private static boolean forwards(String rules, int port, String to) {
        return rules.lines().anyMatch(l -> l.contains("dport " + port + " ") && l.contains(to));
    }

    @Test
    void withUpnpOffOnTheRouterPcpKeepsTheMappingsAndUpnpTakesOverWhenItIsBack() throws Exception {
        Lab.lab("reboot-router"); // empty tables
        Lab.lab("upnp-off");
        Path cfg = Files.writeString(dir.resolve("both.yaml"), """
                router:
                  upnp: {enabled: true}
                  pcp: {enabled: true}
                pollInterval: 2s
                mappings:
                  - {name: web, externalPort: 8080, internalPort: 80, leaseSeconds: 600}
                  - {name: rdp, externalPort: 3389, internalPort: 3389, leaseSeconds: 600}
                stateDir: %s
                """.formatted(dir.resolve("state-both")));
        try (RunningAgent agent = new RunningAgent(cfg, dir.resolve("agent-both.log"), Map.of())) {
            Duration made = Lab.await("the mappings through PCP while UPnP is off", Duration.ofSeconds(15), () -> {
                String rules = natRules();
                return forwards(rules, 8080, "192.168.77.100:80") && forwards(rules, 3389, "192.168.77.100:3389");
            });
            assertTrue(agent.log().contains("keeping the mappings through PCP/NAT-PMP until it does"), agent.log());
            Lab.Result list = Lab.agent(Map.of(), "mappings", "-c", cfg.toString());
            assertEquals(0, list.exit(), "PCP answered, UPnP did not: " + list);
            assertTrue(list.stderr().contains("cannot read the port-mapping table over UPnP"), list.stderr());
            assertTrue(list.stdout().contains("PCP: router 192.168.77.1") && list.stdout().contains("while UPnP does not answer"),
                    list.stdout());
            Lab.lab("upnp-on");
            Duration back = Lab.await("UPnP keeping the mappings again", Duration.ofSeconds(20),
                    () -> agent.logContains("the router answers again"));
            Lab.Result table = Lab.agent(Map.of(), "mappings", "-c", cfg.toString());
            assertTrue(table.stdout().contains("UPnP: router " + Lab.ROOT_DESC + ": 2 port mappings"), table.stdout());
            System.out.println("UPnP off: mappings through PCP " + made.toMillis() + " ms after start; UPnP back in use "
                    + back.toMillis() + " ms after it was switched on again");
        } finally {
            Lab.lab("upnp-on");
        }
    }
}
