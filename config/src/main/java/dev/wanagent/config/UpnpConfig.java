package dev.wanagent.config;

import java.net.URI;
import java.util.Optional;

/**
 * UPnP IGD source.
 *
 * @param enabled  use the router's UPnP IGD (default true)
 * @param events   subscribe to the router's GENA events (default true)
 * @param location     the router's rootDesc URL; when given, SSDP discovery is skipped
 * @param callbackPort port of the event listener on the LAN address (0: any free port)
 * @param networkInterface the LAN interface to use (its default route's gateway is the router); empty: the
 *                     interface of the default route
 * @param pinholes     for each mapping, also open an IPv6 firewall pinhole (IGD:2 WANIPv6FirewallControl) to the
 *                     served host's IPv6 address and the mapping's internal port, where the router offers it
 *                     (default true)
 */
public record UpnpConfig(boolean enabled, boolean events, Optional<URI> location, int callbackPort,
                         Optional<String> networkInterface, boolean pinholes) {
    public static UpnpConfig defaults() {
        return new UpnpConfig(true, true, Optional.empty(), 0, Optional.empty(), true);
    }

    public UpnpConfig(boolean enabled, boolean events, Optional<URI> location, int callbackPort,
                      Optional<String> networkInterface) {
        this(enabled, events, location, callbackPort, networkInterface, true);
    }
}
