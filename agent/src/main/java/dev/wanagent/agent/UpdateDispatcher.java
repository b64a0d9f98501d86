package dev.wanagent.agent;

import dev.wanagent.agent.StateStore.RecordState;
import dev.wanagent.agent.StateStore.State;
import dev.wanagent.ddns.DnsProvider;
import dev.wanagent.ddns.PublicAddress;
import dev.wanagent.ddns.UpdateOutcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
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
 * Pushes the WAN address to every provider, per record: only records whose last pushed address differs are sent
 * (providers ban clients that resend), failures back off exponentially, refused records stop. Providers run in
 * parallel so a slow one never delays another. State is saved after every pass.
 */
final class UpdateDispatcher {
    private static final Logger LOG = LoggerFactory.getLogger(UpdateDispatcher.class);
    static final Duration FIRST_BACKOFF = Duration.ofMinutes(1);
    static final Duration MAX_BACKOFF = Duration.ofMinutes(30);

    /** One record after a pass: {@code ok} when DNS holds (or was just given) the address. */
    record RecordResult(String provider, String hostname, boolean ok, String detail) {
    }

    private final List<DnsProvider> providers;
    private final StateStore store;
    private final Clock clock;
    private final DoubleSupplier jitter;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "ddns-update");
        t.setDaemon(true);
        return t;
    });
    private final Set<String> stopped = new HashSet<>();
    private State state;
    private InetAddress lastRefused;

    UpdateDispatcher(List<DnsProvider> providers, StateStore store, Clock clock, DoubleSupplier jitter) {
        this.providers = providers;
        this.store = store;
        this.clock = clock;
        this.jitter = jitter;
        this.state = store.load();
    }

    State state() {
        return state;
    }

    /** The earliest time a backed-off record may be retried. */
    Optional<Instant> nextRetry() {
        return state.records().stream().filter(r -> "RETRY".equals(r.status()) && r.retryAt() != null)
                .map(r -> Instant.parse(r.retryAt())).min(Instant::compareTo);
    }

    List<RecordResult> dispatch(InetAddress address, String source) {
        Instant now = clock.instant();
        Optional<String> refusal = PublicAddress.whyNotPublic(address);
        if (refusal.isPresent()) {
            if (!address.equals(lastRefused)) {
                LOG.warn("not publishing {} from {}: {}", address.getHostAddress(), source, refusal.get());
                lastRefused = address;
            }
            List<RecordResult> out = new ArrayList<>();
            for (DnsProvider p : providers) {
                for (String h : p.hostnames()) {
                    out.add(new RecordResult(p.label(), h, false, "not published: " + address.getHostAddress()
                            + " " + refusal.get()));
                }
            }
            return out;
        }
        lastRefused = null;
        String addr = address.getHostAddress();
        if (!addr.equals(state.wanAddress())) {
            LOG.info("WAN address is {} (from {}{})", addr, source,
                    state.wanAddress() == null ? "" : ", was " + state.wanAddress());
        }
        state = state.withWan(addr, source, now.toString());

        Map<DnsProvider, List<String>> work = new LinkedHashMap<>();
        List<RecordResult> results = new ArrayList<>();
        for (DnsProvider p : providers) {
            for (String h : p.hostnames()) {
                RecordState r = state.record(p.label(), h).orElse(null);
                String key = p.label() + "\n" + h + "\n" + addr;
                if (r != null && addr.equals(r.address()) && "SUCCESS".equals(r.status())) {
                    results.add(new RecordResult(p.label(), h, true, "unchanged (" + r.result() + ")"));
                } else if (stopped.contains(key)) {
                    results.add(new RecordResult(p.label(), h, false, "stopped: " + r.result()));
                } else if (r != null && "RETRY".equals(r.status()) && addr.equals(r.attemptedAddress())
                        && r.retryAt() != null && now.isBefore(Instant.parse(r.retryAt()))) {
                    results.add(new RecordResult(p.label(), h, false, "backing off until " + r.retryAt()
                            + " after: " + r.result()));
                } else {
                    work.computeIfAbsent(p, k -> new ArrayList<>()).add(h);
                }
            }
        }
        if (work.isEmpty()) return results;

        Map<DnsProvider, CompletableFuture<Map<String, UpdateOutcome>>> calls = new LinkedHashMap<>();
        work.forEach((p, hosts) -> calls.put(p, CompletableFuture.supplyAsync(() -> p.update(hosts, address), pool)));
        for (Map.Entry<DnsProvider, CompletableFuture<Map<String, UpdateOutcome>>> c : calls.entrySet()) {
            DnsProvider p = c.getKey();
            Map<String, UpdateOutcome> outcomes;
            try {
                outcomes = c.getValue().get(60, TimeUnit.SECONDS);
            } catch (Exception e) {
                c.getValue().cancel(true);
                outcomes = new LinkedHashMap<>();
                for (String h : work.get(p)) {
                    outcomes.put(h, UpdateOutcome.retry("provider call failed: " + e.getClass().getSimpleName()));
                }
            }
            for (String h : work.get(p)) {
                UpdateOutcome o = outcomes.getOrDefault(h, UpdateOutcome.retry("the provider gave no answer for it"));
                results.add(record(p, h, addr, o, clock.instant()));
            }
        }
        try {
            store.save(state);
        } catch (IOException e) {
            LOG.error("cannot save state to {}: {}", store.file(), e.getMessage());
        }
        return results;
    }

    private RecordResult record(DnsProvider p, String host, String addr, UpdateOutcome o, Instant now) {
        RecordState prev = state.record(p.label(), host).orElse(null);
        RecordState next;
        switch (o.kind()) {
            case SUCCESS -> {
                LOG.info("{} {}: now {} ({})", p.label(), host, addr, o.detail());
                next = new RecordState(p.label(), host, addr, now.toString(), "SUCCESS", o.detail(), addr, 0, null);
            }
            case RETRY -> {
                int failures = prev == null || !"RETRY".equals(prev.status()) ? 1 : prev.failures() + 1;
                Instant retryAt = now.plus(backoff(failures));
                LOG.warn("{} {}: update to {} failed ({}); retrying after {}", p.label(), host, addr, o.detail(),
                        retryAt);
                next = new RecordState(p.label(), host, prev == null ? null : prev.address(),
                        prev == null ? null : prev.updatedAt(), "RETRY", o.detail(), addr, failures,
                        retryAt.toString());
            }
            default -> {
                LOG.error("{} {}: the provider refused the update: {}. Not trying this host again until the agent"
                        + " restarts with a corrected config", p.label(), host, o.detail());
                stopped.add(p.label() + "\n" + host + "\n" + addr);
                next = new RecordState(p.label(), host, prev == null ? null : prev.address(),
                        prev == null ? null : prev.updatedAt(), "FATAL", o.detail(), addr,
                        prev == null ? 1 : prev.failures() + 1, null);
            }
        }
        state = state.with(next);
        return new RecordResult(p.label(), host, o.kind() == UpdateOutcome.Kind.SUCCESS, o.detail());
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
