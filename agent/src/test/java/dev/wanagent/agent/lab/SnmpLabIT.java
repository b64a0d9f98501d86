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

/**
 * Issues C and F on the lab: the WAN address from the real net-snmp snmpd in the router namespace, current right
 * after a change (ipAddrTable is live), and v2c and v3 traps that bring a change to DNS at once.
 */
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

    /**
     * Runs {@code wan-ip} once, right after a WAN change, and checks it already says {@code address}: IPv4 comes from
     * ipAddrTable, which net-snmp serves live (its ipAddressTable lags up to ~30 s). Returns the milliseconds from
     * {@code changedAt} (System.nanoTime just after lab/lab.sh returned) to wan-ip's answer, JVM start included.
     */
    private long snmpSaysAtOnce(Path cfg, String address, long changedAt, String... extra) throws IOException {
        List<String> args = new java.util.ArrayList<>(List.of("wan-ip", "-c", cfg.toString(), "--source", "snmp"));
        args.addAll(List.of(extra));
        Lab.Result r = Lab.agent(ENV, args.toArray(String[]::new));
        long ms = (System.nanoTime() - changedAt) / 1_000_000;
        assertEquals(address + "\n", r.stdout(), r.toString());
        assertTrue(ms < 2000, "wan-ip took " + ms + " ms after the change");
        lastStderr = r.stderr();
        return ms;
    }

    private String lastStderr = "";

    @Test
    void v2cAndV3ReadTheWanAddress() throws Exception {
        Path v2c = config("    community: wanlab");
        assertEquals(new Lab.Result(0, Lab.DEFAULT_WAN + "\n", ""), wanIp(v2c)); // right after @BeforeEach's change
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
        snmpSaysAtOnce(legacy, next, System.nanoTime());
    }

    @Test
    void aChangedWanAddressIsFollowed() throws Exception {
        Path v2c = config("    community: wanlab");
        // this read loads net-snmp's ipAddressTable cache with the address before the change
        assertEquals(new Lab.Result(0, Lab.DEFAULT_WAN + "\n", ""), wanIp(v2c));
        int lagsSeen = 0;
        for (int i = 0; i < 3; i++) {
            String next = Lab.lab("wan-change").trim();
            long ms = snmpSaysAtOnce(v2c, next, System.nanoTime(), "-v");
            System.out.println("lab: wan-ip --source snmp printed the new WAN address " + next + " " + ms
                    + " ms after lab/lab.sh wan-change (JVM start included)");
            // net-snmp's cached ipAddressTable usually still has the older address (unless its cache ran out between
            // the two reads): the agent says so, and uses the live one
            if (lastStderr.contains("SNMP: the router's ipAddressTable lags: it says ")) {
                assertTrue(lastStderr.contains(" while the live ipAddrTable says " + next + "; using ipAddrTable"),
                        lastStderr);
                lagsSeen++;
            }
        }
        // whether a read meets the lag depends on when net-snmp last filled its cache (an earlier test may have, up
        // to ~30 s before): usually 3 of 3, once 0 of 3 in a CI run. What the agent must do either way is asserted
        // above (the new address at once) and, for the lag, in SnmpRouter's unit tests.
        System.out.println("lab: ipAddressTable lagged behind ipAddrTable in " + lagsSeen + " of 3 reads");
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
        try (FakeProvider provider = new FakeProvider(dir);
             RunningAgent agent = new RunningAgent(cfg, dir.resolve("agent.log"), ENV)) {
            Lab.await("the first update", Duration.ofSeconds(15), () -> provider.received("home.example.net", Lab.DEFAULT_WAN));
            agent.awaitPushed(Lab.DEFAULT_WAN);
            // a trap with another community, then one from the router with the right one
            trap("not-the-community");
            String next = Lab.lab("wan-change").trim();
            long t0 = System.nanoTime();
            trap("wanlab");
            // poll is 1 h, the first follow-up read is 1 s after the trap: only the read at the trap is this fast
            long ms = awaitProvider(provider, next, t0);
            System.out.println("lab: DNS followed a WAN change " + ms + " ms after a v2c linkUp trap was sent");
            String log = agent.log();
            assertTrue(log.contains("pass: snmp trap linkUp from 192.168.77.1"), log);
            assertTrue(log.contains("SNMP trap from 192.168.77.1/"), log);
            assertTrue(log.contains("ignored: not SNMPv2c with the configured community"), log);
        }
    }

    /** Waits for the provider to get {@code address}; milliseconds since {@code t0}, which must be under 2 s. */
    private static long awaitProvider(FakeProvider provider, String address, long t0) {
        Lab.await("the provider to receive " + address, Duration.ofSeconds(15),
                () -> provider.received("home.example.net", address));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 2000, "the provider got " + address + " " + ms + " ms after the trap");
        return ms;
    }

    @Test
    void aV3TrapTriggersARead() throws Exception {
        // config needs a community next to trapPort (ConfigLoader); with version v3 a v2c trap is refused anyway
        Path cfg = config("    version: v3\n    user: wanread\n    authProtocol: SHA\n    authPassphrase: authpass123\n"
                + "    privProtocol: AES\n    privPassphrase: privpass123\n    community: wanlab\n    trapPort: 1162");
        try (FakeProvider provider = new FakeProvider(dir);
             RunningAgent agent = new RunningAgent(cfg, dir.resolve("agent.log"), ENV)) {
            Lab.await("the first update", Duration.ofSeconds(15), () -> provider.received("home.example.net", Lab.DEFAULT_WAN));
            agent.awaitPushed(Lab.DEFAULT_WAN);
            Lab.await("the trap listener", Duration.ofSeconds(10), () -> agent.logContains(
                    "listening for the router's linkUp/linkDown traps (SNMPv3, user wanread) on 192.168.77.100:1162"));
            // refused: a wrong passphrase, and a v2c trap with the right community
            v3Trap("not-the-passphrase");
            trap("wanlab");
            Lab.await("the refusals in the log", Duration.ofSeconds(10), () -> agent.logContains(
                    "ignored: SNMPv3 authentication failed: wrong authPassphrase or authProtocol") && agent.logContains(
                    "ignored: SNMPv1/v2c, but router.snmp.version is v3"));
            assertTrue(!agent.logContains("pass: snmp trap"), agent.log());
            String next = Lab.lab("wan-change").trim();
            long t0 = System.nanoTime();
            v3Trap("authpass123");
            long ms = awaitProvider(provider, next, t0);
            System.out.println("lab: DNS followed a WAN change " + ms + " ms after a v3 authPriv linkUp trap was sent");
            assertTrue(agent.logContains("pass: snmp trap linkUp from 192.168.77.1"), agent.log());
        }
    }

    /** An SNMPv3 authPriv linkUp trap from net-snmp's snmptrap in the router, as the router's engine. */
    private static void v3Trap(String authPassphrase) throws IOException {
        Lab.Result r = Lab.run(List.of("ip", "netns", "exec", "rtr", "snmptrap", "-v3", "-u", "wanread", "-l", "authPriv",
                "-a", "SHA", "-A", authPassphrase, "-x", "AES", "-X", "privpass123", "-e", "0x80001f880477616e6c6162",
                "192.168.77.100:1162", "", "1.3.6.1.6.3.1.1.5.4", "1.3.6.1.2.1.2.2.1.1.2", "i", "2"),
                Duration.ofSeconds(10));
        assertEquals(0, r.exit(), r.toString());
    }

    private static void trap(String community) throws IOException {
        Lab.Result r = Lab.run(List.of("ip", "netns", "exec", "rtr", "snmptrap", "-v2c", "-c", community,
                "192.168.77.100:1162", "", "1.3.6.1.6.3.1.1.5.4", "1.3.6.1.2.1.2.2.1.1.2", "i", "2"),
                Duration.ofSeconds(10));
        assertEquals(0, r.exit(), r.toString());
    }
}
