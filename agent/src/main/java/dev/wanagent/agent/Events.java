package dev.wanagent.agent;

import dev.wanagent.ddns.UpdateOutcome;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * What happens in the loop that is worth telling outside: counted for GET /metrics ({@link Metrics}, when the status
 * listener is on) and sent to the {@code notify:} hooks ({@link Notifier}, when there are any). Either may be absent;
 * then that part does nothing. Called where the events happen (WanMonitor, MappingReconciler, PcpMappings,
 * UpdateDispatcher, UpnpRouter, PcpRouter), from any thread; it never blocks.
 */
final class Events {
    /** Neither counted nor sent (tests, read-only commands). */
    static final Events NONE = new Events(null, null, Clock.systemUTC());

    private final Metrics metrics;
    private final Consumer<Notifier.Event> notifier;
    private final Clock clock;

    /** @param metrics null: not counted; notifier ({@link Notifier#send}) null: not sent */
    Events(Metrics metrics, Consumer<Notifier.Event> notifier, Clock clock) {
        this.metrics = metrics;
        this.notifier = notifier;
        this.clock = clock;
    }

    /** ipv4 or ipv6: the family label and field. */
    static String family(InetAddress a) {
        return a instanceof Inet6Address ? "ipv6" : "ipv4";
    }

    /** The WAN address read in a pass (every pass): the info metric follows it. */
    void wanAddress(InetAddress address, String source) {
        if (metrics != null) metrics.wanAddress(family(address), address.getHostAddress(), source);
    }

    void wanChanged(InetAddress address, InetAddress was, String source) {
        String family = family(address);
        if (metrics != null) metrics.wanChanged(family);
        send(new Notifier.Event("wan_change", "WAN address changed to " + address.getHostAddress() + " (" + family
                + ", was " + was.getHostAddress() + ", from " + source + ")", address.getHostAddress(), family, "", "",
                clock.instant()));
    }

    void sourceError(String source) {
        if (metrics != null) metrics.sourceError(source);
    }

    /** A pass ended with a WAN address and every mapping and record ok. */
    void passSucceeded() {
        if (metrics != null) metrics.passSucceeded(clock.instant());
    }

    /** One record's answer from its provider. */
    void providerUpdate(String provider, UpdateOutcome.Kind result) {
        if (metrics != null) metrics.providerUpdate(provider, result.name().toLowerCase(Locale.ROOT));
    }

    /** A record now holds a new address, {@code latency} after the agent first read it. */
    void changeToDns(Duration latency) {
        if (metrics != null) metrics.changeToDns(latency);
    }

    /** A record's update failed after it last succeeded (or at its first try). */
    void providerFailed(String provider, String record, InetAddress address, String detail) {
        send(new Notifier.Event("provider_failure", provider + ": " + record + " update to "
                + address.getHostAddress() + " failed: " + detail, address.getHostAddress(), family(address), "",
                provider, clock.instant()));
    }

    void providerRecovered(String provider, String record, InetAddress address, String detail) {
        send(new Notifier.Event("provider_recovery", provider + ": " + record + " is " + address.getHostAddress()
                + " again (" + detail + ")", address.getHostAddress(), family(address), "", provider,
                clock.instant()));
    }

    void mappingRenewed(String mapping) {
        if (metrics != null) metrics.mappingRenewed(mapping);
    }

    void mappingLost(String mapping, String detail) {
        if (metrics != null) metrics.mappingLost(mapping);
        send(new Notifier.Event("mapping_lost", "mapping " + mapping + " lost: " + detail, "", "", mapping, "",
                clock.instant()));
    }

    /** @param recreated the agent made it again (rather than the router answering again with it in place) */
    void mappingRestored(String mapping, String detail, boolean recreated) {
        if (metrics != null && recreated) metrics.mappingRecreated(mapping);
        send(new Notifier.Event("mapping_restored", "mapping " + mapping + (recreated ? " made again: " : " ok again: ")
                + detail, "", "", mapping, "", clock.instant()));
    }

    void routerRestarted(String evidence) {
        if (metrics != null) metrics.routerRestarted();
        send(new Notifier.Event("router_restart", "the router restarted (" + evidence + ")", "", "", "", "",
                clock.instant()));
    }

    /** HA: this host's role as a pass leaves it (counted as a gauge). */
    void haRole(boolean active) {
        if (metrics != null) metrics.haRole(active);
    }

    /** HA: this host took every mapping over ({@code from}: the former holder, or empty when none was held). */
    void haTakeover(String me, String from) {
        if (metrics != null) metrics.haTakeover();
        send(new Notifier.Event("ha_takeover", "HA: " + me + " is now the active host" + (from.isEmpty() ? ""
                : " (the mappings were " + from + "'s)"), "", "", "", "", clock.instant()));
    }

    /** HA: another host holds the mappings; this one handed over or gave back what it won. */
    void haStandby(String me, String active) {
        send(new Notifier.Event("ha_standby", "HA: " + me + " is standby; " + active + " holds the mappings", "", "",
                "", "", clock.instant()));
    }

    private void send(Notifier.Event e) {
        if (notifier != null) notifier.accept(e);
    }
}
