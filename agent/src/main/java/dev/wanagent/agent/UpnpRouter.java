package dev.wanagent.agent;

import dev.wanagent.config.UpnpConfig;
import dev.wanagent.upnp.GatewayDescription;
import dev.wanagent.upnp.InternetGateway;
import okhttp3.HttpUrl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;

/**
 * The router's IGD, found once and kept until a call fails; then it is found again on next use. Shared by the WAN
 * source and the mapping reconciler.
 */
final class UpnpRouter implements WanSource {
    private static final Logger LOG = LoggerFactory.getLogger(UpnpRouter.class);
    static final Duration DISCOVERY_WAIT = Duration.ofSeconds(3);

    private final UpnpConfig config;
    private InternetGateway gateway;

    UpnpRouter(UpnpConfig config) {
        this.config = config;
    }

    synchronized InternetGateway gateway() throws IOException {
        if (gateway == null) {
            gateway = config.location().isPresent()
                    ? InternetGateway.at(HttpUrl.get(config.location().get()))
                    : InternetGateway.discover(DISCOVERY_WAIT);
            GatewayDescription d = gateway.description();
            LOG.info("UPnP: using IGD v{} '{}' at {} ({})", d.igdVersion(), d.friendlyName(), d.location(),
                    d.serviceType());
        }
        return gateway;
    }

    /** Forget the gateway after a failed call, so that the next use discovers it again. */
    synchronized void forget() {
        gateway = null;
    }

    @Override
    public String name() {
        return "upnp";
    }

    @Override
    public InetAddress readWanAddress() throws IOException {
        try {
            return gateway().externalIpAddress();
        } catch (IOException e) {
            forget();
            throw e;
        }
    }

    @Override
    public String describe() throws IOException {
        InternetGateway g = gateway();
        GatewayDescription d = g.description();
        return "IGD v" + d.igdVersion() + " '" + d.friendlyName() + "' at " + d.location() + ", service "
                + d.serviceType().substring(d.serviceType().lastIndexOf(':', d.serviceType().length() - 3) + 1)
                + ", status " + g.connectionStatus() + ", external address "
                + g.externalIpAddress().getHostAddress() + ", this host " + g.localAddress().getHostAddress();
    }
}
