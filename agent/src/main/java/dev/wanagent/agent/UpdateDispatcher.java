package dev.wanagent.agent;

import dev.wanagent.agent.StateStore.RecordState;
import dev.wanagent.agent.StateStore.State;
import dev.wanagent.config.ProviderCommon;
import dev.wanagent.ddns.DnsProvider;
import dev.wanagent.ddns.LiveDns;
import dev.wanagent.ddns.PublicAddress;
import dev.wanagent.ddns.UpdateOutcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;

/**
 * Pushes the WAN address to every provider, per record (provider account, hostname, A or AAAA):
 * <ul>
 *   <li>only records whose last pushed address differs are sent (providers ban clients that resend), except that an
 *       unchanged address is sent again after the provider's {@code forceRefresh};</li>
 *   <li>transient failures back off exponentially with jitter (1 min doubling to 30 min, or longer when the provider
 *       asks: abuse holds, Retry-After);</li>
 *   <li>refused records stop, across restarts, until the provider's config changes;</li>
 *   <li>providers run in parallel, each call with timeouts, so one slow provider never delays another.</li>
 * </ul>
 * State is saved atomically after every pass that sent something.
 */
final class UpdateDispatcher {
    private static final Logger LOG = LoggerFactory.getLogger(UpdateDispatcher.class);
    static final Duration FIRST_BACKOFF = Duration.ofMinutes(1);
    static final Duration MAX_BACKOFF = Duration.ofMinutes(30);

    /** How {@code verifyDns} asks DNS: hostname, AAAA?, server → the addresses it answers. */
    interface LiveRecords {
        Set<InetAddress> lookup(String hostname, boolean ipv6, Optional<String> server) throws IOException;
    }

    /** After the agent's own update, DNS may show the old address for a while (TTL, propagation): no verifying. */
    static final Duration VERIFY_GRACE = Duration.ofMinutes(5);

    /** One record after a pass: {@code ok} when DNS holds (or was just given) the address. */
    record RecordResult(String provider, String hostname, String type, boolean ok, String detail) {
    }

    private final List<DnsProvider> providers;
    private final LiveRecords live;
    private final StateStore store;
    private final ConfigFingerprint fingerprints;
    private final Clock clock;
    private final DoubleSupplier jitter;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "ddns-update");
        t.setDaemon(true);
        return t;
    });
    private volatile State state;
    private final Map<String, InetAddress> lastRefused = new LinkedHashMap<>();

    UpdateDispatcher(List<DnsProvider> providers, StateStore store, ConfigFingerprint fingerprints, Clock clock,
                     DoubleSupplier jitter) {
        this(providers, LiveDns::lookup, store, fingerprints, clock, jitter);
    }

    UpdateDispatcher(List<DnsProvider> providers, LiveRecords live, StateStore store, ConfigFingerprint fingerprints,
                     Clock clock, DoubleSupplier jitter) {
        this.providers = providers;
        this.live = live;
        this.store = store;
        this.fingerprints = fingerprints;
        this.clock = clock;
        this.jitter = jitter;
        this.state = store.load();
    }

    State state() {
        return state;
    }

    /** The earliest time a record is due again: a back-off ending, or a forced refresh. */
    Optional<Instant> nextDue() {
        Optional<Instant> retry = state.records().stream().filter(r -> "RETRY".equals(r.status()) && r.retryAt() != null)
                .map(r -> Instant.parse(r.retryAt())).min(Instant::compareTo);
        Optional<Instant> refresh = providers.stream().flatMap(p -> state.records().stream()
                        .filter(r -> r.provider().equals(p.label()) && "SUCCESS".equals(r.status()) && r.updatedAt() != null)
                        .map(r -> Instant.parse(r.updatedAt()).plus(p.forceRefresh())))
                .min(Instant::compareTo);
        return retry.isEmpty() ? refresh : refresh.isEmpty() ? retry
                : Optional.of(retry.get().isBefore(refresh.get()) ? retry.get() : refresh.get());
    }

    List<RecordResult> dispatch(WanAddress wan, String source) {
        List<RecordResult> results = new ArrayList<>();
        Map<DnsProvider, Map<InetAddress, List<String>>> work = new LinkedHashMap<>();
        State before = state;
        noteWan(wan.ipv4(), source);
        Optional<InetAddress> v4 = publishable(wan.ipv4(), source);
        Optional<InetAddress> v6 = wan.ipv6().flatMap(a -> publishable(a, source));
        Instant now = clock.instant();
        for (DnsProvider p : providers) {
            String fingerprint = fingerprints.of(p.config());
            for (String h : p.hostnames()) {
                plan(p, h, "A", v4, wan.ipv4(), fingerprint, now, work, results);
                if (p.ipv6() && wan.ipv6().isPresent()) {
                    plan(p, h, "AAAA", v6, wan.ipv6().get(), fingerprint, now, work, results);
                }
            }
        }
        if (work.isEmpty()) {
            if (state != before) save();
            return results;
        }
        Map<DnsProvider, Map<InetAddress, CompletableFuture<Map<String, UpdateOutcome>>>> calls = new LinkedHashMap<>();
        work.forEach((p, byAddress) -> byAddress.forEach((address, hosts) -> calls.computeIfAbsent(p,
                k -> new LinkedHashMap<>()).put(address, CompletableFuture.supplyAsync(() -> p.update(hosts, address), pool))));
        calls.forEach((p, byAddress) -> byAddress.forEach((address, call) -> {
            Map<String, UpdateOutcome> outcomes;
            try {
                outcomes = call.get(60, TimeUnit.SECONDS);
            } catch (Exception e) {
                call.cancel(true);
                outcomes = Map.of();
                LOG.warn("{}: the update call failed: {}", p.label(), e.getClass().getSimpleName());
            }
            for (String h : work.get(p).get(address)) {
                UpdateOutcome o = outcomes.getOrDefault(h, UpdateOutcome.retry("the provider gave no answer for it"));
                results.add(record(p, h, address, o, fingerprints.of(p.config()), clock.instant()));
            }
        }));
        save();
        return results;
    }

    /** Logs a new WAN address once and keeps it in the state. */
    private void noteWan(InetAddress address, String source) {
        String addr = address.getHostAddress();
        if (addr.equals(state.wanAddress())) return;
        LOG.info("WAN address is {} (from {}{})", addr, source, state.wanAddress() == null ? "" : ", was " + state.wanAddress());
        state = state.withWan(addr, source, clock.instant().toString());
    }

    private Optional<InetAddress> publishable(InetAddress address, String source) {
        String family = address instanceof Inet6Address ? "AAAA" : "A";
        Optional<String> why = PublicAddress.whyNotPublic(address);
        if (why.isEmpty()) {
            lastRefused.remove(family);
            return Optional.of(address);
        }
        if (!address.equals(lastRefused.put(family, address))) {
            LOG.warn("not publishing {} from {}: {}", address.getHostAddress(), source, why.get());
        }
        return Optional.empty();
    }

    private void plan(DnsProvider p, String host, String type, Optional<InetAddress> publishable, InetAddress read,
                      String fingerprint, Instant now, Map<DnsProvider, Map<InetAddress, List<String>>> work,
                      List<RecordResult> results) {
        if (publishable.isEmpty()) {
            results.add(new RecordResult(p.label(), host, type, false, "not published: " + read.getHostAddress() + " "
                    + PublicAddress.whyNotPublic(read).orElse("")));
            return;
        }
        String addr = publishable.get().getHostAddress();
        RecordState r = state.record(p.label(), host, type).orElse(null);
        if (r != null && "FATAL".equals(r.status()) && fingerprint.equals(r.fingerprint())) {
            results.add(new RecordResult(p.label(), host, type, false, "stopped: " + r.result()
                    + " (until the provider's config changes)"));
        } else if (r != null && addr.equals(r.address()) && "SUCCESS".equals(r.status())
                && now.isBefore(Instant.parse(r.updatedAt()).plus(p.forceRefresh()))) {
            Optional<Set<InetAddress>> inDns = now.isAfter(Instant.parse(r.updatedAt()).plus(VERIFY_GRACE))
                    ? liveRecords(p, host, type) : Optional.empty();
            if (inDns.isPresent() && !inDns.get().contains(publishable.get())) {
                LOG.info("{} {} {}: DNS answers {} instead of {}: sending it again (verifyDns)", p.label(), host, type,
                        inDns.get(), addr);
                work.computeIfAbsent(p, k -> new LinkedHashMap<>())
                        .computeIfAbsent(publishable.get(), k -> new ArrayList<>()).add(host);
            } else {
                results.add(new RecordResult(p.label(), host, type, true, "unchanged (" + r.result() + ")"));
            }
        } else if (r != null && "RETRY".equals(r.status()) && addr.equals(r.attemptedAddress())
                && r.retryAt() != null && now.isBefore(Instant.parse(r.retryAt()))) {
            results.add(new RecordResult(p.label(), host, type, false, "backing off until " + r.retryAt()
                    + " after: " + r.result()));
        } else if (liveRecords(p, host, type).filter(a -> a.equals(Set.of(publishable.get()))).isPresent()) {
            // DNS already holds exactly this address (a new state file, a restore): sending it would be a no-change
            // update, which some providers count as abuse
            results.add(record(p, host, publishable.get(), UpdateOutcome.success("already in DNS (verifyDns)"),
                    fingerprint, now));
        } else {
            if (r != null && addr.equals(r.address()) && "SUCCESS".equals(r.status())) {
                LOG.info("{} {} {}: sending the unchanged address again (forceRefresh {} d)", p.label(), host, type,
                        p.forceRefresh().toDays());
            }
            work.computeIfAbsent(p, k -> new LinkedHashMap<>())
                    .computeIfAbsent(publishable.get(), k -> new ArrayList<>()).add(host);
        }
    }

    /** What DNS answers for the record, when the provider asks for {@code verifyDns}; empty when off or failed. */
    private Optional<Set<InetAddress>> liveRecords(DnsProvider p, String host, String type) {
        ProviderCommon common = p.config().common();
        if (!common.verifyDns()) return Optional.empty();
        try {
            return Optional.of(live.lookup(host, type.equals("AAAA"), common.verifyDnsServer()));
        } catch (IOException e) {
            LOG.debug("{} {} {}: verifyDns lookup failed ({}); deciding from the state", p.label(), host, type,
                    e.getMessage());
            return Optional.empty();
        }
    }

    private RecordResult record(DnsProvider p, String host, InetAddress address, UpdateOutcome o, String fingerprint,
                                Instant now) {
        String type = address instanceof Inet6Address ? "AAAA" : "A";
        String addr = address.getHostAddress();
        RecordState prev = state.record(p.label(), host, type).orElse(null);
        String prevAddress = prev == null ? null : prev.address();
        String prevUpdated = prev == null ? null : prev.updatedAt();
        RecordState next;
        switch (o.kind()) {
            case SUCCESS -> {
                LOG.info("{} {} {}: now {} ({})", p.label(), host, type, addr, o.detail());
                next = new RecordState(p.label(), host, type, addr, now.toString(), "SUCCESS", o.detail(), addr, 0, null,
                        fingerprint);
            }
            case RETRY -> {
                int failures = prev == null || !"RETRY".equals(prev.status()) ? 1 : prev.failures() + 1;
                Duration wait = backoff(failures);
                if (o.retryAfter().isPresent() && o.retryAfter().get().compareTo(wait) > 0) wait = o.retryAfter().get();
                Instant retryAt = now.plus(wait);
                LOG.warn("{} {} {}: update to {} failed ({}); retrying after {}", p.label(), host, type, addr, o.detail(),
                        retryAt);
                next = new RecordState(p.label(), host, type, prevAddress, prevUpdated, "RETRY", o.detail(), addr,
                        failures, retryAt.toString(), fingerprint);
            }
            default -> {
                LOG.error("{} {} {}: the provider refused the update: {}. Not trying this record again until the"
                        + " provider's config changes", p.label(), host, type, o.detail());
                next = new RecordState(p.label(), host, type, prevAddress, prevUpdated, "FATAL", o.detail(), addr,
                        prev == null ? 1 : prev.failures() + 1, null, fingerprint);
            }
        }
        state = state.with(next);
        return new RecordResult(p.label(), host, type, o.kind() == UpdateOutcome.Kind.SUCCESS, o.detail());
    }

    private void save() {
        try {
            store.save(state);
        } catch (IOException e) {
            LOG.error("cannot save state to {}: {}", store.file(), e.getMessage());
        }
    }

    /** 1 min, 2, 4, ... up to 30 min, each ±20 % so that many agents do not retry in step. */
    Duration backoff(int failures) {
        long base = FIRST_BACKOFF.toMillis() << Math.min(failures - 1, 16);
        long capped = Math.min(base, MAX_BACKOFF.toMillis());
        double factor = 0.8 + 0.4 * jitter.getAsDouble();
        return Duration.ofMillis((long) (capped * factor));
    }

    void close() {
        pool.shutdownNow();
    }
}
