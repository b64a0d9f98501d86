package dev.wanagent.pcp;

import java.net.InetAddress;
import java.time.Instant;
import java.util.Objects;

/**
 * What the router granted: an immutable value, never what was asked.
 *
 * @param protocol        the transport protocol
 * @param internalPort    the port on this host
 * @param externalPort    the port the router opened on its WAN side (may differ from the suggested one)
 * @param externalAddress the router's external address (NAT-PMP: from the external-address request; PCP: from the
 *                        MAP answer)
 * @param lifetimeSeconds the lifetime granted (0: the mapping was deleted)
 * @param grantedAt       when the answer arrived
 * @param epoch           the router's epoch (seconds since its mapping state began) in that answer
 * @param via             the protocol that made it
 */
public record PcpMapping(Transport protocol, int internalPort, int externalPort, InetAddress externalAddress,
                         long lifetimeSeconds, Instant grantedAt, long epoch, PortMapProtocol via) {
    public PcpMapping {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(externalAddress, "externalAddress");
        Objects.requireNonNull(grantedAt, "grantedAt");
        Objects.requireNonNull(via, "via");
    }

    /** When half the granted lifetime has passed: the time to renew (RFC 6887 §11.2.1, RFC 6886 §3.3). */
    public Instant renewAt() {
        return grantedAt.plusSeconds(Math.max(1, lifetimeSeconds / 2));
    }

    /** When the router drops it unless renewed. */
    public Instant expiresAt() {
        return grantedAt.plusSeconds(lifetimeSeconds);
    }

    @Override
    public String toString() {
        return protocol + " " + externalAddress.getHostAddress() + ":" + externalPort + " -> :" + internalPort
                + " lifetime " + lifetimeSeconds + "s via " + via.label() + " (epoch " + epoch + ")";
    }
}
