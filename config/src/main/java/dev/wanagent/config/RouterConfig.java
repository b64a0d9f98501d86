package dev.wanagent.config;

import java.util.List;

/**
 * Where the agent reads the WAN address from.
 *
 * @param pcp         PCP / NAT-PMP ({@code router.pcp})
 * @param openwrt     OpenWrt's ubus ({@code router.openwrt})
 * @param sourceOrder the enabled sources ("upnp", "snmp", "pcp", "openwrt") in the order the config lists them: the
 *                    first healthy one gives the address
 */
public record RouterConfig(UpnpConfig upnp, SnmpConfig snmp, PcpConfig pcp, OpenWrtConfig openwrt,
                           List<String> sourceOrder) {
    public RouterConfig {
        sourceOrder = List.copyOf(sourceOrder);
    }

    /** Without OpenWrt. */
    public RouterConfig(UpnpConfig upnp, SnmpConfig snmp, PcpConfig pcp, List<String> sourceOrder) {
        this(upnp, snmp, pcp, OpenWrtConfig.disabled(), sourceOrder);
    }
}
