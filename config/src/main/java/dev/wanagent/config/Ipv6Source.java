package dev.wanagent.config;

/**
 * Which IPv6 address a provider's AAAA records carry ({@code ipv6Source}).
 * <ul>
 *   <li>{@link #HOST} (default): the served host's own global address: this host's stable address, or
 *       {@code hostId6} joined to the LAN's prefix. IPv6 has no NAT: this is the address the internet reaches
 *       the server at.</li>
 *   <li>{@link #ROUTER}: the router's own WAN IPv6 address (for services that run on the router itself).</li>
 * </ul>
 */
public enum Ipv6Source {
    HOST, ROUTER
}
