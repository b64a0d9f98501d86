package dev.wanagent.config;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * OpenWrt source ({@code router.openwrt}): ubus over HTTP (uhttpd-mod-ubus), logged in as a read-only rpcd user.
 *
 * @param enabled        use OpenWrt's ubus (default false)
 * @param url            the ubus endpoint ({@code http(s)://ROUTER/ubus}); empty: {@code http://<default gateway>/ubus},
 *                       found at run time
 * @param username       the rpcd login ({@code config login} in /etc/config/rpcd)
 * @param password       its password
 * @param interfaceName  the netifd interface that carries the WAN IPv4 address (default {@code wan})
 * @param interfaceName6 the netifd interface that carries the WAN IPv6 address (default {@code wan6})
 * @param allowPlainHttp allow an {@code http://} url whose host is not loopback or a private address (also checked
 *                       for the default gateway at run time)
 */
public record OpenWrtConfig(boolean enabled, Optional<URI> url, String username, Secret password, String interfaceName,
                            String interfaceName6, boolean allowPlainHttp) {
    public static final String DEFAULT_INTERFACE = "wan";
    public static final String DEFAULT_INTERFACE6 = "wan6";
    /** The path of uhttpd's ubus endpoint (its default {@code ubus_prefix}). */
    public static final String DEFAULT_PATH = "/ubus";

    public OpenWrtConfig {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(interfaceName, "interfaceName");
        Objects.requireNonNull(interfaceName6, "interfaceName6");
    }

    /**
     * Whether plain http to {@code a} stays inside the home: loopback, link-local, RFC 1918 or IPv6 ULA (fc00::/7).
     * Anything else needs https, or {@code allowPlainHttp}.
     */
    public static boolean localNetwork(InetAddress a) {
        if (a.isLoopbackAddress() || a.isLinkLocalAddress()) return true;
        if (a instanceof Inet6Address) return (a.getAddress()[0] & 0xfe) == 0xfc;
        return a.isSiteLocalAddress();
    }

    public static OpenWrtConfig disabled() {
        return new OpenWrtConfig(false, Optional.empty(), "", new Secret(""), DEFAULT_INTERFACE, DEFAULT_INTERFACE6,
                false);
    }
}
