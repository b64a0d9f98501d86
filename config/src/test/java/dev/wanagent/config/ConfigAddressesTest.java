package dev.wanagent.config;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The configuration's address fields, all read by {@link IpLiteral}. */
class ConfigAddressesTest {
    private final ConfigLoader loader = new ConfigLoader(Map.of("PW", "s3cret-Pw!")::get);

    private void valid(String yaml) {
        assertDoesNotThrow(() -> loader.parse(yaml, "a.yaml"), yaml);
    }

    private void refused(String yaml, String problem) {
        ConfigException e = assertThrows(ConfigException.class, () -> loader.parse(yaml, "a.yaml"), yaml);
        assertTrue(e.problems().contains(problem), e.getMessage());
    }

    private static String snmpHost(String host) {
        return "router: {upnp: {enabled: false}, snmp: {enabled: true, host: '" + host + "', community: c}}";
    }

    private static String verifyServer(String server) {
        return """
                providers:
                  - type: dyndns2
                    server: https://dynupdate.no-ip.com
                    username: me
                    password: ${PW}
                    hostnames: [myhome.ddns.net]
                    verifyDnsServer: 'SERVER'
                """.replace("SERVER", server);
    }

    @Test
    void snmpHostIsAnIpLiteral() {
        for (String ok : new String[] {"192.168.1.1", "2001:db8::1", "fd00::1", "::ffff:192.168.1.1"}) {
            valid(snmpHost(ok));
        }
        // "ffff:" and "1::2::3" passed the old pattern and failed only when the agent opened the session
        for (String bad : new String[] {"router.lan", "ffff:", "1::2::3", "fe80::1%eth0", "[2001:db8::1]", "999.1.1.1",
                "010.1.1.1", "1.2.3"}) {
            refused(snmpHost(bad), "router.snmp.host: \"" + bad + "\" is not an IP address (the router's LAN address;"
                    + " names are not looked up)");
        }
    }

    @Test
    void verifyDnsServerIsAnIpLiteral() {
        valid(verifyServer("192.168.1.1"));
        valid(verifyServer("2001:db8::53"));
        // any text with a colon used to pass, and dnsjava's SimpleResolver would look a name such as x:y up
        for (String bad : new String[] {"x:y", "dns.example:53", "[2001:db8::53]", "1.1.1.1:53", "010.1.1.1"}) {
            refused(verifyServer(bad), "providers[0].verifyDnsServer: \"" + bad + "\" is not an IP address");
        }
    }

    @Test
    void anOctetWithALeadingZeroIsRefused() {
        // inet_aton (and so many routers) reads 010 as octal 8: the old check took it as decimal 10
        refused("mappings:\n  - {name: web, externalPort: 8080, internalClient: '192.168.001.020'}",
                "mappings[0].internalClient: \"192.168.001.020\" is not an IPv4 address or 'auto'");
        valid("mappings:\n  - {name: web, externalPort: 8080, internalClient: '192.168.1.20'}");
        refused("status: {listen: '127.000.0.1:8787'}",
                "status.listen: \"127.000.0.1:8787\" is not ADDRESS:PORT (e.g. 127.0.0.1:8787)");
        valid("status: {listen: '127.0.0.1:8787'}");
    }
}
