package dev.wanagent.config;

import java.net.InetAddress;
import java.util.Optional;

/**
 * PCP (RFC 6887) / NAT-PMP (RFC 6886) source and mapping keeper ({@code router.pcp}).
 *
 * @param enabled  use PCP/NAT-PMP (default false)
 * @param protocol auto (PCP, falling back to NAT-PMP when the router answers UNSUPP_VERSION), pcp or natpmp
 * @param gateway  the router's address; empty: the default gateway
 */
public record PcpConfig(boolean enabled, Protocol protocol, Optional<InetAddress> gateway) {
    public enum Protocol {
        AUTO, PCP, NATPMP
    }

    /** A dotted-quad IPv4 literal, without any name lookup. */
    static Optional<InetAddress> ipv4(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) return Optional.empty();
        byte[] b = new byte[4];
        for (int i = 0; i < 4; i++) {
            if (!parts[i].matches("\\d{1,3}")) return Optional.empty();
            int octet = Integer.parseInt(parts[i]);
            if (octet > 255) return Optional.empty();
            b[i] = (byte) octet;
        }
        try {
            return Optional.of(InetAddress.getByAddress(b));
        } catch (java.net.UnknownHostException e) {
            return Optional.empty();
        }
    }

    public static PcpConfig disabled() {
        return new PcpConfig(false, Protocol.AUTO, Optional.empty());
    }
}
