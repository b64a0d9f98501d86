package dev.wanagent.config;

/** Where the agent reads the WAN address from. Sources are tried in this order: UPnP, then SNMP. */
public record RouterConfig(UpnpConfig upnp, SnmpConfig snmp) {
}
