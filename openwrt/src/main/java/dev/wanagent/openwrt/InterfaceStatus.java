package dev.wanagent.openwrt;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What netifd answers to {@code ubus call network.interface.<name> status}, the parts the agent uses. An interface
 * that is not up has no {@code l3_device} and no address arrays: {@code up} false, the lists empty.
 *
 * @param up           the interface is up ({@code "up": true})
 * @param l3Device     the layer-3 device ({@code l3_device}, e.g. {@code pppoe-wan}), printable and short; absent
 *                     while the interface is down
 * @param ipv4         {@code ipv4-address[].address}, in netifd's order
 * @param ipv6         {@code ipv6-address[].address}, in netifd's order (any scope: the caller picks)
 * @param ipv6Prefixes {@code ipv6-prefix[]}: delegated prefixes
 */
public record InterfaceStatus(boolean up, Optional<String> l3Device, List<Inet4Address> ipv4,
                              List<Inet6Address> ipv6, List<Prefix> ipv6Prefixes) {
    public InterfaceStatus {
        Objects.requireNonNull(l3Device, "l3Device");
        ipv4 = List.copyOf(ipv4);
        ipv6 = List.copyOf(ipv6);
        ipv6Prefixes = List.copyOf(ipv6Prefixes);
    }

    /** An IPv6 prefix and its length, e.g. {@code 2001:db8:100::/56}. */
    public record Prefix(Inet6Address address, int length) {
        public Prefix {
            Objects.requireNonNull(address, "address");
            if (length < 0 || length > 128) throw new IllegalArgumentException("prefix length " + length);
        }

        @Override
        public String toString() {
            return address.getHostAddress() + "/" + length;
        }
    }
}
