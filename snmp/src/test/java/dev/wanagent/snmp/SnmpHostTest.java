package dev.wanagent.snmp;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SnmpHostTest {
    private static SnmpTarget at(String host) {
        return new SnmpTarget(host, 161, SnmpTarget.Version.V2C, "public", "", SnmpTarget.Auth.SHA, "",
                Optional.empty(), "", 1500, 1);
    }

    @Test
    void theHostIsAnIpLiteralAndNeverLookedUp() {
        // "999.1.1.1", ".:" and "g::1" used to reach InetAddress.getByName, which asks the resolver for them
        for (String host : new String[] {"router.lan", "999.1.1.1", "1.2.3.4.5", ".:", "g::1", "1.2.3", "fe80::1%eth0",
                ""}) {
            SnmpException e = assertThrows(SnmpException.class, () -> new SnmpRouter(at(host)).close(), host);
            assertEquals("router.snmp.host must be the router's IP address, not '" + host + "'", e.getMessage());
        }
    }
}
