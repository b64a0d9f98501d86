package dev.wanagent.agent;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The agent's metrics for GET /metrics, in the Prometheus text format (Prometheus Java client: the metric types and
 * the text writer only). Names follow Prometheus conventions: {@code wan_agent_} prefix, {@code _total} counters,
 * seconds and bytes. Every label set is bounded by the config (family, source, provider, mapping, result): the WAN
 * address appears only in the info metric, one series per family.
 */
final class Metrics {
    /** Change-to-DNS buckets, seconds: the agent pushes in tens of milliseconds; providers back off for minutes. */
    static final double[] LATENCY_BUCKETS = {0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800};
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final Counter wanChanges;
    private final Info wanAddress;
    /** Per family, the label values of the info series now shown. */
    private final Map<String, String[]> addressShown = new HashMap<>();
    private final Counter providerUpdates;
    private final Histogram changeToDns;
    private final Counter mappingRenewals;
    private final Counter mappingLosses;
    private final Counter mappingRecreations;
    private final Counter routerRestarts;
    private final Counter sourceErrors;
    private final Gauge lastSuccessfulPass;
    private final Counter notifications;
    private final Gauge haActive;
    private final Counter haTakeovers;

    Metrics() {
        this(Path.of("/proc/self/status"));
    }

    /** @param procStatus where the resident memory is read ({@code VmRSS}); absent off Linux: no memory metric */
    Metrics(Path procStatus) {
        wanChanges = Counter.builder().name("wan_agent_wan_changes_total")
                .help("WAN address changes seen, by address family (ipv4, ipv6)").labelNames("family")
                .withoutExemplars().register(registry);
        wanAddress = Info.builder().name("wan_agent_wan_address_info")
                .help("The current WAN address of each family and the source that read it").labelNames("family",
                        "address", "source").register(registry);
        providerUpdates = Counter.builder().name("wan_agent_provider_updates_total")
                .help("DNS record updates sent to a provider, one per record and answer, by provider and result"
                        + " (success, retry, fatal)").labelNames("provider", "result").withoutExemplars()
                .register(registry);
        changeToDns = Histogram.builder().name("wan_agent_change_to_dns_seconds")
                .help("From the moment a new WAN address was read to the provider confirming a record with it")
                .unit(Unit.SECONDS).classicOnly().classicUpperBounds(LATENCY_BUCKETS).withoutExemplars()
                .register(registry);
        mappingRenewals = Counter.builder().name("wan_agent_mapping_renewals_total")
                .help("Port mapping leases renewed on the router, by mapping").labelNames("mapping")
                .withoutExemplars().register(registry);
        mappingLosses = Counter.builder().name("wan_agent_mapping_losses_total")
                .help("Port mappings found missing on the router or failing after they were held, by mapping")
                .labelNames("mapping").withoutExemplars().register(registry);
        mappingRecreations = Counter.builder().name("wan_agent_mapping_recreations_total")
                .help("Port mappings the agent made again after a loss, by mapping").labelNames("mapping")
                .withoutExemplars().register(registry);
        routerRestarts = Counter.builder().name("wan_agent_router_restarts_total")
                .help("Router restarts seen (UPnP announcements, PCP epoch)").withoutExemplars().register(registry);
        sourceErrors = Counter.builder().name("wan_agent_source_errors_total")
                .help("Failed reads of the WAN address, by source (upnp, snmp, pcp, openwrt)").labelNames("source")
                .withoutExemplars().register(registry);
        lastSuccessfulPass = Gauge.builder().name("wan_agent_last_successful_pass_timestamp_seconds")
                .help("When the last pass with a WAN address, every mapping and every record ok ended (Unix time)")
                .withoutExemplars().register(registry);
        notifications = Counter.builder().name("wan_agent_notifications_total")
                .help("Notifications to notify: hooks, by result (sent, failed, dropped: the queue was full)")
                .labelNames("result").withoutExemplars().register(registry);
        haActive = Gauge.builder().name("wan_agent_ha_active")
                .help("High availability: 1 while this host is the active one (holds the mappings, pushes DNS), 0 as"
                        + " a standby; absent with HA off").withoutExemplars().register(registry);
        haTakeovers = Counter.builder().name("wan_agent_ha_takeovers_total")
                .help("High availability: how often this host took every mapping over").withoutExemplars()
                .register(registry);
        GaugeWithCallback.builder().name("wan_agent_process_resident_memory_bytes")
                .help("Resident memory of the agent's process (VmRSS)").unit(Unit.BYTES)
                .callback(cb -> residentBytes(procStatus).ifPresent(b -> cb.call(b))).register(registry);
        for (String family : List.of("ipv4", "ipv6")) wanChanges.initLabelValues(family);
        for (String result : List.of("sent", "failed", "dropped")) notifications.initLabelValues(result);
    }

    void wanChanged(String family) {
        wanChanges.labelValues(family).inc();
    }

    synchronized void wanAddress(String family, String address, String source) {
        String[] shown = {family, address, source};
        String[] was = addressShown.put(family, shown);
        if (was != null) {
            if (java.util.Arrays.equals(was, shown)) return;
            wanAddress.remove(was);
        }
        wanAddress.addLabelValues(shown);
    }

    void providerUpdate(String provider, String result) {
        providerUpdates.labelValues(provider, result).inc();
    }

    void changeToDns(Duration latency) {
        changeToDns.observe(Math.max(0, latency.toNanos()) / 1e9);
    }

    void mappingRenewed(String mapping) {
        mappingRenewals.labelValues(mapping).inc();
    }

    void mappingLost(String mapping) {
        mappingLosses.labelValues(mapping).inc();
    }

    void mappingRecreated(String mapping) {
        mappingRecreations.labelValues(mapping).inc();
    }

    void haRole(boolean active) {
        haActive.set(active ? 1 : 0);
    }

    void haTakeover() {
        haTakeovers.inc();
    }

    void routerRestarted() {
        routerRestarts.inc();
    }

    void sourceError(String source) {
        sourceErrors.labelValues(source).inc();
    }

    void passSucceeded(Instant at) {
        lastSuccessfulPass.set(at.toEpochMilli() / 1000.0);
    }

    void notification(String result) {
        notifications.labelValues(result).inc();
    }

    /** Every metric in the Prometheus text format (version 0.0.4). */
    byte[] scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
        try {
            writer.write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return out.toByteArray();
    }

    /** {@code VmRSS} from /proc/self/status, in bytes; empty where there is no such file or line. */
    static OptionalLong residentBytes(Path procStatus) {
        try {
            for (String line : Files.readAllLines(procStatus, StandardCharsets.US_ASCII)) {
                if (!line.startsWith("VmRSS:")) continue;
                String[] parts = line.substring(6).trim().split("\\s+");
                long kib = Long.parseLong(parts[0]);
                return parts.length > 1 && parts[1].equalsIgnoreCase("kB") ? OptionalLong.of(kib * 1024)
                        : OptionalLong.empty();
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or an odd file: the metric is left out
        }
        return OptionalLong.empty();
    }
}
