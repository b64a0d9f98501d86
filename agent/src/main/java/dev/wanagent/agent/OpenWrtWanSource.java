package dev.wanagent.agent;

import dev.wanagent.config.OpenWrtConfig;
import dev.wanagent.openwrt.InterfaceStatus;
import dev.wanagent.openwrt.UbusClient;
import dev.wanagent.openwrt.UbusException;
import dev.wanagent.upnp.DefaultGateway;
import okhttp3.HttpUrl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The WAN address from OpenWrt's ubus ({@code router.openwrt}): netifd's status of {@code interface} (default wan)
 * gives the IPv4 address ({@code ipv4-address[0]}), that of {@code interface6} (default wan6) a global IPv6 address
 * when it has one. An interface that is down, or up without an address yet, is a failure of this read (the monitor
 * looks again soon), not of the configuration. The rpcd session is kept by the client and renewed when it expires.
 */
final class OpenWrtWanSource implements WanSource {
    private static final Logger LOG = LoggerFactory.getLogger(OpenWrtWanSource.class);
    private final OpenWrtConfig config;
    private final Supplier<Optional<InetAddress>> defaultGateway;
    private UbusClient client; // guarded by this
    private String ipv6Problem; // guarded by this: the last one logged

    OpenWrtWanSource(OpenWrtConfig config) {
        this(config, () -> DefaultGateway.ipv4(Optional.empty()));
    }

    OpenWrtWanSource(OpenWrtConfig config, Supplier<Optional<InetAddress>> defaultGateway) {
        this.config = config;
        this.defaultGateway = defaultGateway;
    }

    @Override
    public String name() {
        return "openwrt";
    }

    /** The configured url, or {@code http://<default gateway>/ubus}, looked up now (the gateway may change). */
    HttpUrl url() throws IOException {
        if (config.url().isPresent()) {
            HttpUrl u = HttpUrl.parse(config.url().get().toString());
            if (u == null) throw new IOException("router.openwrt.url is not an http(s) URL"); // validated at load
            return u;
        }
        InetAddress gateway = defaultGateway.get().orElseThrow(() -> new IOException("no default gateway to find"
                + " OpenWrt at (http://<default gateway>/ubus): set router.openwrt.url"));
        if (!config.allowPlainHttp() && !OpenWrtConfig.localNetwork(gateway)) {
            throw new IOException("the default gateway " + gateway.getHostAddress() + " is not a private address:"
                    + " plain http to it would carry the rpcd password across the network; set router.openwrt.url"
                    + " (https://) or router.openwrt.allowPlainHttp: true");
        }
        return new HttpUrl.Builder().scheme("http").host(gateway.getHostAddress())
                .encodedPath(OpenWrtConfig.DEFAULT_PATH).build();
    }

    private synchronized UbusClient client() throws IOException {
        HttpUrl url = url();
        if (client == null || !client.url().equals(url)) {
            client = new UbusClient(url, config.username(), config.password());
        }
        return client;
    }

    @Override
    public WanAddress readWanAddress() throws IOException {
        UbusClient c = client();
        String iface = config.interfaceName();
        InterfaceStatus s = c.interfaceStatus(iface);
        if (!s.up()) {
            throw new IOException("OpenWrt interface " + iface + " is down (no WAN address yet)");
        }
        if (s.ipv4().isEmpty()) {
            throw new IOException("OpenWrt interface " + iface + " is up but has no IPv4 address yet");
        }
        return new WanAddress(s.ipv4().get(0), globalIpv6(c, s));
    }

    /** The first global IPv6 address of interface6; none when it has none or cannot be read (logged once). */
    private Optional<InetAddress> globalIpv6(UbusClient c, InterfaceStatus wan) {
        String iface6 = config.interfaceName6();
        try {
            InterfaceStatus s = iface6.equals(config.interfaceName()) ? wan : c.interfaceStatus(iface6);
            ipv6Problem(null);
            return s.ipv6().stream().filter(OpenWrtWanSource::global).findFirst().map(a -> a);
        } catch (UbusException e) {
            ipv6Problem(e);
            return Optional.empty();
        }
    }

    private synchronized void ipv6Problem(UbusException e) {
        String problem = e == null ? null : e.getMessage();
        if (problem != null && !problem.equals(ipv6Problem)) {
            String line = "OpenWrt: no IPv6 address from interface {} ({}); IPv4 only";
            if (e.kind() == UbusException.Kind.NOT_FOUND) LOG.info(line, config.interfaceName6(), problem);
            else LOG.warn(line, config.interfaceName6(), problem);
        } else if (problem == null && ipv6Problem != null) {
            LOG.info("OpenWrt: interface {} can be read again", config.interfaceName6());
        }
        ipv6Problem = problem;
    }

    /** Global unicast (2000::/3): never link-local, ULA or anything else a DNS record must not hold. */
    static boolean global(InetAddress a) {
        return a instanceof Inet6Address && (a.getAddress()[0] & 0xe0) == 0x20;
    }

    @Override
    public String describe() throws IOException {
        UbusClient c = client();
        InterfaceStatus s = c.interfaceStatus(config.interfaceName());
        StringBuilder d = new StringBuilder("ubus at ").append(c.shownUrl())
                .append(config.url().isPresent() ? "" : " (the default gateway)")
                .append(" as user ").append(config.username())
                .append(", interface ").append(config.interfaceName()).append(' ').append(state(s));
        if (config.interfaceName6().equals(config.interfaceName())) return d.toString();
        d.append(", interface6 ").append(config.interfaceName6()).append(' ');
        try {
            InterfaceStatus s6 = c.interfaceStatus(config.interfaceName6());
            d.append(state(s6));
            if (!s6.ipv6Prefixes().isEmpty()) {
                d.append(", prefix ").append(s6.ipv6Prefixes().stream().map(Object::toString)
                        .collect(Collectors.joining(" ")));
            }
        } catch (UbusException e) {
            d.append("unreadable (").append(e.getMessage()).append(")");
        }
        return d.toString();
    }

    /** {@code up (pppoe-wan): 203.0.113.7}, {@code down}. */
    private static String state(InterfaceStatus s) {
        if (!s.up()) return "down";
        String addresses = java.util.stream.Stream.concat(s.ipv4().stream(), s.ipv6().stream())
                .map(InetAddress::getHostAddress).collect(Collectors.joining(" "));
        return "up" + s.l3Device().map(l3 -> " (" + l3 + ")").orElse("") + ": "
                + (addresses.isEmpty() ? "no address yet" : addresses);
    }
}
