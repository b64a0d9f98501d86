package dev.wanagent.ddns;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Optional;

/**
 * Decides whether an address may be published in DNS. A router in front of another NAT, a disconnected PPPoE
 * link or a router bug yields addresses that must never reach a provider: this says why.
 */
public final class PublicAddress {
    private PublicAddress() {
    }

    /** Empty when {@code a} is a public unicast address; otherwise why it must not be published. */
    public static Optional<String> whyNotPublic(InetAddress a) {
        if (a.isAnyLocalAddress()) return Optional.of("it is the unspecified address (router not connected)");
        if (a.isLoopbackAddress()) return Optional.of("it is a loopback address");
        if (a.isLinkLocalAddress()) return Optional.of("it is a link-local address");
        if (a.isMulticastAddress()) return Optional.of("it is a multicast address");
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address) {
            int o0 = b[0] & 0xff;
            int o1 = b[1] & 0xff;
            int o2 = b[2] & 0xff;
            if (o0 == 10 || (o0 == 172 && (o1 & 0xf0) == 16) || (o0 == 192 && o1 == 168)) {
                return Optional.of("it is a private (RFC 1918) address: the router is behind another NAT");
            }
            if (o0 == 100 && (o1 & 0xc0) == 64) {
                return Optional.of("it is a carrier-grade NAT (100.64.0.0/10) address: the ISP shares one public"
                        + " address, so this one is not reachable from the internet");
            }
            if (o0 == 0) return Optional.of("it is in 0.0.0.0/8 (\"this network\")");
            if (o0 >= 240) return Optional.of("it is a reserved (240.0.0.0/4) or broadcast address");
            if ((o0 == 192 && o1 == 0 && o2 == 2) || (o0 == 198 && o1 == 51 && o2 == 100)
                    || (o0 == 203 && o1 == 0 && o2 == 113)) {
                return Optional.of("it is a documentation (RFC 5737) address");
            }
            if (o0 == 198 && (o1 & 0xfe) == 18) return Optional.of("it is a benchmarking (198.18.0.0/15) address");
            if (o0 == 192 && o1 == 0 && o2 == 0) return Optional.of("it is an IETF protocol assignment (192.0.0.0/24)");
        } else if (a instanceof Inet6Address) {
            int o0 = b[0] & 0xff;
            if ((o0 & 0xfe) == 0xfc) return Optional.of("it is a unique local (fc00::/7) address");
            if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x01 && (b[2] & 0xff) == 0x0d && (b[3] & 0xff) == 0xb8) {
                return Optional.of("it is a documentation (2001:db8::/32) address");
            }
            if ((o0 & 0xe0) != 0x20) return Optional.of("it is not a global unicast (2000::/3) address");
        }
        return Optional.empty();
    }
}
