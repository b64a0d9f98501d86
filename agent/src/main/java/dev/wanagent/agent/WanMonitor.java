package dev.wanagent.agent;

import dev.wanagent.config.IpLiteral;
import dev.wanagent.ddns.PublicAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The agent's loop: read the WAN address from the first healthy source, keep the mappings, push the address to
 * DNS. A pass runs at start, every {@code pollInterval}, when a lease or a back-off falls due, and when
 * {@link #trigger(String)} is called (router events).
 */
final class WanMonitor {
    private static final Logger LOG = LoggerFactory.getLogger(WanMonitor.class);
    private static final String STOP = "stop";

    /** What one pass found. */
    record PassResult(Optional<WanAddress> wanAddress, String source, List<String> sourceProblems,
                      List<MappingReconciler.MappingStatus> mappings,
                      List<UpdateDispatcher.RecordResult> records) {
        boolean ok() {
            return wanAddress.isPresent() && mappings.stream().allMatch(MappingReconciler.MappingStatus::ok)
                    && records.stream().allMatch(UpdateDispatcher.RecordResult::ok);
        }
    }

    private final List<WanSource> sources;
    private final MappingReconciler reconciler;
    private final UpdateDispatcher dispatcher;
    private final Duration pollInterval;
    private final Clock clock;
    private final BlockingQueue<String> triggers = new LinkedBlockingQueue<>();
    /** The shortest wait between two passes that no event asked for. */
    static final Duration MIN_WAIT = Duration.ofMillis(100);
    private volatile boolean stopping;
    /** Consecutive passes without a publishable WAN address (for the re-check back-off). */
    private int wanDownPasses;
    private volatile StatusServer.Snapshot last;
    /** Reads the LAN's IPv6 each pass (the served host's address for AAAA records and pinholes); null: none. */
    private final HostIpv6 hostIpv6;

    private final Events events;
    /** Per family (ipv4, ipv6), the last WAN address read that was not 0.0.0.0 / :: (for WAN changes). */
    private final Map<String, InetAddress> lastWan = new HashMap<>();
    /** High availability as the state file held it at start: this run's takeovers are counted on top. */
    private final Optional<StateStore.HaState> haAtStart;

    WanMonitor(List<WanSource> sources, MappingReconciler reconciler, UpdateDispatcher dispatcher,
               Duration pollInterval, Clock clock) {
        this(sources, reconciler, dispatcher, null, pollInterval, clock, Events.NONE);
    }

    WanMonitor(List<WanSource> sources, MappingReconciler reconciler, UpdateDispatcher dispatcher, HostIpv6 hostIpv6,
               Duration pollInterval, Clock clock) {
        this(sources, reconciler, dispatcher, hostIpv6, pollInterval, clock, Events.NONE);
    }

    WanMonitor(List<WanSource> sources, MappingReconciler reconciler, UpdateDispatcher dispatcher, HostIpv6 hostIpv6,
               Duration pollInterval, Clock clock, Events events) {
        this.events = events;
        this.hostIpv6 = hostIpv6;
        this.sources = sources;
        this.reconciler = reconciler;
        this.dispatcher = dispatcher;
        this.pollInterval = pollInterval;
        this.clock = clock;
        this.haAtStart = dispatcher == null ? Optional.empty() : dispatcher.state().ha();
    }

    /** One source's failures: its own back-off ({@link Backoff#ROUTER}) and what was last logged about it. */
    private static final class SourceHealth {
        int failures;
        Instant retryAt;
        String problem;
    }

    private final Map<String, SourceHealth> health = new HashMap<>();

    /**
     * Reads the WAN address from the first healthy source in config order. A source that failed is asked again
     * only when its back-off ends, while a later source can stand in (the last one is always asked), so that a
     * dead source never delays a pass. Each source's failure and recovery is logged once.
     */
    PassResult pass() {
        List<String> problems = new ArrayList<>();
        Optional<WanAddress> wan = Optional.empty();
        String used = "";
        Instant now = clock.instant();
        for (int i = 0; i < sources.size(); i++) {
            WanSource s = sources.get(i);
            SourceHealth h = health.computeIfAbsent(s.name(), k -> new SourceHealth());
            boolean another = i < sources.size() - 1;
            if (another && h.retryAt != null && now.isBefore(h.retryAt)) {
                problems.add(s.name() + ": " + h.problem + " (asked again after " + h.retryAt + ")");
                continue;
            }
            String problem;
            try {
                wan = Optional.of(s.readWanAddress());
                used = s.name();
                if (h.failures > 0) LOG.info("{}: WAN address readable again (after {} failure(s))", s.name(), h.failures);
                h.failures = 0;
                h.retryAt = null;
                h.problem = null;
                break;
            } catch (IOException e) {
                problem = e.getMessage();
            } catch (RuntimeException e) {
                // a source that breaks on what the router sent must not stop the others, nor the loop
                LOG.debug("source {} failed", s.name(), e);
                problem = "unexpected " + e.getClass().getSimpleName() + ": " + e.getMessage();
            }
            events.sourceError(s.name());
            h.failures++;
            h.retryAt = now.plus(Backoff.ROUTER.after(h.failures));
            if (!problem.equals(h.problem)) {
                LOG.warn("{}: cannot read the WAN address: {}{}", s.name(), problem,
                        another ? " (trying the next source)" : "");
            }
            h.problem = problem;
            problems.add(s.name() + ": " + problem);
        }
        if (wan.isPresent()) noteWan(wan.get(), used);
        // DNS first: a WAN change reaches the providers before the mappings are checked
        HostIpv6.Lan lan = hostIpv6 == null ? HostIpv6.Lan.NONE : hostIpv6.read();
        List<UpdateDispatcher.RecordResult> records;
        List<MappingReconciler.MappingStatus> mappings;
        if (reconciler.standby()) {
            // HA standby: DNS follows the active host; this one pushes only once it has taken the mappings over,
            // reading the records first (the other host pushed what this one's state does not know of)
            mappings = reconciler.reconcile(lan);
            if (!reconciler.standby() && dispatcher != null) dispatcher.tookOver();
            records = wan.isPresent() && !reconciler.standby()
                    ? dispatcher.dispatch(wan.get(), lan.served(), used) : List.of();
        } else {
            records = wan.isPresent() ? dispatcher.dispatch(wan.get(), lan.served(), used) : List.of();
            mappings = reconciler.reconcile(lan);
        }
        PassResult result = new PassResult(wan, used, problems, mappings, records);
        Optional<MappingReconciler.HaStatus> ha = reconciler.haStatus();
        if (ha.isPresent()) events.haRole(!reconciler.standby()); // active, or single when HA cannot work
        if (dispatcher != null) dispatcher.noteHa(ha.map(h -> StateStore.HaState.of(h, haAtStart, clock.instant())));
        last = new StatusServer.Snapshot(result, clock.instant(), ha);
        if (result.ok()) events.passSucceeded();
        return result;
    }

    /**
     * Reports the address read and, per family, a change from the last one read (0.0.0.0 and :: — the router
     * between two addresses — are neither). The first IPv4 address after a start is compared with the one in the
     * state file, so that a change while the agent was down counts too.
     */
    private void noteWan(WanAddress wan, String source) {
        List<InetAddress> read = new ArrayList<>(List.of(wan.ipv4()));
        wan.ipv6().ifPresent(read::add);
        for (InetAddress a : read) {
            if (a.isAnyLocalAddress()) continue;
            String family = Events.family(a);
            events.wanAddress(a, source);
            InetAddress was = lastWan.put(family, a);
            if (was == null && family.equals("ipv4") && dispatcher != null) {
                was = Optional.ofNullable(dispatcher.state().wanAddress()).flatMap(IpLiteral::ipv4)
                        .filter(w -> !w.isAnyLocalAddress()).orElse(null);
            }
            // HA: every host sees the router's WAN address; only the active one tells of a change
            if (was != null && !was.equals(a) && !reconciler.standby()) events.wanChanged(a, was, source);
        }
    }

    /** The last pass, for the status page; null before the first. */
    StatusServer.Snapshot last() {
        return last;
    }

    /** Runs passes until {@link #stop()}. */
    void run() {
        LOG.info("running: {} source(s), poll every {}s", sources.size(), pollInterval.toSeconds());
        while (!stopping) {
            PassResult last = null;
            try {
                last = pass();
            } catch (RuntimeException e) {
                LOG.error("pass failed unexpectedly (trying again with back-off)", e);
            }
            Instant now = clock.instant();
            long waitMs = Duration.between(now, nextPass(last, now)).toMillis();
            try {
                String why = triggers.poll(waitMs, TimeUnit.MILLISECONDS);
                if (STOP.equals(why)) break;
                if (why != null) {
                    LOG.info("pass: {}", why);
                    triggers.clear();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        LOG.info("stopped");
    }

    /**
     * When the next pass falls due by itself, from the state each part keeps: the poll, a mapping's renewal or
     * retry, a DNS record's back-off or forced refresh (only while there is an address to push), a source's retry
     * of a listener that could not start, and the re-check while the WAN address is unknown or not publishable. Never earlier than {@link #MIN_WAIT} from now.
     */
    Instant nextPass(PassResult last, Instant now) {
        Instant next = now.plus(pollInterval);
        List<Optional<Instant>> dues = new ArrayList<>();
        if (reconciler != null) dues.add(reconciler.nextDue(now));
        for (WanSource s : sources) dues.add(s.nextDue(now));
        if (dispatcher != null && last != null && last.wanAddress().isPresent()) dues.add(dispatcher.nextDue(now));
        dues.add(wanDownRecheck(last, now));
        for (Optional<Instant> due : dues) {
            if (due.isPresent() && due.get().isBefore(next)) next = due.get();
        }
        Instant earliest = now.plus(MIN_WAIT);
        return next.isBefore(earliest) ? earliest : next;
    }

    /**
     * While the router has no publishable WAN address (a PPPoE reconnect, a router restart), look again soon:
     * 1 s, then 2, 4, ... up to 30 s ({@link Backoff#ROUTER}), so that a missed or late router event costs seconds,
     * not a poll interval.
     */
    Optional<Instant> wanDownRecheck(PassResult last, Instant now) {
        boolean down = last == null || last.wanAddress().isEmpty()
                || PublicAddress.whyNotPublic(last.wanAddress().get().ipv4()).isPresent();
        if (!down) {
            wanDownPasses = 0;
            return Optional.empty();
        }
        wanDownPasses++;
        return Optional.of(now.plus(Backoff.ROUTER.after(wanDownPasses)));
    }

    /** Asks for a pass now (e.g. a router event). */
    void trigger(String why) {
        triggers.offer(why);
    }

    void stop() {
        stopping = true;
        triggers.offer(STOP);
    }
}
