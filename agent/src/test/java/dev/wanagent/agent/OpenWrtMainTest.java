package dev.wanagent.agent;

import dev.wanagent.openwrt.FakeUbus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line with router.openwrt, against the fake router on loopback. */
class OpenWrtMainTest {
    private static final String PASSWORD = "pw-S3cret!";
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private FakeUbus router;
    @TempDir
    Path dir;

    @BeforeEach
    void start() throws Exception {
        router = FakeUbus.start("wan-agent", PASSWORD);
    }

    @AfterEach
    void stop() {
        router.close();
    }

    private int run(String... args) {
        out.reset();
        err.reset();
        return new Main(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).execute(args);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    /** A config with OpenWrt (password from a file) and UPnP off; {@code more} goes under router. */
    private Path config(String password, String more) throws Exception {
        Path pw = Files.writeString(dir.resolve("openwrt.pw"), password + "\n");
        return Files.writeString(dir.resolve("c.yaml"), "router:\n"
                + "  openwrt:\n"
                + "    enabled: true\n"
                + "    url: " + router.url() + "\n"
                + "    username: wan-agent\n"
                + "    password: ${file:" + pw + "}\n"
                + more
                + "  upnp: {enabled: false}\n"
                + "stateDir: " + dir.resolve("state") + "\n");
    }

    @Test
    void wanIpFromOpenWrt() throws Exception {
        Path cfg = config(PASSWORD, "");
        assertEquals(0, run("wan-ip", "-c", cfg.toString(), "--source", "openwrt"), err());
        assertEquals("203.0.113.7\n", out());
        assertEquals(0, run("wan-ip", "-c", cfg.toString()), err());
        assertEquals("203.0.113.7\n", out());
    }

    @Test
    void aWrongPasswordIsOneClearLineWithoutThePassword() throws Exception {
        Path cfg = config("wrong-" + PASSWORD, "");
        assertEquals(1, run("wan-ip", "-c", cfg.toString(), "--source", "openwrt"));
        assertEquals("wan-agent: cannot read the WAN address: openwrt: OpenWrt at " + router.url() + " refused the"
                + " login of user 'wan-agent' (ubus status 6: wrong password, or no 'config login' entry with that"
                + " username in /etc/config/rpcd)\n", err());
        assertFalse(err().contains(PASSWORD));
        assertEquals("", out());
    }

    @Test
    void aDownWanIsAFailure() throws Exception {
        router.setInterface("wan", FakeUbus.down("pppoe"));
        assertEquals(1, run("wan-ip", "-c", config(PASSWORD, "").toString(), "--source", "openwrt"));
        assertEquals("wan-agent: cannot read the WAN address: openwrt: OpenWrt interface wan is down (no WAN address"
                + " yet)\n", err());
    }

    @Test
    void checkDescribesOpenWrt() throws Exception {
        assertEquals(0, run("check", "-c", config(PASSWORD, "").toString()), out() + err());
        assertTrue(out().contains("openwrt: ok: ubus at " + router.url() + " as user wan-agent, interface wan up"
                + " (pppoe-wan): 203.0.113.7, interface6 wan6 up (pppoe-wan): 2001:db8:0:1:0:0:0:2, prefix"
                + " 2001:db8:100:0:0:0:0:0/56\n"), out());
    }

    @Test
    void sourcesAreAskedInConfigOrder() throws Exception {
        Path cfg = config(PASSWORD, "");
        Files.writeString(cfg, Files.readString(cfg).replace("  upnp: {enabled: false}\n",
                "  upnp: {enabled: false}\n  snmp: {enabled: true, host: 127.0.0.1, port: 9, community: c,"
                        + " timeout: 100ms, retries: 0}\n"));
        try (Agent agent = new Agent(dev.wanagent.config.ConfigLoader.withSystemEnvironment().load(cfg),
                java.time.Clock.systemUTC(), false)) {
            assertEquals(java.util.List.of("openwrt", "snmp"), agent.sources.stream().map(WanSource::name).toList());
            assertTrue(agent.openwrt.isPresent());
        }
    }

    @Test
    void openWrtNotEnabled() throws Exception {
        Path cfg = Files.writeString(dir.resolve("upnp.yaml"), "router: {upnp: {enabled: true}}\nstateDir: "
                + dir.resolve("state") + "\n");
        assertEquals(1, run("wan-ip", "-c", cfg.toString(), "--source", "openwrt"));
        assertEquals("wan-agent: source openwrt is not enabled in the config (router.openwrt.enabled)\n", err());
    }
}
