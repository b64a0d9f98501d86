package dev.wanagent.config;

import java.util.Optional;

/**
 * A port forward the agent keeps on the router.
 *
 * @param protocol       "TCP" or "UDP"
 * @param internalClient the LAN address to forward to; empty means auto (this host's address on the route to the router)
 * @param leaseSeconds   lease asked of the router, renewed at half-life; 0 asks for a permanent mapping
 * @param force          take the external port over even when another LAN host holds it
 */
public record MappingConfig(
        String name,
        int externalPort,
        int internalPort,
        String protocol,
        Optional<String> internalClient,
        int leaseSeconds,
        boolean force) {

    public static final int DEFAULT_LEASE_SECONDS = 3600;
}
