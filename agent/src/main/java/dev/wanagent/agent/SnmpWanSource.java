package dev.wanagent.agent;

import dev.wanagent.config.IpLiteral;
import dev.wanagent.config.Secret;
import dev.wanagent.config.SnmpConfig;
import dev.wanagent.snmp.SnmpException;
import dev.wanagent.snmp.SnmpRouter;
import dev.wanagent.snmp.SnmpTarget;
import dev.wanagent.snmp.SnmpTrapListener;
import dev.wanagent.snmp.WanAddresses;
import dev.wanagent.upnp.DefaultGateway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The WAN address over SNMP. Each read opens a session and looks the WAN interface up again (PPPoE ifIndex moves).
 * With {@code trapPort}, the router's linkUp/linkDown traps (v2c with the community, or v3 from the configured user)
 * trigger a read at once and a few follow-ups ({@code run} only).
 */
final class SnmpWanSource implements WanSource, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SnmpWanSource.class);
    private final SnmpConfig config;
    /**
     * Re-reads after a trap. IPv4 comes from ipAddrTable, which net-snmp serves live, so the read at the trap already
     * has it; 1, 3 and 10 s catch an address that arrives a little after linkUp (PPPoE). IPv6 comes from
     * ipAddressTable, which net-snmp caches for up to ~30 s: 20 and 35 s catch it.
     */
    static final int[] FOLLOW_UP_SECONDS = {1, 3, 10, 20, 35};
    private SnmpTrapListener traps;
    private ScheduledExecutorService followUps;

    SnmpWanSource(SnmpConfig config) {
        this.config = config;
    }

    private SnmpTarget target() {
        return new SnmpTarget(config.host(), config.port(),
                config.version() == SnmpConfig.Version.V3 ? SnmpTarget.Version.V3 : SnmpTarget.Version.V2C,
                config.community().map(Secret::reveal).orElse(""),
                config.user().orElse(""),
                config.authProtocol().orElse(SnmpConfig.AuthProtocol.SHA) == SnmpConfig.AuthProtocol.SHA256
                        ? SnmpTarget.Auth.SHA256 : SnmpTarget.Auth.SHA,
                config.authPassphrase().map(Secret::reveal).orElse(""),
                config.privProtocol().map(p -> p == SnmpConfig.PrivProtocol.AES256
                        ? SnmpTarget.Priv.AES256 : SnmpTarget.Priv.AES128),
                config.privPassphrase().map(Secret::reveal).orElse(""),
                config.timeout().toMillis(), config.retries());
    }

    /** Starts the trap listener when {@code trapPort} is configured; traps call {@code trigger}. */
    void enableTraps(Consumer<String> trigger) {
        if (config.trapPort().isEmpty()) return;
        followUps = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "snmp-trap-follow-up");
            t.setDaemon(true);
            return t;
        });
        try {
            InetAddress router = IpLiteral.parse(config.host()).orElseThrow(() -> new IOException(
                    "router.snmp.host '" + config.host() + "' is not an IP address"));
            traps = SnmpTrapListener.start(DefaultGateway.localAddressTowards(router), config.trapPort().get(), router,
                    target(), kind -> {
                        trigger.accept("snmp trap " + kind + " from " + config.host());
                        for (int s : FOLLOW_UP_SECONDS) {
                            followUps.schedule(() -> trigger.accept("snmp trap " + kind + ": read again after " + s
                                    + " s (router tables may lag)"), s, TimeUnit.SECONDS);
                        }
                    });
        } catch (IOException e) {
            LOG.warn("SNMP: cannot listen for traps on port {} ({}); polling only", config.trapPort().get(),
                    e.getMessage());
        }
    }

    @Override
    public void close() {
        if (followUps != null) followUps.shutdownNow();
        if (traps == null) return;
        try {
            traps.close();
        } catch (IOException e) {
            LOG.debug("closing the trap listener: {}", e.getMessage());
        }
    }

    @Override
    public String name() {
        return "snmp";
    }

    @Override
    public WanAddress readWanAddress() throws IOException {
        try (SnmpRouter router = new SnmpRouter(target())) {
            WanAddresses a = router.wanAddresses(config.wanInterface());
            if (a.ipv4().isEmpty()) {
                throw new SnmpException("the WAN interface (ifIndex " + a.ifIndex() + ") has no IPv4 address");
            }
            return new WanAddress(a.ipv4().get(0), a.ipv6().stream().findFirst());
        }
    }

    @Override
    public String describe() throws IOException {
        try (SnmpRouter router = new SnmpRouter(target())) {
            Optional<String> name = config.wanInterface();
            int ifIndex = name.isPresent() ? router.ifIndexByName(name.get()) : router.defaultRouteIfIndex();
            return "SNMP " + config.version().name().toLowerCase() + " at " + config.host() + ":" + config.port()
                    + ", WAN interface ifIndex " + ifIndex + (name.map(n -> " (" + n + ")").orElse(" (default route)"))
                    + ", address " + router.wanAddress(config.wanInterface()).getHostAddress()
                    + router.addresses(ifIndex).ipv6().stream().map(a -> ", " + a.getHostAddress()).reduce("", String::concat);
        }
    }
}
