package dev.wanagent.agent.lab;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code wan-agent check} (the doctor) run as a user runs it, on the lab: the router's WAN address moved to a
 * carrier-grade NAT or private address (miniupnpd then hides it: GetExternalIPAddress answers nothing, NAT-PMP/PCP
 * NETWORK_FAILURE), and the web echo on the ISP side, which sees the router's address, or another one.
 */
class DoctorLabIT {
    private static final String ECHO = LabEcho.URL + "/";
    private static final String ECHO_IP = LabEcho.URL + "/ip";
    /** Two echoes that see another address than the router's: a NAT beyond the router. */
    private static final String[] BEYOND = {LabEcho.URL + "/fixed/81.2.69.160", LabEcho.URL + "/fixed/81.2.69.160?2"};

    @TempDir
    Path dir;

    private boolean inLab;

    @BeforeEach
    void normalWan() throws IOException {
        Lab.require();
        inLab = true;
        Lab.lab("wan-change", Lab.DEFAULT_WAN);
        Lab.lab("reboot-router"); // no mapping left from an earlier test (another host's would be reported)
    }

    @AfterEach
    void restoreWan() throws IOException {
        if (!inLab) return; // skipped outside the lab (the unit-test phase compiles and skips the lab tests)
        // whatever happened, the next test (in any order) finds the lab's normal WAN address, and a router that
        // never saw the reserved one
        Lab.lab("wan-change", Lab.DEFAULT_WAN);
        Lab.lab("reboot-router");
    }

    /** The lab tests' config (UPnP + SNMP, two mappings, the dyndns2 provider) with {@code web} under router. */
    private String check(String web, boolean snmp) throws IOException {
        String yaml = Lab.agentConfig(dir.resolve("state"), "5m", 3600, "").replace("\n  snmp:\n", "\n" + web + "  snmp:\n");
        if (!snmp) yaml = yaml.replace("  snmp:\n    enabled: true\n", "  snmp:\n    enabled: false\n");
        Lab.Result r = Lab.agent(Lab.AGENT_ENV, "check", "-c", Lab.writeConfig(dir, yaml).toString());
        assertEquals("", r.stderr(), r.toString());
        System.out.println("lab: check (exit " + r.exit() + "):\n" + r.stdout());
        return r.exit() + "\n" + r.stdout();
    }

    private static List<String> lines(String result) {
        return result.lines().toList();
    }

    private static void hasLine(String result, String start) {
        assertTrue(lines(result).stream().anyMatch(l -> l.startsWith(start)), "no line starting '" + start + "' in:\n"
                + result);
    }

    @Test
    void theEchoConfirmsThePublicAddressOrFindsANatBeyondTheRouter() throws Exception {
        try (LabEcho echo = new LabEcho(dir)) {
            String ok = check(LabEcho.config(ECHO, ECHO_IP), true);
            assertEquals("0", lines(ok).get(0), ok);
            hasLine(ok, "wan: ok: the router's WAN address 11.22.33.44 (upnp) is public");
            hasLine(ok, "web echo: ok: the internet sees 11.22.33.44 too: no NAT beyond the router ("
                    + ECHO + " and " + ECHO_IP + " agree on 11.22.33.44)");
            hasLine(ok, "summary: ok: nothing blocks this config's mappings or DNS");

            String beyond = check(LabEcho.config(BEYOND), true);
            assertEquals("1", lines(beyond).get(0), beyond);
            hasLine(beyond, "nat-beyond: BLOCKING: the router says its WAN address is 11.22.33.44, but the internet sees"
                    + " this network as 81.2.69.160 (web echo: ");
            assertTrue(beyond.contains("forward the ports on the upstream device too (or put it in bridge mode), or ask"
                    + " the ISP for a public IPv4 address"), beyond);
            hasLine(beyond, "summary: BLOCKING: 1 problem(s) to fix, see above: nat-beyond");
        }
    }

    @Test
    void carrierGradeNatIsExplained() throws Exception {
        Lab.lab("wan-change", "100.64.0.44");
        String viaSnmp = check("", true);
        assertEquals("1", lines(viaSnmp).get(0), viaSnmp);
        hasLine(viaSnmp, "upnp: ok: IGD v2 'wan-agent lab router' at " + Lab.ROOT_DESC); // miniupnpd hides the address
        assertTrue(viaSnmp.contains("status Connected, external address 0.0.0.0"), viaSnmp);
        hasLine(viaSnmp, "cgnat: BLOCKING: the router's WAN address 100.64.0.44 (snmp) is in 100.64.0.0/10, the ISP's"
                + " carrier-grade NAT (one public address shared by many customers): no port forward can work from the"
                + " internet: ask the ISP for a public IPv4 address, or use IPv6");
        hasLine(viaSnmp, "summary: BLOCKING: 1 problem(s) to fix, see above: cgnat");

        // UPnP alone: the router says it is connected and gives no address; the echo sees the NAT's side
        try (LabEcho echo = new LabEcho(dir)) {
            String upnpOnly = check(LabEcho.config(ECHO, ECHO_IP), false);
            assertEquals("1", lines(upnpOnly).get(0), upnpOnly);
            hasLine(upnpOnly, "wan: BLOCKING: the router says it is connected but gives no WAN address: routers"
                    + " (miniupnpd) do this when their WAN address is private or reserved, that is behind the ISP's"
                    + " carrier-grade NAT or another router (double NAT); the internet sees this network as"
                    + " 100.64.0.44 (web echo)");
        }
    }

    @Test
    void doubleNatIsExplained() throws Exception {
        Lab.lab("wan-change", "10.0.0.44");
        String r = check("", true);
        assertEquals("1", lines(r).get(0), r);
        hasLine(r, "double-nat: BLOCKING: the router's WAN address 10.0.0.44 (snmp) is private (RFC 1918): another"
                + " router or modem is in front of it (double NAT): forward the ports on the upstream router too, or"
                + " put the first router in bridge mode");
        hasLine(r, "summary: BLOCKING: 1 problem(s) to fix, see above: double-nat");
    }

    @Test
    void aProviderThatRefusedThePasswordIsExplainedFromTheState() throws Exception {
        Path cfg = Lab.writeConfig(dir, Lab.agentConfig(dir.resolve("state"), "5m", 3600, ""));
        java.util.Map<String, String> wrong = new java.util.HashMap<>(Lab.AGENT_ENV);
        wrong.put("DYN_PASSWORD", "not-the-password");
        try (FakeProvider provider = new FakeProvider(dir)) {
            Lab.Result once = Lab.agent(wrong, "once", "-c", cfg.toString());
            assertEquals(1, once.exit(), once.toString());
            Lab.Result refused = Lab.agent(wrong, "check", "-c", cfg.toString());
            System.out.println("lab: check after badauth:\n" + refused.stdout());
            assertEquals(1, refused.exit(), refused.toString());
            hasLine("\n" + refused.stdout(), "provider dyndns2 " + FakeProvider.USER + "@11.22.33.1: BLOCKING:"
                    + " home.example.net A is refused by the provider (badauth");
            assertTrue(refused.stdout().contains("check the credentials (username, password or token) and the hostname"
                    + " in the config"), refused.stdout());
            // the password fixed: the stopped record waits for `once`, and nothing blocks
            Lab.Result fixed = Lab.agent(Lab.AGENT_ENV, "check", "-c", cfg.toString());
            assertEquals(0, fixed.exit(), fixed.toString());
            hasLine("\n" + fixed.stdout(), "provider dyndns2 " + FakeProvider.USER + "@11.22.33.1: note: home.example.net"
                    + " A was refused (badauth");
            assertTrue(provider.updates().isEmpty(), "check sends no update, even with the right password: "
                    + provider.updates());
        }
    }
}
