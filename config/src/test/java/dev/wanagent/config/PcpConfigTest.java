package dev.wanagent.config;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** router.pcp: enabled, protocol, gateway; its place in the source order; mappings without UPnP. */
class PcpConfigTest {
    private static AgentConfig parse(String yaml) throws ConfigException {
        return new ConfigLoader(Map.<String, String>of()::get).parse(yaml, "c.yaml");
    }

    @Test
    void defaultsToDisabledAuto() throws Exception {
        AgentConfig c = parse("pollInterval: 5m\n");
        assertFalse(c.router().pcp().enabled());
        assertEquals(PcpConfig.Protocol.AUTO, c.router().pcp().protocol());
        assertEquals(Optional.empty(), c.router().pcp().gateway());
        assertEquals(List.of("upnp"), c.router().sourceOrder());
    }

    @Test
    void readsEveryKeyAndKeepsTheSourceOrder() throws Exception {
        AgentConfig c = parse("""
                router:
                  pcp: {enabled: true, protocol: natpmp, gateway: 192.168.77.1}
                  upnp: {enabled: true}
                """);
        assertEquals(new PcpConfig(true, PcpConfig.Protocol.NATPMP,
                Optional.of(java.net.InetAddress.getByAddress(new byte[]{(byte) 192, (byte) 168, 77, 1}))),
                c.router().pcp());
        assertEquals(List.of("pcp", "upnp"), c.router().sourceOrder());
        assertEquals(List.of("upnp", "pcp"), parse("router:\n  pcp: {enabled: true, protocol: PCP}\n")
                .router().sourceOrder());
        assertEquals(PcpConfig.Protocol.PCP, parse("router:\n  pcp: {enabled: true, protocol: PCP}\n")
                .router().pcp().protocol());
    }

    @Test
    void pcpAloneIsASourceAndKeepsMappings() throws Exception {
        AgentConfig c = parse("""
                router:
                  upnp: {enabled: false}
                  pcp: {enabled: true}
                mappings:
                  - {name: web, externalPort: 8080, internalPort: 80}
                """);
        assertEquals(List.of("pcp"), c.router().sourceOrder());
        assertEquals(1, c.mappings().size());
    }

    @Test
    void badValuesNameTheirKeys() {
        ConfigException e = assertThrows(ConfigException.class, () -> parse("""
                router:
                  upnp: {enabled: false}
                  pcp: {enabled: true, protocol: upnp, gateway: router.lan, port: 5351}
                """));
        String all = String.join("\n", e.problems());
        assertTrue(all.contains("router.pcp.protocol: 'upnp' is not auto, pcp or natpmp")
                || all.contains("router.pcp.protocol:"), all);
        assertTrue(all.contains("router.pcp.gateway:"), all);
        assertTrue(all.contains("router.pcp.port: unknown key"), all);
    }

    @Test
    void mappingsNeedUpnpOrPcp() {
        ConfigException e = assertThrows(ConfigException.class, () -> parse("""
                router:
                  upnp: {enabled: false}
                  snmp: {enabled: true, host: 192.168.1.1, community: x}
                mappings:
                  - {name: web, externalPort: 8080}
                """));
        assertTrue(String.join("\n", e.problems()).contains("router.pcp.enabled"), e.problems().toString());
    }
}
