package dev.wanagent.agent;

import dev.wanagent.config.IpLiteral;
import dev.wanagent.config.UpnpConfig;
import dev.wanagent.upnp.DefaultGateway;
import dev.wanagent.upnp.EventSubscription;
import dev.wanagent.upnp.GatewayDescription;
import dev.wanagent.upnp.InternetGateway;
import dev.wanagent.upnp.SsdpAnnouncements;
import dev.wanagent.upnp.UpnpException;
import okhttp3.HttpUrl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The router's IGD, shared by the WAN source and the mapping reconciler. Its description is found once and kept
 * until a call fails; then it is found again on next use, no sooner than the router back-off allows.
 *
 * <p>With events enabled ({@code run}), the router's listeners live as long as the agent, not as long as the
 * cached description: the SSDP announcement listener starts with the agent (it needs only the router's address),
 * and the GENA subscription is kept and renewed, or made anew with back-off, through router outages. What they hear
 * becomes passes of the monitor: a router restart, a lost or re-made subscription, a WAN change.
 */
final class UpnpRouter implements WanSource, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(UpnpRouter.class);
    static final Duration DISCOVERY_WAIT = Duration.ofSeconds(3);

    private final UpnpConfig config;
    private InternetGateway gateway;
    private Consumer<String> trigger;
    private volatile EventSubscription subscription;
    private HttpUrl subscribedTo;
    /** Consecutive tries that left a router listener not started, and when to try again (System.nanoTime). */
    private int listenerFailures;
    private long listenAgainAt;
    private String listenerProblem;
    private SsdpAnnouncements announcements;
    private String announcementsProblem;
    /**
     * Consecutive failed discoveries, and when the next may run (System.nanoTime); 0 failures: any time. Set to 0
     * from listener threads (the router announced itself) without waiting for a discovery in progress.
     */
    private volatile int discoveryFailures;
    private long discoverAgainAt;
    private IOException lastDiscoveryFailure;

    private final Events events;

    UpnpRouter(UpnpConfig config) {
        this(config, Events.NONE);
    }

    UpnpRouter(UpnpConfig config, Events events) {
        this.config = config;
        this.events = events;
    }

    /**
     * From now on (until {@link #close()}), router events and restarts call {@code trigger} with a reason; the
     * announcement listener starts now when the router's address is known, else at the first discovery.
     */
    synchronized void enableEvents(Consumer<String> trigger) {
        this.trigger = trigger;
        if (config.events()) listenToAnnouncements();
    }

    synchronized InternetGateway gateway() throws IOException {
        if (gateway != null) {
            if (listenerFailures > 0 && System.nanoTime() - listenAgainAt >= 0) startListeners(gateway);
            return gateway;
        }
        if (discoveryFailures > 0 && System.nanoTime() - discoverAgainAt < 0) throw lastDiscoveryFailure;
        try {
            gateway = config.location().isPresent()
                    ? InternetGateway.at(HttpUrl.get(config.location().get()))
                    : InternetGateway.discover(DISCOVERY_WAIT, config.networkInterface());
        } catch (IOException e) {
            discoveryFailures++;
            discoverAgainAt = System.nanoTime() + Backoff.ROUTER.after(discoveryFailures).toNanos();
            lastDiscoveryFailure = e;
            throw e;
        }
        discoveryFailures = 0;
        GatewayDescription d = gateway.description();
        LOG.info("UPnP: using IGD v{} '{}' at {} ({})", gateway.service().igdVersion(), d.friendlyName(),
                d.location(), gateway.service().shortName());
        if (trigger != null && config.events()) {
            startListeners(gateway);
            if (announcements != null) gateway.bootId().ifPresent(announcements::knownBootId);
        }
        return gateway;
    }

    /**
     * Starts the router's listeners that are not running (the SSDP announcements, the GENA subscription). When one
     * cannot (its port is held by another program, no default gateway yet), it is tried again on the router
     * back-off: {@link #nextDue} asks for a pass then; polling covers the gap.
     */
    private void startListeners(InternetGateway g) {
        listenToAnnouncements();
        subscribe(g);
        boolean down = announcements == null || (g.service().eventSubUrl() != null && subscription == null);
        if (!down) {
            if (listenerFailures > 0) {
                LOG.info("UPnP: router events on (the listeners started after {} failed tries)", listenerFailures);
            }
            listenerFailures = 0;
            return;
        }
        listenerFailures++;
        listenAgainAt = System.nanoTime() + Backoff.ROUTER.after(listenerFailures).toNanos();
    }

    /** The router's address without asking it: the configured location's host, or the default gateway. */
    private Optional<InetAddress> routerAddress() {
        if (config.location().isPresent()) return IpLiteral.parse(HttpUrl.get(config.location().get()).host());
        return DefaultGateway.ipv4(config.networkInterface());
    }

    private void listenToAnnouncements() {
        if (announcements != null) return;
        String problem;
        try {
            Optional<InetAddress> router = routerAddress();
            if (router.isPresent()) {
                announcements = SsdpAnnouncements.start(DefaultGateway.localAddressTowards(router.get()), router.get(),
                        this::routerRestarted);
                return;
            }
            problem = "no default gateway yet";
        } catch (IOException e) {
            problem = e.getMessage();
        }
        if (!problem.equals(announcementsProblem)) {
            LOG.warn("UPnP: cannot listen to the router's SSDP announcements yet ({}); trying again every {} s"
                    + " at most (a router restart is noticed by polling meanwhile)", problem, Backoff.ROUTER.max().toSeconds());
        }
        announcementsProblem = problem;
    }

    /** The subscription follows the router's event URL; it survives outages and re-discoveries of the same URL. */
    private void subscribe(InternetGateway g) {
        HttpUrl url = g.service().eventSubUrl();
        if (subscription != null && url != null && url.equals(subscribedTo)) return;
        if (subscription != null) subscription.close();
        subscription = null;
        subscribedTo = null;
        if (url == null) {
            LOG.info("UPnP: the router's {} sends no events; polling every poll interval", g.service().shortName());
            return;
        }
        try {
            subscription = EventSubscription.start(g, config.callbackPort(), new EventSubscription.Listener() {
                @Override
                public void onEvent(Map<String, String> variables) {
                    routerEvent(variables);
                }

                @Override
                public void onResubscribed() {
                    routerBack("router events resubscribed: verifying the mappings");
                }

                @Override
                public void onLost(String why) {
                    trigger.accept("router events lost (" + why + "): verifying the mappings");
                }
            }, Backoff.ROUTER::after);
            subscribedTo = url;
            listenerProblem = null;
        } catch (IOException e) {
            // e.g. the callback port is held by another program, or by an outgoing connection of this host
            String problem = String.valueOf(e.getMessage());
            if (!problem.equals(listenerProblem)) {
                LOG.warn("UPnP: no router events yet ({}); trying again every {} s at most, polling meanwhile",
                        problem, Backoff.ROUTER.max().toSeconds());
            }
            listenerProblem = problem;
        }
    }

    /** When a router listener that could not start is tried again (a pass does it); empty while none is due. */
    @Override
    public synchronized Optional<Instant> nextDue(Instant now) {
        if (listenerFailures == 0 || gateway == null) return Optional.empty();
        long in = Math.max(0, listenAgainAt - System.nanoTime());
        return Optional.of(now.plusNanos(in));
    }

    private final java.util.concurrent.atomic.AtomicLong restarts = new java.util.concurrent.atomic.AtomicLong();

    /** How many router restarts the listeners have seen (HA: a standby then leaves the active host time). */
    long restartsSeen() {
        return restarts.get();
    }

    private void routerRestarted(String evidence) {
        restarts.incrementAndGet();
        events.routerRestarted(evidence);
        EventSubscription s = subscription;
        if (s != null) s.resubscribe();
        routerBack("router restarted (" + evidence + "): verifying the mappings");
    }

    /** The router is (back) up: it may be discovered again at once, and the mappings are verified now. */
    private void routerBack(String why) {
        discoveryFailures = 0;
        trigger.accept(why);
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

    /**
     * Forget the description after a failed call, so that the next use finds the router again. The listeners
     * stay; the announcement listener now reports the router's next {@code ssdp:alive} as its return.
     */
    synchronized void forget() {
        gateway = null;
        if (announcements != null) announcements.expectRestart();
    }

    @Override
    public String name() {
        return "upnp";
    }

    @Override
    public WanAddress readWanAddress() throws IOException {
        InetAddress a;
        try {
            InternetGateway g = gateway();
            a = g.externalIpAddress();
            if (a.isAnyLocalAddress() && g.hasAlternatives()) {
                LOG.info("UPnP: {} has no WAN address; ranking the router's connection services again",
                        g.service().shortName());
                forget();
            }
        } catch (UpnpException e) {
            if (e.errorCode().isEmpty()) forget(); // not an answer from the router
            throw e;
        } catch (IOException e) {
            forget();
            throw e;
        }
        if (a instanceof Inet6Address) {
            throw new IOException("GetExternalIPAddress answered the IPv6 address " + a.getHostAddress()
                    + ": the router has no IPv4 WAN address to publish");
        }
        return WanAddress.ipv4Only(a);
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
        if (subscription != null) subscription.close();
        if (announcements != null) announcements.close();
        subscription = null;
        announcements = null;
    }
}
