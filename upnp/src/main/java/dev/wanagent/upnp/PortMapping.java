package dev.wanagent.upnp;

/**
 * A port mapping as the router reports it (GetSpecificPortMappingEntry / GetGenericPortMappingEntry). The strings
 * are the router's text as sent (compared with what the agent asked for); {@link #toString()} shows them printable.
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
        // concatenation, not String.format: a format with %d loads the JDK's locale data (README "Footprint")
        return RouterText.printable(protocol, 10) + " " + externalPort + " -> " + RouterText.printable(internalClient, 64)
                + ":" + internalPort + " '" + RouterText.printable(description, 100) + "'" + (enabled ? "" : " (disabled)")
                + " lease " + (leaseSeconds == 0 ? "permanent" : leaseSeconds + "s");
    }
}
