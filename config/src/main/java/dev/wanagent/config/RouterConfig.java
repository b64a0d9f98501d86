package dev.wanagent.config;

import java.util.List;

/**
 * Where the agent reads the WAN address from.
 *
 * @param sourceOrder the enabled sources ("upnp", "snmp") in the order the config lists them: the first healthy
 *                    one gives the address
 */
public record RouterConfig(UpnpConfig upnp, SnmpConfig snmp, List<String> sourceOrder) {
    public RouterConfig {
        sourceOrder = List.copyOf(sourceOrder);
    }
}
