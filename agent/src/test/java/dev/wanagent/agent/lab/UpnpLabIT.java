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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue B on the lab: router events, leases across router restarts, IGD v1, conflicts, hostile LAN devices. */
class UpnpLabIT {
    @TempDir
    Path dir;
    private boolean inLab;

    @BeforeEach
    void freshRouter() throws IOException {
        Lab.require();
        inLab = true;
        Lab.lab("wan-change", Lab.DEFAULT_WAN);
        Lab.lab("igd", "2"); // a restarted IGD v2 router: no mappings left from an earlier test
    }

    @AfterEach
    void restore() throws IOException {
        if (inLab) Lab.lab("wan-change", Lab.DEFAULT_WAN);
    }

    private Path config(String pollInterval, String upnpExtra) throws IOException {
        return Lab.writeConfig(dir, Lab.agentConfig(dir.resolve("state"), pollInterval, 3600, upnpExtra));
    }

    @Test
    void routerEventsCarryWanChangesToDnsWithoutPolling() throws Exception {
        Path cfg = config("1h", "");
        try (FakeProvider provider = new FakeProvider(dir);
             RunningAgent agent = new RunningAgent(cfg, dir.resolve("agent.log"), Lab.AGENT_ENV)) {
            Lab.await("the first update", Duration.ofSeconds(15), () -> provider.received("home.example.net", Lab.DEFAULT_WAN));
            agent.awaitPushed(Lab.DEFAULT_WAN);
            Lab.await("the GENA subscription", Duration.ofSeconds(5), () -> agent.logContains("GENA: subscribed"));
            for (int i = 0; i < 3; i++) {
                String next = Lab.lab("wan-change").trim();
                // poll is 1 h: only a router event can bring this within seconds
                Duration took = Lab.await("the provider to receive " + next, Duration.ofSeconds(3),
                        () -> provider.received("home.example.net", next));
                System.out.println("lab: event-driven DNS update " + took.toMillis() + " ms after the WAN change");
                agent.awaitPushed(next);
            }
            assertTrue(agent.logContains("pass: router event: ExternalIPAddress"), agent.log());

            // the WAN link loses its address: the router says 0.0.0.0 / Disconnected; nothing may reach DNS
            int before = provider.updates().size();
            Lab.lab("wan-remove");
            Thread.sleep(2500);
            assertEquals(before, provider.updates().size(), provider.updates().toString());
            String back = Lab.lab("wan-change", "11.22.33.99").trim();
            Lab.await("the provider to receive " + back, Duration.ofSeconds(5), () -> provider.received("home.example.net", back));
            assertTrue(provider.updates().stream().noneMatch(l -> l.contains(" 0.0.0.0 ")), provider.updates().toString());
            assertTrue(agent.logContains("not publishing 0.0.0.0"), agent.log());
        }
    }

    @Test
    void mappingsComeBackWithin5sOfARouterRestart() throws Exception {
        Path cfg = config("1h", "");
        try (RunningAgent agent = new RunningAgent(cfg, dir.resolve("agent.log"), Lab.AGENT_ENV)) {
            Lab.await("the mappings", Duration.ofSeconds(10), () -> Lab.hasMappings(Lab.upnpcListOrEmpty()));
            Lab.await("the GENA subscription", Duration.ofSeconds(5), () -> agent.logContains("GENA: subscribed"));
            for (int i = 0; i < 2; i++) {
                Lab.lab("reboot-router"); // returns once the restarted miniupnpd answers
                Duration back = Lab.await("mappings back", Duration.ofSeconds(5), () -> Lab.hasMappings(Lab.upnpcListOrEmpty()));
                System.out.println("lab: mappings back " + back.toMillis() + " ms after the router answered again");
            }
            assertTrue(agent.logContains("UPnP: the router restarted"), agent.log());
            // the old subscription died with the router; a new one was made
            assertTrue(agent.log().split("GENA: subscribed", -1).length >= 3, agent.log());
        }
    }

    @Test
    void igdV1RouterWorksToo() throws Exception {
        Lab.lab("igd", "1");
        Path cfg = config("1h", "");
        Lab.Result check = Lab.agent(Lab.AGENT_ENV, "check", "-c", cfg.toString());
        assertEquals(0, check.exit(), check.toString());
        assertTrue(check.stdout().contains("upnp: ok: IGD v1 'wan-agent lab router'"), check.stdout());
        assertTrue(check.stdout().contains("service WANIPConnection:1"), check.stdout());
        try (FakeProvider provider = new FakeProvider(dir);
             RunningAgent agent = new RunningAgent(cfg, dir.resolve("agent.log"), Lab.AGENT_ENV)) {
            Lab.await("the mappings on the v1 router", Duration.ofSeconds(10), () -> Lab.hasMappings(Lab.upnpcListOrEmpty()));
            Lab.await("the GENA subscription", Duration.ofSeconds(5), () -> agent.logContains("GENA: subscribed"));
            String next = Lab.lab("wan-change").trim();
            Lab.await("the provider to receive " + next, Duration.ofSeconds(3), () -> provider.received("home.example.net", next));
        }
    }

    @Test
    void conflictsAreReportedAndOneOffEditsWork() throws Exception {
        // another LAN host (192.168.77.66) holds 8080 on the router
        Lab.Result taken = Lab.run(List.of("curl", "-s", "--interface", "192.168.77.66", "-H", "Content-Type: text/xml",
                "-H", "SOAPAction: \"urn:schemas-upnp-org:service:WANIPConnection:2#AddPortMapping\"", "--data",
                "<?xml version=\"1.0\"?><s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body>"
                        + "<u:AddPortMapping xmlns:u=\"urn:schemas-upnp-org:service:WANIPConnection:2\"><NewRemoteHost>"
                        + "</NewRemoteHost><NewExternalPort>8080</NewExternalPort><NewProtocol>TCP</NewProtocol>"
                        + "<NewInternalPort>80</NewInternalPort><NewInternalClient>192.168.77.66</NewInternalClient>"
                        + "<NewEnabled>1</NewEnabled><NewPortMappingDescription>other host</NewPortMappingDescription>"
                        + "<NewLeaseDuration>3600</NewLeaseDuration></u:AddPortMapping></s:Body></s:Envelope>",
                "http://192.168.77.1:5000/ctl/IPConn"), Duration.ofSeconds(10));
        assertEquals(0, taken.exit(), taken.toString());
        assertTrue(Lab.upnpcList().contains("8080->192.168.77.66:80"), Lab.upnpcList());

        Path cfg = config("1h", "");
        Lab.Result once = Lab.agent(Lab.AGENT_ENV, "once", "-c", cfg.toString());
        assertEquals(1, once.exit(), once.toString());
        assertTrue(once.stdout().contains("mapping web: FAILED external port 8080/TCP is already forwarded to"
                + " 192.168.77.66:80 ('other host') by another host; not taking it over"), once.stdout());
        assertTrue(once.stdout().contains("mapping rdp: ok"), once.stdout());
        assertTrue(Lab.upnpcList().contains("8080->192.168.77.66:80"), "never stolen without force");
        Lab.Result check = Lab.agent(Lab.AGENT_ENV, "check", "-c", cfg.toString());
        assertEquals(1, check.exit(), check.toString());
        assertTrue(check.stdout().contains("\nmapping web: BLOCKING: external port 8080/TCP is forwarded to"
                + " 192.168.77.66:80 ('other host') by another host: free it on the router"), check.stdout());

        // force: true asks the router to hand the port over; miniupnpd's secure mode refuses, and says so
        Path forced = Lab.writeConfig(dir, Files.readString(cfg).replace("    leaseSeconds: 3600\n",
                "    leaseSeconds: 3600\n    force: true\n"));
        Lab.Result forcedOnce = Lab.agent(Lab.AGENT_ENV, "once", "-c", forced.toString());
        assertTrue(forcedOnce.stdout().contains("mapping web: FAILED force: the router refused to hand external port"
                + " 8080/TCP over from 192.168.77.66:80 ('other host') (606 ActionNotAuthorized"), forcedOnce.stdout());

        // one-off edits from the command line
        Lab.Result add = Lab.agent(Lab.AGENT_ENV, "mappings", "-c", cfg.toString(), "--add", "9090:90/udp", "--lease", "600");
        assertEquals(0, add.exit(), add.toString());
        assertTrue(add.stdout().startsWith("added UDP 9090 -> 192.168.77.100:90 'wan-agent (manual)' lease"), add.stdout());
        assertTrue(Lab.upnpcList().contains("9090->192.168.77.100:90"), Lab.upnpcList());
        Lab.Result del = Lab.agent(Lab.AGENT_ENV, "mappings", "-c", cfg.toString(), "--delete", "9090/udp");
        assertEquals(new Lab.Result(0, "deleted UDP 9090\n", ""), del);
        assertFalse(Lab.upnpcList().contains("9090->"), Lab.upnpcList());
        assertEquals(2, Lab.agent(Lab.AGENT_ENV, "mappings", "-c", cfg.toString(), "--add", "99999").exit());
    }

    @Test
    void removeMappingsOnExit() throws Exception {
        Path cfg = Lab.writeConfig(dir, Lab.agentConfig(dir.resolve("state"), "1h", 3600, "")
                + "removeMappingsOnExit: true\n");
        try (RunningAgent agent = new RunningAgent(cfg, dir.resolve("agent.log"), Lab.AGENT_ENV)) {
            Lab.await("the mappings", Duration.ofSeconds(10), () -> Lab.hasMappings(Lab.upnpcListOrEmpty()));
            assertTrue(agent.stop() >= 0, "stops within 5 s, removal included");
            assertFalse(Lab.upnpcList().contains("->192.168.77.100"), Lab.upnpcList());
            assertTrue(agent.logContains("mapping web: removed on exit"), agent.log());
        }
    }

    @Test
    void aBusyCallbackPortDelaysRouterEventsButDoesNotLoseThem() throws Exception {
        Path cfg = config("1h", "    callbackPort: 49153");
        // another program holds the callback port when the agent starts
        java.net.ServerSocket squatter = new java.net.ServerSocket();
        squatter.bind(new java.net.InetSocketAddress(Lab.LAN_HOST, 49153));
        try (FakeProvider provider = new FakeProvider(dir);
             RunningAgent agent = new RunningAgent(cfg, dir.resolve("agent.log"), Lab.AGENT_ENV)) {
            try {
                Lab.await("the first update", Duration.ofSeconds(15),
                        () -> provider.received("home.example.net", Lab.DEFAULT_WAN));
                Lab.await("the busy port to be reported", Duration.ofSeconds(5),
                        () -> agent.logContains("UPnP: no router events yet (Address already in use)"));
            } finally {
                squatter.close();
            }
            // poll is 1 h: the listener is tried again on the router back-off (1, 2, 4 … 30 s)
            Lab.await("the listener to start", Duration.ofSeconds(40), () -> agent.logContains("UPnP: router events on"));
            Lab.await("the GENA subscription", Duration.ofSeconds(5), () -> agent.logContains("GENA: subscribed"));
            String next = Lab.lab("wan-change").trim();
            Duration took = Lab.await("the provider to receive " + next, Duration.ofSeconds(3),
                    () -> provider.received("home.example.net", next));
            System.out.println("lab: event-driven DNS update " + took.toMillis() + " ms after the WAN change, the callback"
                    + " port freed late");
            String log = agent.log();
            assertEquals(2, log.split("no router events yet", -1).length, "the busy port is reported once:\n" + log);
        }
    }

    @Test
    void aHostileLanDeviceIsRefusedAndTheRealRouterStillServes() throws Exception {
        Path out = dir.resolve("hostile.out");
        Process hostile = new ProcessBuilder(Lab.javaBin(), Lab.ROOT.resolve("lab/HostileResponder.java").toString(),
                "192.168.77.66", "192.168.77.100:49152").redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            Lab.await("the hostile responder", Duration.ofSeconds(20), () -> read(out).contains("ready"));
            Path cfg = config("1h", "    callbackPort: 49152");
            try (FakeProvider provider = new FakeProvider(dir);
                 RunningAgent agent = new RunningAgent(cfg, dir.resolve("agent.log"), Lab.AGENT_ENV)) {
                Lab.await("the first update", Duration.ofSeconds(15),
                        () -> provider.received("home.example.net", Lab.DEFAULT_WAN));
                agent.awaitPushed(Lab.DEFAULT_WAN);
                String next;
                try {
                    Lab.await("the spoofed NOTIFYs to be refused", Duration.ofSeconds(5),
                            () -> agent.logContains("GENA: refused a connection from 192.168.77.66"));
                    next = Lab.lab("wan-change").trim();
                    Lab.await("the provider to receive " + next, Duration.ofSeconds(3),
                            () -> provider.received("home.example.net", next));
                } catch (AssertionError e) {
                    throw new AssertionError(e.getMessage() + "\n" + agent.log() + "\n" + agent.threads(), e);
                }
                Thread.sleep(1000); // more spoofed events and announcements while running
                String log = agent.log();
                for (String refusal : List.of(
                        "SSDP: refused LOCATION 'file:///etc/passwd' from 192.168.77.66: only http:// on the responder itself is accepted",
                        "SSDP: refused LOCATION 'http://203.0.113.5:5000/rootDesc.xml' from 192.168.77.66: it points at another host",
                        "SSDP: ignored a reply from 192.168.77.66 that is not an HTTP 200 search answer",
                        "UPnP: ignored the IGD at 192.168.77.66 (http://192.168.77.66:8066/fake-igd.xml): it is not the default gateway 192.168.77.1",
                        "UPnP: ignored the IGD at 192.168.77.66 (http://192.168.77.66:8066/xxe.xml)",
                        "UPnP: ignored the IGD at 192.168.77.66 (http://192.168.77.66:8066/big.xml)")) {
                    assertTrue(log.contains(refusal), "missing: " + refusal + "\n" + log);
                }
                // one line for all the spoofed NOTIFYs: refused by their source, before a byte is read
                assertTrue(log.contains("GENA: refused a connection from 192.168.77.66: events are accepted only from"
                        + " the router 192.168.77.1"), log);
                assertEquals(2, log.split("GENA: refused a connection from 192.168.77.66", -1).length,
                        "a repeated refusal is logged once, not once per connection:\n" + log);
                assertFalse(log.contains("the router restarted"), "another device's announcements are not the router's");
                assertTrue(provider.updates().stream().noneMatch(l -> l.contains("6.6.6.6")), provider.updates().toString());
                assertFalse(log.contains("6.6.6.6"), log);
                assertTrue(Lab.hasMappings(Lab.upnpcList()));
                assertFalse(read(out).contains("hostile: GET"), "the agent never fetched the hostile device's documents");
                assertTrue(log.split("refused LOCATION 'file:///etc/passwd'", -1).length == 2,
                        "a repeated refusal is logged once, not once per packet");
            }
            // a configured location is trusted to be the router, yet its document is still parsed safely
            Path xxe = config("1h", "    location: http://192.168.77.66:8066/xxe.xml");
            Lab.Result r = Lab.agent(Lab.AGENT_ENV, "wan-ip", "-c", xxe.toString(), "--source", "upnp");
            assertEquals(1, r.exit());
            assertTrue(r.stderr().contains("is not acceptable XML") && r.stderr().contains("DOCTYPE"), r.stderr());
            Path big = config("1h", "    location: http://192.168.77.66:8066/big.xml");
            Lab.Result b = Lab.agent(Lab.AGENT_ENV, "wan-ip", "-c", big.toString(), "--source", "upnp");
            assertEquals(1, b.exit());
            assertTrue(b.stderr().contains("over the 262144 byte limit"), b.stderr());
        } finally {
            hostile.destroy();
            hostile.waitFor();
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "";
        }
    }
}
