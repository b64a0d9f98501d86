package dev.wanagent.config;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ha.enabled, ha.leaseSeconds and what HA needs from the rest of the config. */
class HaConfigTest {
    private static AgentConfig parse(String yaml) throws ConfigException {
        return new ConfigLoader(Map.<String, String>of()::get).parse(yaml, "c.yaml");
    }

    private static final String MAPPINGS = "mappings:\n  - {name: rdp, externalPort: 3389, internalPort: 3389}\n";

    @Test
    void offByDefaultThirtySecondsWhenOn() throws Exception {
        assertEquals(HaConfig.disabled(), parse(MAPPINGS).ha());
        assertEquals(new HaConfig(true, 30), parse(MAPPINGS + "ha: {enabled: true}\n").ha());
        assertEquals(new HaConfig(true, 60), parse(MAPPINGS + "ha: {enabled: true, leaseSeconds: 60}\n").ha());
    }

    @Test
    void whatHaNeedsIsNamed() throws Exception {
        String m = assertThrows(ConfigException.class, () -> parse("ha: {enabled: true, leaseSeconds: 5, peers: 2}\n"))
                .getMessage();
        assertTrue(m.contains("ha.leaseSeconds") && m.contains("10-3600"), m);
        assertTrue(m.contains("ha.peers"), m);
        assertTrue(m.contains("ha.enabled needs mappings"), m);
        String client = assertThrows(ConfigException.class, () -> parse("ha: {enabled: true}\nmappings:\n"
                + "  - {name: nas, externalPort: 5001, internalPort: 5001, internalClient: 192.168.1.9}\n")).getMessage();
        assertTrue(client.contains("mappings[0].internalClient") && client.contains("must be auto"), client);
        String none = assertThrows(ConfigException.class, () -> parse("ha: {enabled: true}\nrouter:\n  upnp: {enabled: false}\n"
                + "  snmp: {enabled: true}\n" + MAPPINGS)).getMessage();
        assertTrue(none.contains("ha.enabled needs router.upnp.enabled or router.pcp.enabled"), none);
        // over PCP/NAT-PMP alone HA works too
        assertTrue(parse("ha: {enabled: true}\nrouter:\n  upnp: {enabled: false}\n  pcp: {enabled: true}\n" + MAPPINGS)
                .ha().enabled());
    }
}
