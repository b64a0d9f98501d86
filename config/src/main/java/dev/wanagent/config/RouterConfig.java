package dev.wanagent.config;

import java.util.List;

/**
 * Where the agent reads the WAN address from.
 *
 * @param pcp         PCP / NAT-PMP ({@code router.pcp})
 * @param sourceOrder the enabled sources ("upnp", "snmp", "pcp") in the order the config lists them: the first healthy
 *                    one gives the address
 */
public record RouterConfig(UpnpConfig upnp, SnmpConfig snmp, PcpConfig pcp, List<String> sourceOrder) {
    public RouterConfig {
        sourceOrder = List.copyOf(sourceOrder);
    }
}
