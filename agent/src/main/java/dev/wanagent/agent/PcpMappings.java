package dev.wanagent.agent;

import dev.wanagent.config.MappingConfig;
import dev.wanagent.pcp.PcpClient;
import dev.wanagent.pcp.PcpException;
import dev.wanagent.pcp.PcpMapping;
import dev.wanagent.pcp.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Keeps the configured mappings through PCP / NAT-PMP (UPnP disabled), with {@link MappingReconciler}'s rules: a
 * mapping is asked for when it is not held, renewed at half the granted lifetime, asked for again at once — all of
 * them — when the router's epoch shows it lost its state (RFC 6887 §8.5), and retried with {@link Backoff#ROUTER}
 * when the router cannot be asked. PCP maps ports for the asking host only: a mapping for another
 * {@code internalClient} is reported, not made.
 */
final class PcpMappings {
    private static final Logger LOG = LoggerFactory.getLogger(PcpMappings.class);
    /** PCP/NAT-PMP have no "permanent": leaseSeconds 0 asks for a day, renewed at half like any other. */
    static final long PERMANENT_LIFETIME = 86400;

    private record Held(Optional<PcpMapping> granted, int failures, Optional<Instant> retryAt) {
        static final Held NONE = new Held(Optional.empty(), 0, Optional.empty());

        Optional<Instant> due() {
            return retryAt.isPresent() ? retryAt : granted.map(PcpMapping::renewAt);
        }
    }

    private final List<MappingConfig> mappings;
    private final PcpRouter router;
    private final Clock clock;
    private final Map<String, Held> held = new HashMap<>();
    private final Map<String, String> lastProblem = new HashMap<>();
    private long resetsSeen;
    private long announcementsSeen;

    private final MappingWatch watch;
    private final Events events;

    PcpMappings(List<MappingConfig> mappings, PcpRouter router, Clock clock) {
        this(mappings, router, clock, Events.NONE);
    }

    PcpMappings(List<MappingConfig> mappings, PcpRouter router, Clock clock, Events events) {
        this.events = events;
        this.watch = new MappingWatch(events);
        this.mappings = mappings;
        this.router = router;
        this.clock = clock;
    }

    synchronized Optional<Instant> nextDue(Instant now) {
        return held.values().stream().map(Held::due).flatMap(Optional::stream).filter(t -> t.isAfter(now))
                .min(Instant::compareTo);
    }

    /** What the router granted, per mapping name (for {@code mappings}). */
    synchronized Map<String, PcpMapping> granted() {
        Map<String, PcpMapping> out = new HashMap<>();
        held.forEach((k, v) -> v.granted().ifPresent(g -> out.put(k, g)));
        return out;
    }

    synchronized List<MappingReconciler.MappingStatus> reconcile() {
        List<MappingReconciler.MappingStatus> out = new ArrayList<>();
        if (mappings.isEmpty()) return out;
        PcpClient client;
        try {
            client = router.client();
        } catch (IOException e) {
            for (MappingConfig m : mappings) out.add(unreachable(m, e.getMessage()));
            return out;
        }
        boolean lostAll = client.stateResets() != resetsSeen;
        if (lostAll) {
            resetsSeen = client.stateResets();
            LOG.warn("PCP: the router lost its mappings (epoch): creating all {} again", mappings.size());
            routerLostMappings();
        }
        if (router.announcements() != announcementsSeen) {
            announcementsSeen = router.announcements();
            if (!lostAll) LOG.info("PCP: the router announced itself (it restarted, or its address changed): asking"
                    + " for all {} mappings again", mappings.size());
            lostAll = true;
        }
        Instant now = clock.instant();
        for (MappingConfig m : mappings) {
            Held h = held.getOrDefault(m.name(), Held.NONE);
            boolean due = lostAll || (h.retryAt().isPresent() ? !h.retryAt().get().isAfter(now)
                    : h.granted().isEmpty() || !h.granted().get().renewAt().isAfter(now));
            if (!due) {
                String problem = lastProblem.get(m.name());
                out.add(new MappingReconciler.MappingStatus(m.name(), problem == null,
                        problem == null ? h.granted().get().toString() : problem));
                continue;
            }
            out.add(one(client, m, h));
            if (client.stateResets() != resetsSeen) { // the router restarted during this pass: all again, now
                resetsSeen = client.stateResets();
                return reconcileAgain(client);
            }
        }
        return out;
    }

    private List<MappingReconciler.MappingStatus> reconcileAgain(PcpClient client) {
        LOG.warn("PCP: the router lost its mappings (epoch): creating all {} again", mappings.size());
        routerLostMappings();
        List<MappingReconciler.MappingStatus> out = new ArrayList<>();
        for (MappingConfig m : mappings) out.add(one(client, m, held.getOrDefault(m.name(), Held.NONE)));
        return out;
    }

    private MappingReconciler.MappingStatus one(PcpClient client, MappingConfig m, Held h) {
        if (m.internalClient().isPresent()) {
            return problem(m, "PCP/NAT-PMP map ports only for this host; internalClient "
                    + m.internalClient().get() + " needs UPnP");
        }
        Transport t = m.protocol().equalsIgnoreCase("UDP") ? Transport.UDP : Transport.TCP;
        long lifetime = m.leaseSeconds() == 0 ? PERMANENT_LIFETIME : m.leaseSeconds();
        try {
            PcpMapping g = client.map(t, m.internalPort(), m.externalPort(), lifetime);
            boolean had = h.granted().isPresent();
            held.put(m.name(), new Held(Optional.of(g), 0, Optional.empty()));
            if (lastProblem.remove(m.name()) != null) LOG.info("mapping {}: OK again", m.name());
            if (!had) LOG.info("mapping {}: created {}", m.name(), g);
            else LOG.debug("mapping {}: renewed {}", m.name(), g);
            if (!had || watch.isLost(m.name())) watch.created(m.name(), g.toString());
            else watch.renewed(m.name(), g.toString());
            if (g.externalPort() != m.externalPort()) {
                return report(m, "the router granted external port " + g.externalPort() + " instead of "
                        + m.externalPort() + " (" + g + ")", false);
            }
            return new MappingReconciler.MappingStatus(m.name(), true, g.toString());
        } catch (PcpException e) {
            if (e.kind() == PcpException.Kind.RESULT) return problem(m, e.getMessage());
            return unreachable(m, e.getMessage());
        }
    }

    /** Deletes the mappings this agent holds (removeMappingsOnExit). */
    synchronized void removeAll() {
        try {
            PcpClient c = router.client();
            for (Map.Entry<String, Held> e : held.entrySet()) {
                if (e.getValue().granted().isEmpty()) continue;
                PcpMapping g = e.getValue().granted().get();
                c.unmap(g.protocol(), g.internalPort());
                LOG.info("mapping {}: removed on exit", e.getKey());
            }
        } catch (IOException e) {
            LOG.warn("cannot remove the PCP mappings on exit: {}", e.getMessage());
        }
    }

    private MappingReconciler.MappingStatus unreachable(MappingConfig m, String detail) {
        Held was = held.getOrDefault(m.name(), Held.NONE);
        int failures = was.failures() + 1;
        held.put(m.name(), new Held(was.granted(), failures,
                Optional.of(clock.instant().plus(Backoff.ROUTER.after(failures)))));
        return report(m, detail, true);
    }

    private MappingReconciler.MappingStatus problem(MappingConfig m, String detail) {
        Held was = held.getOrDefault(m.name(), Held.NONE);
        held.put(m.name(), new Held(was.granted(), was.failures() + 1, Optional.empty()));
        return report(m, detail, true);
    }

    /** The router's epoch says it restarted and lost every mapping (RFC 6887 §8.5). */
    private void routerLostMappings() {
        events.routerRestarted("PCP epoch: the router lost its state");
        for (MappingConfig m : mappings) {
            if (held.getOrDefault(m.name(), Held.NONE).granted().isPresent()) {
                watch.missing(m.name(), "the router lost its mappings (PCP epoch)");
            }
        }
    }

    private MappingReconciler.MappingStatus report(MappingConfig m, String detail, boolean log) {
        watch.failed(m.name(), detail);
        if (log && !detail.equals(lastProblem.put(m.name(), detail))) LOG.warn("mapping {}: {}", m.name(), detail);
        return new MappingReconciler.MappingStatus(m.name(), false, detail);
    }
}
