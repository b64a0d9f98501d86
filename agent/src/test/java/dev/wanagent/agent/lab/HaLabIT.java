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

/**
 * Issue H on the lab: two LAN hosts (lan 192.168.77.100, lan2 192.168.77.101) run the agent with the same mappings
 * and {@code ha.enabled}; the real miniupnpd is the lock (a mapping belongs to one client; a lease not renewed
 * lapses). Lease 10 s here (the smallest allowed) to keep the suite short. Over PCP and NAT-PMP too (UPnP disabled
 * in the agents): PCP asks for each port exactly (PREFER_FAILURE: CANNOT_PROVIDE_EXTERNAL while another host holds
 * it); NAT-PMP has no such option: the router offers another port, which the agent gives back. The lab's miniupnpd
 * grants PCP lifetimes from 10 s ({@code min_lifetime=10}; its default is 120 s).
 */
class HaLabIT {
    private static final int LEASE = 10;
    private static final String A = "192.168.77.100";
    private static final String B = "192.168.77.101";
    @TempDir
    Path dir;
    private boolean inLab;

    @BeforeEach
    void lab() throws IOException {
        Lab.require();
        inLab = true;
        Lab.lab("reboot-router"); // an empty table
    }

    @AfterEach
    void cleanUp() throws IOException {
        if (inLab) Lab.lab("reboot-router");
    }

    private Path config(String name) throws IOException {
        return config(name, Lab.FAKE_PROVIDER);
    }

    private Path config(String name, String providers) throws IOException {
        return config(name, providers, "upnp: {enabled: true}");
    }

    /** @param router the lines under {@code router:} (one line: "upnp: …", or "upnp: …, pcp: …" as a flow map) */
    private Path config(String name, String providers, String router) throws IOException {
        return Files.writeString(dir.resolve(name + ".yaml"), """
                router: {%s}
                pollInterval: 1h
                ha: {enabled: true, leaseSeconds: %d}
                mappings:
                  - {name: web, externalPort: 8080, internalPort: 80}
                  - {name: rdp, externalPort: 3389, internalPort: 3389}
                %s
                stateDir: %s
                status: {listen: "127.0.0.1:8787"}
                """.formatted(router, LEASE, providers, dir.resolve("state-" + name)));
    }

    private RunningAgent start(String host, String name) throws IOException {
        return start(host, name, config(name), Lab.AGENT_ENV);
    }

    private RunningAgent start(String host, String name, Path cfg, Map<String, String> env) throws IOException {
        Path log = dir.resolve(name + ".log");
        return host.equals(A) ? new RunningAgent(cfg, log, env) : RunningAgent.in("lan2", cfg, log, env);
    }

    private static final String ZONE = "home.wan-agent.test";
    private static final String NAME = "ha." + ZONE;

    private static String dig(String name, String type) throws IOException {
        return Lab.run(List.of("dig", "+short", "+time=2", "+tries=1", "@192.168.77.1", name, type),
                Duration.ofSeconds(10)).stdout().trim();
    }

    /**
     * The lines BIND logged for update requests from {@code host} (the serial alone cannot tell: BIND does not
     * bump it for an update that changes nothing).
     */
    private static List<String> bindUpdatesFrom(String host) throws IOException {
        return Files.readAllLines(Path.of("/run/wan-agent-lab/named.log")).stream()
                .filter(l -> l.contains(" " + host + "#") && l.contains(ZONE)).toList();
    }

    /** `wan-agent status` on a host, as a user would run it next to the agent. */
    private String status(String namespace, Path cfg, Map<String, String> env) throws IOException {
        Lab.Result r = Lab.run(List.of("ip", "netns", "exec", namespace, Lab.javaBin(), "-jar", Lab.JAR.toString(),
                "status", "-c", cfg.toString()), env, Duration.ofSeconds(60));
        return r.stdout() + r.stderr();
    }

    /**
     * DNS follows the active host without a redundant update: the real BIND (RFC 2136, TSIG) holds the WAN address
     * A pushed; B takes over with the same address, reads the record (verifyDns off; the read asks verifyDnsServer)
     * and sends nothing: BIND's serial does not move. `status` on each host shows its role from the state file.
     */
    @Test
    void aTakeoverWithTheSameWanAddressSendsNothingThatBindHoldsAlready() throws Exception {
        String tsig = Files.readString(Path.of("/run/wan-agent-lab/tsig.secret")).trim();
        Map<String, String> env = Map.of("TSIG_SECRET", tsig);
        String bind = """
                providers:
                  - type: rfc2136
                    server: 192.168.77.1:53
                    zone: %s
                    hostnames: [%s]
                    tsigKeyName: wan-agent-key
                    tsigAlgorithm: hmac-sha256
                    tsigSecret: ${TSIG_SECRET}
                    ttl: 60
                    verifyDnsServer: 192.168.77.1""".formatted(ZONE, NAME);
        // a record left from an earlier run must not make A's first push look redundant
        Lab.Result clear = Lab.run(List.of("nsupdate", "-y", "hmac-sha256:wan-agent-key:" + tsig), Duration.ofSeconds(10),
                "server 192.168.77.1\nzone " + ZONE + "\nupdate delete " + NAME + " A\nsend\n");
        assertEquals(0, clear.exit(), clear.toString());
        Path cfgA = config("dns-a", bind);
        Path cfgB = config("dns-b", bind);
        try (RunningAgent a = start(A, "dns-a", cfgA, env)) {
            Lab.await("host A active", Duration.ofSeconds(15), () -> Lab.heldBy(A));
            Lab.await("A's update in BIND", Duration.ofSeconds(10), () -> {
                try {
                    return dig(NAME, "A").equals(Lab.DEFAULT_WAN);
                } catch (IOException e) {
                    return false;
                }
            });
            try (RunningAgent b = start(B, "dns-b", cfgB, env)) {
                Lab.await("host B standby, in its state file", Duration.ofSeconds(15), () -> {
                    try {
                        return Files.readString(dir.resolve("state-dns-b").resolve("state.json")).contains("\"standby\"");
                    } catch (IOException e) {
                        return false;
                    }
                });
                String standby = status("lan2", cfgB, env);
                assertTrue(standby.contains("ha standby, recorded ") && standby.contains(": no takeover yet\n")
                        && standby.contains("ha mapping web: held by " + A + "\nha mapping rdp: held by " + A + "\n"),
                        standby);
                String serial = dig(ZONE, "SOA").split("\\s+")[2];
                List<String> fromA = bindUpdatesFrom(A);
                assertFalse(fromA.isEmpty(), "BIND's log names the host of each update (A's first push)");
                System.out.println("HA: A's update as BIND logged it: " + fromA.get(fromA.size() - 1));
                a.kill9();
                Lab.await("B takes over", Duration.ofSeconds(LEASE + 5), () -> Lab.heldBy(B));
                Lab.await("B's first DNS outcome", Duration.ofSeconds(5), () -> b.logContains(NAME + " A: now "));
                assertEquals(List.of(), bindUpdatesFrom(B), "B sent BIND no update:\n" + b.log());
                assertEquals(serial, dig(ZONE, "SOA").split("\\s+")[2], "BIND's zone did not change:\n" + b.log());
                assertTrue(b.logContains(NAME + " A: now " + Lab.DEFAULT_WAN + " (DNS holds it already, read after the HA"
                        + " takeover: not sent)"), "one line says why nothing was sent:\n" + b.log());
                assertEquals(Lab.DEFAULT_WAN, dig(NAME, "A"));
                String active = status("lan2", cfgB, env);
                assertTrue(active.contains("ha active, recorded ") && active.contains(": 1 takeover(s), the last at ")
                        && active.contains("ha mapping web: held by " + B + "\n"), active);
                assertTrue(active.contains("dns " + NAME + " A via rfc2136 " + ZONE + "@192.168.77.1: SUCCESS "
                        + Lab.DEFAULT_WAN), active);
                assertFalse(b.log().contains(tsig), "no secret in the log");
            }
        }
    }

    @Test
    void killedActiveIsReplacedWithinTheLeaseAndComesBackAsStandby() throws Exception {
        try (FakeProvider provider = new FakeProvider(dir);
             RunningAgent a = start(A, "a")) {
            Lab.await("host A active", Duration.ofSeconds(15), () -> Lab.heldBy(A));
            Lab.await("A pushed DNS", Duration.ofSeconds(10), () -> provider.received("home.example.net", Lab.DEFAULT_WAN));
            try (RunningAgent b = start(B, "b")) {
                Lab.await("host B standby", Duration.ofSeconds(15), () -> b.logContains("running:"));
                Thread.sleep(2000);
                assertTrue(Lab.heldBy(A), "B leaves A's mappings alone: " + Lab.holders());
                assertFalse(b.logContains("A: now"), "only the active host pushes DNS");
                long killed = System.nanoTime();
                a.kill9();
                Duration took = Lab.await("B takes over", Duration.ofSeconds(LEASE + 5), () -> Lab.heldBy(B));
                System.out.println("HA: kill -9 of the active host -> the standby holds every mapping after "
                        + took.toMillis() + " ms (lease " + LEASE + " s)");
                // the log line follows the router's grants by a moment
                Lab.await("B's log saying it is active", Duration.ofSeconds(3),
                        () -> b.logContains("HA: this host (" + B + ") is now active"));
                // the old active comes back: it finds the mappings held by B and stays standby
                try (RunningAgent again = start(A, "a-again")) {
                    Lab.await("A back as standby", Duration.ofSeconds(15),
                            () -> again.logContains("standby") || again.logContains("running:"));
                    Thread.sleep(LEASE * 1000L / 2);
                    assertTrue(Lab.heldBy(B), "no flapping: " + Lab.holders() + "\n" + again.log());
                    assertFalse(again.logContains("is now active"), again.log());
                }
            }
        }
    }

    @Test
    void gracefulStopHandsOverWithinFiveSeconds() throws Exception {
        try (RunningAgent a = start(A, "a")) {
            Lab.await("host A active", Duration.ofSeconds(15), () -> Lab.heldBy(A));
            try (RunningAgent b = start(B, "b")) {
                Lab.await("host B running", Duration.ofSeconds(15), () -> b.logContains("running:"));
                // the doctor on the standby host: the other host is the active one, not a conflict
                Lab.Result check = Lab.run(List.of("ip", "netns", "exec", "lan2", Lab.javaBin(), "-jar",
                        Lab.JAR.toString(), "check", "-c", dir.resolve("b.yaml").toString()), Map.of(
                        "DYN_PASSWORD", FakeProvider.PASSWORD), Duration.ofSeconds(60));
                assertTrue(check.stdout().contains("ha: ok: enabled (lease " + LEASE + " s): " + A + " holds every mapping"
                        + " (the active host)"), check.stdout());
                Thread.sleep(1500);
                a.stop();
                Duration took = Lab.await("B takes over after A stopped", Duration.ofSeconds(5), () -> Lab.heldBy(B));
                System.out.println("HA: graceful stop -> handover in " + took.toMillis() + " ms");
            }
        }
    }

    @Test
    void twoHostsStartingAtOnceEndWithOneHoldingEveryMapping() throws Exception {
        for (int round = 0; round < 3; round++) {
            Lab.lab("reboot-router");
            try (RunningAgent a = start(A, "a" + round); RunningAgent b = start(B, "b" + round)) {
                Lab.await("one host holding both mappings", Duration.ofSeconds(20), () -> Lab.heldBy(A) || Lab.heldBy(B));
                String winner = Lab.holders();
                Thread.sleep(3000);
                assertEquals(winner, Lab.holders(), "stable, no flapping");
                boolean aActive = a.logContains("is now active");
                boolean bActive = b.logContains("is now active");
                assertTrue(aActive ^ bActive, "exactly one active:\nA:\n" + a.log() + "\nB:\n" + b.log());
            }
        }
    }

    @Test
    void routerRebootWhileHaRunsTheActiveRecreatesAndTheStandbyDoesNotRace() throws Exception {
        try (RunningAgent a = start(A, "a")) {
            Lab.await("host A active", Duration.ofSeconds(15), () -> Lab.heldBy(A));
            // and done with its first pass (no provider listens here; the read of the record before the first push
            // waits up to 3 s for the system's resolver, which the lab does not have): the reboot meets a running agent
            Lab.await("A's first DNS push", Duration.ofSeconds(15),
                    () -> a.logContains("home.example.net A: update to") || a.logContains("home.example.net A: now"));
            try (RunningAgent b = start(B, "b")) {
                Lab.await("host B running", Duration.ofSeconds(15), () -> b.logContains("running:"));
                Thread.sleep(1500);
                for (int i = 0; i < 2; i++) {
                    Lab.lab("reboot-router");
                    Duration back = Lab.await("A re-creates its mappings", Duration.ofSeconds(5), () -> Lab.heldBy(A));
                    System.out.println("HA: router reboot -> the active host's mappings back in " + back.toMillis() + " ms");
                    Thread.sleep(3000);
                    assertTrue(Lab.heldBy(A), "the standby did not race: " + Lab.holders() + "\n" + b.log());
                }
                assertFalse(b.logContains("is now active"), b.log());
            }
        }
    }

    /** HA over PCP or NAT-PMP: UPnP off in the agent (the lab's miniupnpd grants PCP lifetimes from 10 s). */
    private RunningAgent startPcp(String host, String name, String protocol) throws IOException {
        return start(host, name, config(name, Lab.FAKE_PROVIDER, "upnp: {enabled: false}, pcp: {enabled: true, protocol: "
                + protocol + "}"), Lab.AGENT_ENV);
    }

    /**
     * {@code host} holds both mappings. miniupnpd renews a PCP/NAT-PMP mapping by deleting and adding its rule, so a
     * listing can fall between the two: a second look within a second decides.
     */
    private static void stillHeld(String host, String what) {
        try {
            Lab.await(host + " holding both mappings", Duration.ofSeconds(1), () -> Lab.heldBy(host));
        } catch (AssertionError e) {
            throw new AssertionError(what + ": " + Lab.holders(), e);
        }
    }

    @Test
    void overPcpKillTakeoverNoFlappingAndGracefulHandover() throws Exception {
        try (FakeProvider provider = new FakeProvider(dir);
             RunningAgent a = startPcp(A, "a", "pcp")) {
            Lab.await("host A active", Duration.ofSeconds(15), () -> Lab.heldBy(A));
            Lab.await("A pushed DNS", Duration.ofSeconds(10), () -> provider.received("home.example.net", Lab.DEFAULT_WAN));
            try (RunningAgent b = startPcp(B, "b", "pcp")) {
                Lab.await("host B running", Duration.ofSeconds(15), () -> b.logContains("running:"));
                Thread.sleep(3000); // B tries every second: refused each time
                stillHeld(A, "B leaves A's mappings alone\n" + b.log());
                assertFalse(b.logContains("is now active"), b.log());
                a.kill9();
                Duration took = Lab.await("B takes over", Duration.ofSeconds(LEASE + 5), () -> Lab.heldBy(B));
                System.out.println("HA over PCP: kill -9 of the active host -> the standby holds every mapping after "
                        + took.toMillis() + " ms (lease " + LEASE + " s)");
                Lab.await("B's log saying it is active", Duration.ofSeconds(3),
                        () -> b.logContains("HA: this host (" + B + ") is now active"));
                try (RunningAgent again = startPcp(A, "a-again", "pcp")) {
                    Lab.await("A back", Duration.ofSeconds(15), () -> again.logContains("running:"));
                    Thread.sleep(LEASE * 1000L / 2);
                    stillHeld(B, "no flapping\n" + again.log());
                    assertFalse(again.logContains("is now active"), again.log());
                    b.stop();
                    Duration handover = Lab.await("A takes over after B stopped", Duration.ofSeconds(5),
                            () -> Lab.heldBy(A));
                    System.out.println("HA over PCP: graceful stop -> handover in " + handover.toMillis() + " ms");
                }
            }
        }
    }

    @Test
    void overNatpmpTwoHostsAtOnceEndWithOneAndTheOtherTakesOverAfterAKill() throws Exception {
        try (RunningAgent a = startPcp(A, "a", "natpmp"); RunningAgent b = startPcp(B, "b", "natpmp")) {
            Lab.await("one host holding both mappings", Duration.ofSeconds(20), () -> Lab.heldBy(A) || Lab.heldBy(B));
            Thread.sleep(3000);
            boolean aActive = a.logContains("is now active");
            assertTrue(aActive ^ b.logContains("is now active"), "exactly one active:\nA:\n" + a.log() + "\nB:\n" + b.log());
            stillHeld(aActive ? A : B, "stable, no flapping");
            RunningAgent active = aActive ? a : b;
            String other = aActive ? B : A;
            active.kill9();
            Duration took = Lab.await("the other host takes over", Duration.ofSeconds(LEASE + 5), () -> Lab.heldBy(other));
            System.out.println("HA over NAT-PMP: kill -9 of the active host -> the standby holds every mapping after "
                    + took.toMillis() + " ms (lease " + LEASE + " s)");
        }
    }

    @Test
    void overPcpARouterRebootLeavesTheMappingsToTheActiveHost() throws Exception {
        try (RunningAgent a = startPcp(A, "a", "pcp")) {
            Lab.await("host A active", Duration.ofSeconds(15), () -> Lab.heldBy(A));
            try (RunningAgent b = startPcp(B, "b", "pcp")) {
                Lab.await("host B running", Duration.ofSeconds(15), () -> b.logContains("running:"));
                Thread.sleep(1500);
                for (int i = 0; i < 2; i++) {
                    Lab.lab("reboot-router");
                    Duration back = Lab.await("A re-creates its mappings", Duration.ofSeconds(5), () -> Lab.heldBy(A));
                    System.out.println("HA over PCP: router reboot -> the active host's mappings back in "
                            + back.toMillis() + " ms");
                    Thread.sleep(3000);
                    stillHeld(A, "the standby did not race\n" + b.log());
                }
                assertFalse(b.logContains("is now active"), b.log());
            }
        }
    }
}
