package dev.wanagent.agent;

import dev.wanagent.config.UpnpConfig;
import dev.wanagent.upnp.EventSubscription;
import dev.wanagent.upnp.GatewayDescription;
import dev.wanagent.upnp.InternetGateway;
import dev.wanagent.upnp.SsdpAnnouncements;
import okhttp3.HttpUrl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The router's IGD, found once and kept until a call fails; then it is found again on next use. Shared by the WAN
 * source and the mapping reconciler. With events enabled ({@code run}), it also keeps a GENA subscription and
 * listens to the router's SSDP announcements, and turns what it hears into passes of the monitor.
 */
final class UpnpRouter implements WanSource, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(UpnpRouter.class);
    static final Duration DISCOVERY_WAIT = Duration.ofSeconds(3);

    private final UpnpConfig config;
    private InternetGateway gateway;
    private Consumer<String> trigger;
    private EventSubscription subscription;
    private SsdpAnnouncements announcements;

    UpnpRouter(UpnpConfig config) {
        this.config = config;
    }

    /** From now on, router events and restarts call {@code trigger} (with a reason). */
    synchronized void enableEvents(Consumer<String> trigger) {
        this.trigger = trigger;
    }

    synchronized InternetGateway gateway() throws IOException {
        if (gateway == null) {
            gateway = config.location().isPresent()
                    ? InternetGateway.at(HttpUrl.get(config.location().get()))
                    : InternetGateway.discover(DISCOVERY_WAIT, config.networkInterface());
            GatewayDescription d = gateway.description();
            LOG.info("UPnP: using IGD v{} '{}' at {} ({})", gateway.service().igdVersion(), d.friendlyName(),
                    d.location(), gateway.service().shortName());
            if (trigger != null && config.events()) startEvents(gateway);
        }
        return gateway;
    }

    private void startEvents(InternetGateway g) {
        try {
            subscription = EventSubscription.start(g, config.callbackPort(), new EventSubscription.Listener() {
                @Override
                public void onEvent(Map<String, String> variables) {
                    routerEvent(variables);
                }

                @Override
                public void onResubscribed() {
                    trigger.accept("router events resubscribed");
                }
            });
        } catch (IOException e) {
            LOG.warn("UPnP: no router events ({}); polling every poll interval instead", e.getMessage());
        }
        try {
            announcements = SsdpAnnouncements.start(g.localAddress(), g.routerAddress(), evidence -> {
                EventSubscription s = subscription;
                if (s != null) s.resubscribe();
                trigger.accept("router restarted (" + evidence + ")");
            });
        } catch (IOException e) {
            LOG.warn("UPnP: cannot listen to the router's SSDP announcements ({}); a router restart is noticed at"
                    + " the next poll", e.getMessage());
        }
    }

    private void routerEvent(Map<String, String> v) {
        String ip = v.get("ExternalIPAddress");
        if (ip != null) {
            if (ip.isBlank() || ip.equals("0.0.0.0")) {
                // nothing to publish; the pass sees the link down and looks again within seconds
                trigger.accept("router event: no WAN address (ConnectionStatus "
                        + v.getOrDefault("ConnectionStatus", "?") + ")");
            } else {
                trigger.accept("router event: ExternalIPAddress " + ip);
            }
        } else if (v.containsKey("PortMappingNumberOfEntries")) {
            trigger.accept("router event: PortMappingNumberOfEntries " + v.get("PortMappingNumberOfEntries"));
        } else if (v.containsKey("ConnectionStatus")) {
            LOG.info("router event: ConnectionStatus {}", v.get("ConnectionStatus"));
        }
    }

    private void stopEvents() {
        if (subscription != null) subscription.close();
        if (announcements != null) announcements.close();
        subscription = null;
        announcements = null;
    }

    /** Forget the gateway after a failed call, so that the next use discovers it again. */
    synchronized void forget() {
        gateway = null;
        stopEvents();
    }

    @Override
    public String name() {
        return "upnp";
    }

    @Override
    public WanAddress readWanAddress() throws IOException {
        try {
            InternetGateway g = gateway();
            InetAddress a = g.externalIpAddress();
            if (a.isAnyLocalAddress() && g.hasAlternatives()) {
                LOG.info("UPnP: {} has no WAN address; ranking the router's connection services again",
                        g.service().shortName());
                forget();
            }
            return WanAddress.ipv4Only(a);
        } catch (IOException e) {
            forget();
            throw e;
        }
    }

    @Override
    public String describe() throws IOException {
        InternetGateway g = gateway();
        GatewayDescription d = g.description();
        return "IGD v" + g.service().igdVersion() + " '" + d.friendlyName() + "' at " + d.location() + ", service "
                + g.service().shortName() + ", status " + g.connectionStatus() + ", external address "
                + g.externalIpAddress().getHostAddress() + ", this host " + g.localAddress().getHostAddress()
                + (g.service().eventSubUrl() == null ? ", no events" : ", events at " + g.service().eventSubUrl());
    }

    @Override
    public synchronized void close() {
        stopEvents();
    }
}
