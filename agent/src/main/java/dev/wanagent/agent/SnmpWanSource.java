package dev.wanagent.agent;

import dev.wanagent.config.Secret;
import dev.wanagent.config.SnmpConfig;
import dev.wanagent.snmp.SnmpRouter;
import dev.wanagent.snmp.SnmpTarget;

import java.io.IOException;
import java.net.InetAddress;
import java.util.Optional;

/** The WAN address over SNMP. Each read opens a session and looks the WAN interface up again (PPPoE ifIndex moves). */
final class SnmpWanSource implements WanSource {
    private final SnmpConfig config;

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

    @Override
    public String name() {
        return "snmp";
    }

    @Override
    public InetAddress readWanAddress() throws IOException {
        try (SnmpRouter router = new SnmpRouter(target())) {
            return router.wanAddress(config.wanInterface());
        }
    }

    @Override
    public String describe() throws IOException {
        try (SnmpRouter router = new SnmpRouter(target())) {
            Optional<String> name = config.wanInterface();
            int ifIndex = name.isPresent() ? router.ifIndexByName(name.get()) : router.defaultRouteIfIndex();
            return "SNMP " + config.version().name().toLowerCase() + " at " + config.host() + ":" + config.port()
                    + ", WAN interface ifIndex " + ifIndex + (name.map(n -> " (" + n + ")").orElse(" (default route)"))
                    + ", address " + router.wanAddress(config.wanInterface()).getHostAddress();
        }
    }
}
