package dev.wanagent.agent;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * What a source read from the router: the WAN IPv4 address and, where the source knows it, a global IPv6 one.
 * The families are checked: an IPv6 address can never reach an A record, nor an IPv4 address an AAAA record.
 */
record WanAddress(InetAddress ipv4, Optional<InetAddress> ipv6) {
    WanAddress {
        Objects.requireNonNull(ipv4, "ipv4");
        if (!(ipv4 instanceof Inet4Address)) {
            throw new IllegalArgumentException(ipv4.getHostAddress() + " is not an IPv4 address");
        }
        if (ipv6.isPresent() && !(ipv6.get() instanceof Inet6Address)) {
            throw new IllegalArgumentException(ipv6.get().getHostAddress() + " is not an IPv6 address");
        }
    }

    static WanAddress ipv4Only(InetAddress ipv4) {
        return new WanAddress(ipv4, Optional.empty());
    }
}
