package dev.wanagent.agent.lab;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue H over PCP and NAT-PMP on the lab (UPnP disabled in the agents): the same two LAN hosts, the real
 * miniupnpd as the lock. PCP asks for each port exactly (PREFER_FAILURE: CANNOT_PROVIDE_EXTERNAL while another host
 * holds it); NAT-PMP has no such option: the router offers another port, which the agent gives back. The lab's
 * miniupnpd grants lifetimes from 10 s ({@code min_lifetime=10}; its default is 120 s).
 */
class HaPcpLabIT {
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

    private RunningAgent start(String host, String name, String protocol) throws IOException {
        Path cfg = Files.writeString(dir.resolve(name + ".yaml"), """
                router:
                  upnp: {enabled: false}
                  pcp: {enabled: true, protocol: %s}
                pollInterval: 1h
                ha: {enabled: true, leaseSeconds: %d}
                mappings:
                  - {name: web, externalPort: 8080, internalPort: 80}
                  - {name: rdp, externalPort: 3389, internalPort: 3389}
                %s
                stateDir: %s
                """.formatted(protocol, LEASE, Lab.FAKE_PROVIDER, dir.resolve("state-" + name)));
        Path log = dir.resolve(name + ".log");
        return host.equals(A) ? new RunningAgent(cfg, log, Lab.AGENT_ENV) : RunningAgent.in("lan2", cfg, log, Lab.AGENT_ENV);
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
             RunningAgent a = start(A, "a", "pcp")) {
            Lab.await("host A active", Duration.ofSeconds(15), () -> Lab.heldBy(A));
            Lab.await("A pushed DNS", Duration.ofSeconds(10), () -> provider.received("home.example.net", Lab.DEFAULT_WAN));
            try (RunningAgent b = start(B, "b", "pcp")) {
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
                try (RunningAgent again = start(A, "a-again", "pcp")) {
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
        try (RunningAgent a = start(A, "a", "natpmp"); RunningAgent b = start(B, "b", "natpmp")) {
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
        try (RunningAgent a = start(A, "a", "pcp")) {
            Lab.await("host A active", Duration.ofSeconds(15), () -> Lab.heldBy(A));
            try (RunningAgent b = start(B, "b", "pcp")) {
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
