package dev.wanagent.upnp;

/**
 * A port mapping as the router reports it (GetSpecificPortMappingEntry / GetGenericPortMappingEntry).
 *
 * @param remoteHost   empty for any remote host
 * @param protocol     "TCP" or "UDP"
 * @param leaseSeconds remaining lease the router granted; 0 = permanent
 */
public record PortMapping(
        String remoteHost,
        int externalPort,
        String protocol,
        int internalPort,
        String internalClient,
        boolean enabled,
        String description,
        long leaseSeconds) {

    @Override
    public String toString() {
        return String.format("%s %d -> %s:%d '%s'%s lease %s", protocol, externalPort, internalClient, internalPort,
                description, enabled ? "" : " (disabled)", leaseSeconds == 0 ? "permanent" : leaseSeconds + "s");
    }
}
