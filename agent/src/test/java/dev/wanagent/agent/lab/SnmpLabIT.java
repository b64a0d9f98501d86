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
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue C on the lab: the WAN address from the real net-snmp snmpd in the router namespace. */
class SnmpLabIT {
    private static final Map<String, String> ENV = Map.of("DYN_PASSWORD", FakeProvider.PASSWORD);
    @TempDir
    Path dir;
    private boolean inLab;
    private int configs;

    @BeforeEach
    void lab() throws IOException {
        Lab.require();
        inLab = true;
        Lab.lab("wan-change", Lab.DEFAULT_WAN);
    }

    @AfterEach
    void restore() throws IOException {
        if (inLab) Lab.lab("wan-change", Lab.DEFAULT_WAN);
    }

    private Path config(String snmp) throws IOException {
        Path file = dir.resolve("snmp-" + configs++ + ".yaml");
        return Files.writeString(file, """
                router:
                  upnp: {enabled: false}
                  snmp:
                    enabled: true
                    host: 192.168.77.1
                %s
                pollInterval: 1h
                %s
                stateDir: %s
                """.formatted(snmp, Lab.FAKE_PROVIDER, dir.resolve("state")));
    }

    private Lab.Result wanIp(Path cfg) throws IOException {
        return Lab.agent(ENV, "wan-ip", "-c", cfg.toString(), "--source", "snmp");
    }

    /** The router's tables can lag a WAN change of an earlier test by up to ~30 s (net-snmp's cache). */
    private void awaitSnmpSays(Path cfg, String address) {
        Lab.await("snmp to report " + address, Duration.ofSeconds(60), () -> {
            try {
                return wanIp(cfg).stdout().equals(address + "\n");
            } catch (IOException e) {
                return false;
            }
        });
    }

    @Test
    void v2cAndV3ReadTheWanAddress() throws Exception {
        Path v2c = config("    community: wanlab");
        awaitSnmpSays(v2c, Lab.DEFAULT_WAN);
        for (String v3 : List.of(
                "    version: v3\n    user: wanread\n    authProtocol: SHA\n    authPassphrase: authpass123\n"
                        + "    privProtocol: AES\n    privPassphrase: privpass123",
                "    version: v3\n    user: wanread256\n    authProtocol: SHA-256\n    authPassphrase: authpass256\n"
                        + "    privProtocol: AES-256\n    privPassphrase: privpass256",
                "    version: v3\n    user: wanauth\n    authProtocol: SHA\n    authPassphrase: authonly123")) {
            assertEquals(new Lab.Result(0, Lab.DEFAULT_WAN + "\n", ""), wanIp(config(v3)), v3);
        }
        Lab.Result check = Lab.agent(ENV, "check", "-c", v2c.toString());
        assertTrue(check.stdout().contains("snmp: ok: SNMP v2c at 192.168.77.1:161, WAN interface ifIndex 2"
                + " (default route), address 11.22.33.44"), check.stdout());
        Lab.Result byName = wanIp(config("    community: wanlab\n    wanInterface: rwan"));
        assertEquals(Lab.DEFAULT_WAN + "\n", byName.stdout(), byName.toString());
    }

    @Test
    void aRouterWithoutTheNewerTablesWorksThroughTheFallbacks() throws Exception {
        // community wanlabold sees a view without ipAddressTable and inetCidrRouteTable (like OpenWrt's snmpd)
        Path legacy = config("    community: wanlabold");
        assertEquals(new Lab.Result(0, Lab.DEFAULT_WAN + "\n", ""), wanIp(legacy));
        String next = Lab.lab("wan-change").trim();
        awaitSnmpSays(legacy, next);
    }

    @Test
    void aChangedWanAddressIsFollowed() throws Exception {
        Path v2c = config("    community: wanlab");
        awaitSnmpSays(v2c, Lab.DEFAULT_WAN);
        String next = Lab.lab("wan-change").trim();
        long t0 = System.nanoTime();
        awaitSnmpSays(v2c, next);
        System.out.println("lab: snmp reported the new WAN address " + (System.nanoTime() - t0) / 1_000_000
                + " ms after the change (net-snmp caches ipAddressTable)");
    }

    @Test
    void wrongCredentialsGiveClearErrors() throws Exception {
        Lab.Result community = wanIp(config("    community: wrong\n    timeout: 300ms\n    retries: 1"));
        assertEquals(1, community.exit());
        assertEquals("wan-agent: cannot read the WAN address: snmp: no SNMP reply from 192.168.77.1:161 in 300 ms × 2:"
                + " wrong community, or SNMP off\n", community.stderr());

        Lab.Result pass = wanIp(config("    version: v3\n    user: wanread\n    authProtocol: SHA\n"
                + "    authPassphrase: not-the-passphrase\n    privProtocol: AES\n    privPassphrase: privpass123"));
        assertEquals(1, pass.exit());
        assertEquals("wan-agent: cannot read the WAN address: snmp: SNMPv3 authentication failed at 192.168.77.1"
                + " (usmStatsWrongDigests): wrong authPassphrase or authProtocol\n", pass.stderr());

        Lab.Result user = wanIp(config("    version: v3\n    user: nobody\n    authProtocol: SHA\n"
                + "    authPassphrase: authpass123\n    privProtocol: AES\n    privPassphrase: privpass123"));
        assertEquals(1, user.exit());
        assertTrue(user.stderr().contains("SNMPv3 user 'nobody' is unknown to 192.168.77.1 (usmStatsUnknownUserNames)"),
                user.stderr());

        Lab.Result nic = wanIp(config("    community: wanlab\n    wanInterface: pppoe-wan"));
        assertTrue(nic.stderr().contains("the router has no interface named 'pppoe-wan' (ifName or ifDescr)"), nic.stderr());
    }

    @Test
    void aLinkTrapTriggersARead() throws Exception {
        Path cfg = config("    community: wanlab\n    trapPort: 1162");
        awaitSnmpSays(cfg, Lab.DEFAULT_WAN);
        try (FakeProvider provider = new FakeProvider(dir);
             RunningAgent agent = new RunningAgent(cfg, dir.resolve("agent.log"), ENV)) {
            Lab.await("the first update", Duration.ofSeconds(15), () -> provider.received("home.example.net", Lab.DEFAULT_WAN));
            agent.awaitPushed(Lab.DEFAULT_WAN);
            // a trap with another community, then one from the router with the right one
            trap("not-the-community");
            String next = Lab.lab("wan-change").trim();
            trap("wanlab");
            // poll is 1 h: the trap and its follow-up reads bring the new address despite snmpd's cache
            Duration took = Lab.await("the provider to receive " + next, Duration.ofSeconds(60),
                    () -> provider.received("home.example.net", next));
            System.out.println("lab: DNS followed a WAN change " + took.toMillis() + " ms after a linkUp trap");
            String log = agent.log();
            assertTrue(log.contains("pass: snmp trap linkUp from 192.168.77.1"), log);
            assertTrue(log.contains("SNMP trap from 192.168.77.1/"), log);
            assertTrue(log.contains("ignored: not SNMPv2c with the configured community"), log);
        }
    }

    private static void trap(String community) throws IOException {
        Lab.Result r = Lab.run(List.of("ip", "netns", "exec", "rtr", "snmptrap", "-v2c", "-c", community,
                "192.168.77.100:1162", "", "1.3.6.1.6.3.1.1.5.4", "1.3.6.1.2.1.2.2.1.1.2", "i", "2"),
                Duration.ofSeconds(10));
        assertEquals(0, r.exit(), r.toString());
    }
}
