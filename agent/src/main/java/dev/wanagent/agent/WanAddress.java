package dev.wanagent.agent;

import java.net.InetAddress;
import java.util.Optional;

/** What a source read from the router: the WAN IPv4 address and, where the source knows it, a global IPv6 one. */
record WanAddress(InetAddress ipv4, Optional<InetAddress> ipv6) {
    static WanAddress ipv4Only(InetAddress ipv4) {
        return new WanAddress(ipv4, Optional.empty());
    }
}
