package dev.wanagent.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** router.openwrt: its keys, defaults, checks, its place in the source order, and the README's example. */
class OpenWrtConfigTest {
    private static final String PASSWORD = "pw-S3cret!";
    private final ConfigLoader loader = new ConfigLoader(Map.of("OPENWRT_PASSWORD", PASSWORD)::get);

    private AgentConfig parse(String yaml) throws ConfigException {
        return loader.parse(yaml, "c.yaml");
    }

    private List<String> problems(String yaml) {
        return assertThrows(ConfigException.class, () -> parse(yaml)).problems();
    }

    /** {@code router.openwrt} with these keys (UPnP stays on, so a disabled OpenWrt is no problem). */
    private static String openwrt(String keys) {
        return "router:\n  openwrt: {" + keys + "}\n";
    }

    @Test
    void disabledByDefault() throws Exception {
        OpenWrtConfig o = parse("pollInterval: 5m\n").router().openwrt();
        assertEquals(OpenWrtConfig.disabled(), o);
        assertFalse(o.enabled());
        assertEquals("wan", o.interfaceName());
        assertEquals("wan6", o.interfaceName6());
        assertEquals(Optional.empty(), o.url());
        assertEquals(List.of("upnp"), parse("pollInterval: 5m\n").router().sourceOrder());
    }

    @Test
    void readsEveryKey() throws Exception {
        OpenWrtConfig o = parse(openwrt("enabled: true, url: 'https://router.example.net/ubus', username: wan-agent,"
                + " password: '${OPENWRT_PASSWORD}', interface: wan_4, interface6: wan_6, allowPlainHttp: false"))
                .router().openwrt();
        assertEquals(new OpenWrtConfig(true, Optional.of(URI.create("https://router.example.net/ubus")), "wan-agent",
                new Secret(PASSWORD), "wan_4", "wan_6", false), o);
        assertFalse(o.toString().contains(PASSWORD), "a record printed by accident shows no password");
    }

    @Test
    void theUrlDefaultsToTheGatewayAtRunTime() throws Exception {
        OpenWrtConfig o = parse(openwrt("enabled: true, username: wan-agent, password: x")).router().openwrt();
        assertEquals(Optional.empty(), o.url());
        assertEquals("/ubus", OpenWrtConfig.DEFAULT_PATH);
    }

    @Test
    void thePasswordMayComeFromAFile(@TempDir Path dir) throws Exception {
        Path secret = Files.writeString(dir.resolve("openwrt.pw"), PASSWORD + "\n");
        OpenWrtConfig o = parse(openwrt("enabled: true, username: wan-agent, password: '${file:" + secret + "}'"))
                .router().openwrt();
        assertEquals(PASSWORD, o.password().reveal());
    }

    @Test
    void usernameAndPasswordAreRequiredWhenEnabled() throws Exception {
        assertEquals(List.of("router.openwrt.username: is required when OpenWrt is enabled (the rpcd login: a 'config"
                        + " login' entry in /etc/config/rpcd)",
                "router.openwrt.password: is required when OpenWrt is enabled (the rpcd login's password)"),
                problems(openwrt("enabled: true")));
        assertEquals(List.of("router.openwrt.password: is empty (give the rpcd login a password)"),
                problems(openwrt("enabled: true, username: u, password: ''")));
        assertFalse(parse(openwrt("enabled: false")).router().openwrt().enabled(), "nothing is required when off");
    }

    @Test
    void plainHttpOnlyInsideTheHome() throws Exception {
        for (String url : List.of("http://192.168.1.1/ubus", "http://10.0.0.1:8080/ubus", "http://127.0.0.1/ubus",
                "http://localhost/ubus", "http://[fd00::1]/ubus", "http://[::1]/ubus", "https://203.0.113.1/ubus",
                "https://openwrt.example.net/ubus")) {
            assertEquals(Optional.of(URI.create(url)), parse(openwrt("enabled: true, username: u, password: p, url: '"
                    + url + "'")).router().openwrt().url(), url);
        }
        assertEquals(List.of("router.openwrt.url: \"http://203.0.113.1/ubus\" uses plain http to a host that is not a"
                        + " loopback or private address: the rpcd password would cross the network in the clear; use"
                        + " https://, the router's LAN address, or set allowPlainHttp: true"),
                problems(openwrt("enabled: true, username: u, password: p, url: 'http://203.0.113.1/ubus'")));
        assertEquals(1, problems(openwrt("enabled: true, username: u, password: p, url: 'http://openwrt.lan/ubus'"))
                .size(), "a name is not known to be local");
        assertEquals(Optional.of(URI.create("http://openwrt.lan/ubus")), parse(openwrt("enabled: true, username: u,"
                + " password: p, url: 'http://openwrt.lan/ubus', allowPlainHttp: true")).router().openwrt().url());
    }

    @Test
    void badUrlsNameTheKey() {
        assertEquals(List.of("router.openwrt.url: \"ftp://192.168.1.1/ubus\" is not an http(s) URL with a host (e.g."
                + " http://192.168.1.1/ubus)"), problems(openwrt("url: 'ftp://192.168.1.1/ubus'")));
        assertEquals(List.of("router.openwrt.url: \"http://****@192.168.1.1/ubus\" has credentials in it: give them as"
                + " username and password"), problems(openwrt("url: 'http://root:pw@192.168.1.1/ubus'")));
        assertEquals(List.of("router.openwrt.url: \"http://192.168.1.1/ubus?****\" has a query or fragment: the ubus"
                + " endpoint is a plain path (e.g. /ubus)"), problems(openwrt("url: 'http://192.168.1.1/ubus?x=1'")));
        assertEquals(List.of("router.openwrt.url: \"http://192.168.1.1\" has no path: uhttpd serves ubus at /ubus"
                + " (e.g. http://192.168.1.1/ubus)"), problems(openwrt("url: 'http://192.168.1.1'")));
        assertEquals(List.of("router.openwrt.url: \"http://192.168.1.1:99999/ubus\" has no valid port (1-65535)"),
                problems(openwrt("url: 'http://192.168.1.1:99999/ubus'")));
        assertTrue(problems(openwrt("url: 'http://[::1/ubus'")).get(0).startsWith("router.openwrt.url: "
                + "\"http://[::1/ubus\" is not a valid URL ("));
    }

    @Test
    void interfaceNamesAreUciNames() {
        assertEquals(List.of("router.openwrt.interface: \"wan.*\" is not an OpenWrt interface name (letters, digits"
                        + " and _, as in /etc/config/network: wan, wan6, wan_6)",
                "router.openwrt.interface6: \"\" is not an OpenWrt interface name (letters, digits and _, as in"
                        + " /etc/config/network: wan, wan6, wan_6)"),
                problems(openwrt("interface: 'wan.*', interface6: ''")));
    }

    @Test
    void theUsernameIsOneVisibleWord() {
        assertEquals(List.of("router.openwrt.username: \"wan agent\" is not an rpcd login name (1-64 visible ASCII"
                + " characters, no spaces)"), problems(openwrt("username: 'wan agent'")));
    }

    @Test
    void aTypoIsAnUnknownKeyWithASuggestionAndNoPasswordIsShown() {
        List<String> p = problems(openwrt("enabled: true, usernme: wan-agent, password: '" + PASSWORD
                + "', interfce6: wan6"));
        assertTrue(p.stream().anyMatch(m -> m.startsWith("router.openwrt.usernme: unknown key (did you mean"
                + " 'username'?); known keys here: enabled, url, username, password, interface, interface6,"
                + " allowPlainHttp")), p.toString());
        assertTrue(p.stream().anyMatch(m -> m.startsWith("router.openwrt.interfce6: unknown key (did you mean"
                + " 'interface6'?)")), p.toString());
        assertTrue(p.stream().noneMatch(m -> m.contains(PASSWORD)), p.toString());
        assertEquals(List.of("router.openwrt.password: expected text (quote it), got a number"),
                problems(openwrt("enabled: true, username: u, password: 12345678")));
    }

    @Test
    void sourcesStayInConfigOrder() throws Exception {
        String o = "  openwrt: {enabled: true, username: u, password: p}\n";
        String s = "  snmp: {enabled: true, host: 192.168.1.1, community: c}\n";
        assertEquals(List.of("openwrt", "snmp", "upnp"),
                parse("router:\n" + o + s + "  upnp: {enabled: true}\n").router().sourceOrder());
        assertEquals(List.of("snmp", "openwrt"),
                parse("router:\n  upnp: {enabled: false}\n" + s + o).router().sourceOrder());
        assertEquals(List.of("upnp", "openwrt"), parse("router:\n" + o).router().sourceOrder(),
                "UPnP is on by default and first when the config does not list it");
        assertEquals(List.of("openwrt"), parse("router:\n  upnp: {enabled: false}\n" + o).router().sourceOrder());
        assertEquals(List.of("upnp"), parse("router:\n  openwrt: {enabled: false}\n").router().sourceOrder());
    }

    @Test
    void openWrtAloneIsASourceButNoSourceIsAnError() throws Exception {
        String alone = "router:\n  upnp: {enabled: false}\n  openwrt: {enabled: true, username: u, password: p}\n";
        assertEquals(List.of("openwrt"), parse(alone).router().sourceOrder());
        assertEquals(List.of("router: no WAN address source is enabled (set router.upnp.enabled, router.snmp.enabled,"
                + " router.pcp.enabled or router.openwrt.enabled)"), problems(alone.replace("enabled: true",
                "enabled: false")));
    }

    @Test
    void localNetworkAddresses() throws Exception {
        for (String local : List.of("127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.1.1", "::1",
                "fd00::1", "fc00::1", "fe80::1")) {
            assertTrue(OpenWrtConfig.localNetwork(IpLiteral.parse(local).orElseThrow()), local);
        }
        for (String remote : List.of("203.0.113.1", "8.8.8.8", "100.64.0.1", "2001:db8::1", "fec0::1")) {
            assertFalse(OpenWrtConfig.localNetwork(IpLiteral.parse(remote).orElseThrow()), remote);
        }
    }

    /** The README's OpenWrt example loads as documented. */
    @Test
    void theReadmeExampleLoads() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        Matcher m = Pattern.compile("### OpenWrt.*?```yaml\n(.*?)```", Pattern.DOTALL).matcher(readme);
        assertTrue(m.find(), "README has an OpenWrt example");
        OpenWrtConfig o = new ConfigLoader(name -> "value-of-" + name).parse(m.group(1), "README.yaml")
                .router().openwrt();
        assertTrue(o.enabled());
        assertEquals("wan-agent", o.username());
        assertEquals("value-of-OPENWRT_PASSWORD", o.password().reveal());
        assertEquals("wan", o.interfaceName());
        assertEquals("wan6", o.interfaceName6());
    }
}
