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
 * IPv6 done right (issue F) on the lab: the LAN has a global /64, the LAN host a stable address plus temporary
 * (privacy) ones, its IPv6 default route goes to the router's link-local fe80::1; miniupnpd (IGD:2) offers
 * WANIPv6FirewallControl and BIND takes the AAAA records.
 */
class Ipv6LabIT {
    private static final String ZONE = "home.wan-agent.test";
    private static final String HOST6 = "2a00:77:77::100";
    private static final String WAN6 = "2a00:1111:2222:3333::44";
    @TempDir
    Path dir;
    private String tsig;
    private boolean inLab;

    @BeforeEach
    void lab() throws IOException {
        Lab.require();
        inLab = true;
        tsig = Files.readString(Path.of("/run/wan-agent-lab/tsig.secret")).trim();
    }

    @AfterEach
    void cleanUp() throws IOException {
        if (inLab) Lab.lab("reboot-router"); // no pinholes or mappings left for the next test
    }

    private Path config(String extraTop, String extraProvider) throws IOException {
        return Files.writeString(dir.resolve("v6-" + System.nanoTime() + ".yaml"), """
                router:
                  upnp: {enabled: true, events: false}
                  snmp: {enabled: true, host: 192.168.77.1, community: wanlab}
                pollInterval: 1h
                mappings:
                  - {name: rdp, externalPort: 3389, internalPort: 3389, leaseSeconds: 600}
                  - {name: web, externalPort: 8080, internalPort: 80}
                providers:
                  - type: rfc2136
                    server: 192.168.77.1:53
                    zone: %s
                    hostnames: [v6.%s]
                    tsigKeyName: wan-agent-key
                    tsigAlgorithm: hmac-sha256
                    tsigSecret: ${TSIG_SECRET}
                    ttl: 60
                    ipv6: true
                %s
                stateDir: %s
                %s
                """.formatted(ZONE, ZONE, extraProvider, dir.resolve("state-" + System.nanoTime()), extraTop));
    }

    private static String dig(String name) throws IOException {
        return Lab.run(List.of("dig", "+short", "+time=2", "+tries=1", "@192.168.77.1", name, "AAAA"),
                Duration.ofSeconds(10)).stdout().trim();
    }

    /** The router's IPv6 pinholes as nftables holds them (miniupnpd writes them to its chain). */
    private static String pinholes() throws IOException {
        return Lab.run(List.of("ip", "netns", "exec", "rtr", "nft", "list", "chain", "inet", "filter", "miniupnpd"),
                Duration.ofSeconds(10)).stdout();
    }

    private static boolean hasPinhole(String chain, String hex, int port) {
        return chain.lines().anyMatch(l -> l.contains("dport " + port + " ") && l.contains(hex));
    }

    private static final String HOST6_HEX = "0x2a000077007700000000000000000100";

    @Test
    void aaaaCarriesTheHostsStableAddressAndAPinholeOpensToIt() throws Exception {
        String temporary = Lab.run(List.of("ip", "-6", "-o", "addr", "show", "dev", "hlan", "temporary"),
                Duration.ofSeconds(5)).stdout();
        assertTrue(temporary.contains("2a00:77:77:"), "the lab host has a temporary address too: " + temporary);
        Lab.Result r = Lab.agent(Map.of("TSIG_SECRET", tsig), "once", "-c", config("", "").toString());
        assertEquals(0, r.exit(), r.toString());
        assertEquals(HOST6, dig("v6." + ZONE), "the host's stable address: not the temporary one, not the router's");
        assertTrue(r.stdout().contains("mapping rdp (IPv6 pinhole): ok pinhole "), r.stdout());
        assertTrue(hasPinhole(pinholes(), HOST6_HEX, 3389), pinholes());
        // miniupnpd opens pinholes only to ports from 1024: said plainly, and the IPv4 mapping is not failed for it
        assertTrue(r.stdout().contains("mapping web (IPv6 pinhole): ok not opened: IPv6 pinhole to port 80/TCP: the"
                + " router refused it (606"), r.stdout());
        assertFalse(hasPinhole(pinholes(), HOST6_HEX, 80), pinholes());
    }

    @Test
    void routerSourceAndHostId6() throws Exception {
        // SNMP first: it reads the router's WAN IPv6 (UPnP's GetExternalIPAddress is IPv4 only)
        Path snmpFirst = Files.writeString(dir.resolve("snmp-first.yaml"), Files.readString(config("", "    ipv6Source: router"))
                .replace("  upnp: {enabled: true, events: false}\n  snmp: {enabled: true, host: 192.168.77.1, community: wanlab}\n",
                        "  snmp: {enabled: true, host: 192.168.77.1, community: wanlab}\n  upnp: {enabled: true, events: false}\n"));
        Lab.Result router = Lab.agent(Map.of("TSIG_SECRET", tsig), "once", "-c", snmpFirst.toString());
        assertEquals(0, router.exit(), router.toString());
        assertEquals(WAN6, dig("v6." + ZONE), "ipv6Source: router publishes the router's WAN address");

        Lab.Result other = Lab.agent(Map.of("TSIG_SECRET", tsig), "once", "-c",
                config("hostId6: mac(52:54:00:12:34:56)", "").toString());
        assertEquals(0, other.exit(), other.toString());
        assertEquals("2a00:77:77:0:5054:ff:fe12:3456", dig("v6." + ZONE), "hostId6 joined to the LAN's prefix");
    }

    @Test
    void thePinholeComesBackWithinSecondsOfARouterRestart() throws Exception {
        // router events on (the default): the restart is heard in the router's SSDP announcements
        Path cfg = Files.writeString(dir.resolve("events.yaml"), Files.readString(config("", ""))
                .replace("upnp: {enabled: true, events: false}", "upnp: {enabled: true}"));
        try (RunningAgent agent = new RunningAgent(cfg, dir.resolve("agent.log"), Map.of("TSIG_SECRET", tsig))) {
            Lab.await("the pinhole", Duration.ofSeconds(15), () -> {
                try {
                    return hasPinhole(pinholes(), HOST6_HEX, 3389);
                } catch (IOException e) {
                    return false;
                }
            });
            Lab.lab("router-down"); // a reboot's first half: miniupnpd gone, its rules flushed
            assertFalse(hasPinhole(pinholes(), HOST6_HEX, 3389), "a restart loses the pinholes");
            Lab.lab("router-up");
            Duration back = Lab.await("the pinhole back after the router restart", Duration.ofSeconds(10), () -> {
                try {
                    return hasPinhole(pinholes(), HOST6_HEX, 3389);
                } catch (IOException e) {
                    return false;
                }
            });
            System.out.println("pinhole back " + back.toMillis() + " ms after the router restarted");
        }
    }
}
