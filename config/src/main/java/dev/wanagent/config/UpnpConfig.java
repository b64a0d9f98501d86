package dev.wanagent.config;

import java.net.URI;
import java.util.Optional;

/**
 * UPnP IGD source.
 *
 * @param enabled  use the router's UPnP IGD (default true)
 * @param events   subscribe to the router's GENA events (default true)
 * @param location the router's rootDesc URL; when given, SSDP discovery is skipped
 */
public record UpnpConfig(boolean enabled, boolean events, Optional<URI> location) {
    public static UpnpConfig defaults() {
        return new UpnpConfig(true, true, Optional.empty());
    }
}
