package dev.wanagent.upnp;

/** What the agent asks the router to forward: {@code externalPort/protocol → internalClient:internalPort}. */
public record PortMappingRequest(
        int externalPort,
        String protocol,
        int internalPort,
        String internalClient,
        String description,
        long leaseSeconds) {

    public PortMappingRequest withLease(long lease) {
        return new PortMappingRequest(externalPort, protocol, internalPort, internalClient, description, lease);
    }
}
