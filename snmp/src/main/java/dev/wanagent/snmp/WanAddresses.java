package dev.wanagent.snmp;

import java.net.InetAddress;
import java.util.List;

/**
 * The WAN interface's addresses as the router reports them.
 *
 * @param ipv4 IPv4 addresses, in table order
 * @param ipv6 global IPv6 addresses (link-local and ULA left out)
 */
public record WanAddresses(int ifIndex, List<InetAddress> ipv4, List<InetAddress> ipv6) {
    public WanAddresses {
        ipv4 = List.copyOf(ipv4);
        ipv6 = List.copyOf(ipv6);
    }
}
