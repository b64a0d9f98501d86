package dev.wanagent.config;

import java.util.List;

/**
 * Where the agent reads the WAN address from.
 *
 * @param pcp         PCP / NAT-PMP ({@code router.pcp})
 * @param openwrt     OpenWrt's ubus ({@code router.openwrt})
 * @param web         the web echo ({@code router.web}): a last resort, never part of {@code sourceOrder}
 * @param sourceOrder the enabled sources ("upnp", "snmp", "pcp", "openwrt") in the order the config lists them: the
 *                    first healthy one gives the address
 */
public record RouterConfig(UpnpConfig upnp, SnmpConfig snmp, PcpConfig pcp, OpenWrtConfig openwrt,
                           List<String> sourceOrder, WebEchoConfig web) {
    public RouterConfig {
        sourceOrder = List.copyOf(sourceOrder);
    }

    /** Without the web echo. */
    public RouterConfig(UpnpConfig upnp, SnmpConfig snmp, PcpConfig pcp, OpenWrtConfig openwrt,
                        List<String> sourceOrder) {
        this(upnp, snmp, pcp, openwrt, sourceOrder, WebEchoConfig.disabled());
    }

    /** Without OpenWrt. */
    public RouterConfig(UpnpConfig upnp, SnmpConfig snmp, PcpConfig pcp, List<String> sourceOrder) {
        this(upnp, snmp, pcp, OpenWrtConfig.disabled(), sourceOrder);
    }
}
