package dev.wanagent.agent;

import dev.wanagent.config.HaConfig;
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
import java.util.LinkedHashMap;
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

    /**
     * @param renewAt when to renew what was granted: at half its lifetime, or a third of it with HA
     */
    private record Held(Optional<PcpMapping> granted, Optional<Instant> renewAt, int failures,
                        Optional<Instant> retryAt) {
        static final Held NONE = new Held(Optional.empty(), Optional.empty(), 0, Optional.empty());

        Optional<Instant> due() {
            return retryAt.isPresent() ? retryAt : renewAt;
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

    /** High availability over PCP/NAT-PMP (null: off); see {@link #highAvailability}. */
    private final HaConfig ha;
    private HaRole role = HaRole.STANDBY;
    private int takeovers;
    private Instant activeSince;
    /** When a standby next tries to take the mappings, and until when it leaves a restarted router to the active. */
    private Instant standbyCheckAt = Instant.EPOCH;
    private Instant restartGraceUntil = Instant.EPOCH;
    /** Who held each mapping at the last HA pass, as far as PCP tells: this host, "another host", or "" (not known). */
    private final Map<String, String> holders = new LinkedHashMap<>();
    private boolean longLifetimeTold;

    PcpMappings(List<MappingConfig> mappings, PcpRouter router, Clock clock) {
        this(mappings, router, clock, Events.NONE, null);
    }

    PcpMappings(List<MappingConfig> mappings, PcpRouter router, Clock clock, Events events) {
        this(mappings, router, clock, events, null);
    }

    /** @param ha high availability over PCP/NAT-PMP (null or disabled: off) */
    PcpMappings(List<MappingConfig> mappings, PcpRouter router, Clock clock, Events events, HaConfig ha) {
        this.events = events;
        this.watch = new MappingWatch(events);
        this.mappings = mappings;
        this.router = router;
        this.clock = clock;
        this.ha = ha != null && ha.enabled() ? ha : null;
    }

    synchronized Optional<Instant> nextDue(Instant now) {
        if (standby()) {
            return Optional.of(standbyCheckAt.isAfter(now) ? standbyCheckAt : now.plus(HaLock.standbyCheck(ha)));
        }
        return held.values().stream().map(Held::due).flatMap(Optional::stream).filter(t -> t.isAfter(now))
                .min(Instant::compareTo);
    }

    /** True while HA is on and this host is a standby: it holds no mapping and pushes no DNS. */
    synchronized boolean standby() {
        return ha != null && role == HaRole.STANDBY;
    }

    /** The HA picture for the status page; empty when HA over PCP is off. */
    synchronized Optional<MappingReconciler.HaStatus> haStatus() {
        if (ha == null) return Optional.empty();
        return Optional.of(new MappingReconciler.HaStatus(role, takeovers, Optional.ofNullable(activeSince), holders));
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
            LOG.warn("PCP: the router lost its mappings (epoch): {}", standby()
                    ? "leaving the active host time to create them again (HA standby)"
                    : "creating all " + mappings.size() + " again");
            routerLostMappings();
        }
        if (router.announcements() != announcementsSeen) {
            announcementsSeen = router.announcements();
            if (!lostAll) LOG.info("PCP: the router announced itself (it restarted, or its address changed): {}",
                    standby() ? "leaving the active host time to ask again (HA standby)"
                            : "asking for all " + mappings.size() + " mappings again");
            lostAll = true;
        }
        if (ha != null) return highAvailability(client, lostAll);
        Instant now = clock.instant();
        for (MappingConfig m : mappings) {
            Held h = held.getOrDefault(m.name(), Held.NONE);
            boolean due = lostAll || (h.retryAt().isPresent() ? !h.retryAt().get().isAfter(now)
                    : h.granted().isEmpty() || h.renewAt().map(t -> !t.isAfter(now.plus(MappingReconciler.RENEW_EARLY)))
                    .orElse(true));
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
        Transport t = transport(m);
        long lifetime = m.leaseSeconds() == 0 ? PERMANENT_LIFETIME : m.leaseSeconds();
        try {
            PcpMapping g = client.map(t, m.internalPort(), m.externalPort(), lifetime);
            boolean had = h.granted().isPresent();
            held.put(m.name(), new Held(Optional.of(g), Optional.of(g.renewAt()), 0, Optional.empty()));
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

    /**
     * High availability over PCP/NAT-PMP, with {@link HaLock}'s rules. PCP cannot read who holds a port without
     * asking for it, so asking is looking: each mapping is asked for exactly ({@link PcpClient#mapExactly}), and a
     * refusal (PCP CANNOT_PROVIDE_EXTERNAL; NAT-PMP: another external port granted, given back at once) means
     * another host holds it. A standby tries every {@link HaLock#standbyCheck}, in config order, and stops at the first
     * refusal, giving back what it won; a standby that wins all is active. The active renews at a third of the
     * lifetime; a refused renewal (its lease lapsed and another host took the port) hands everything over. After a
     * router restart (epoch, ANNOUNCE) a standby waits a third of the lease and 2 s: the active re-creates first.
     */
    private List<MappingReconciler.MappingStatus> highAvailability(PcpClient client, boolean lostAll) {
        Instant now = clock.instant();
        String me;
        try {
            me = client.localAddress().getHostAddress();
        } catch (PcpException e) {
            return allUnreachable(e.getMessage());
        }
        if (role == HaRole.ACTIVE) return keepActive(client, me, lostAll, now);
        if (lostAll) restartGraceUntil = now.plus(HaLock.restartGrace(ha));
        if (now.isBefore(standbyCheckAt)) return standbyStatuses("standby");
        standbyCheckAt = now.plus(HaLock.standbyCheck(ha));
        try {
            client.announce(); // the epoch, without taking anything: a restart this standby did not hear of
        } catch (PcpException e) {
            return allUnreachable(e.getMessage());
        }
        if (client.stateResets() != resetsSeen) {
            resetsSeen = client.stateResets();
            restartGraceUntil = now.plus(HaLock.restartGrace(ha));
        }
        if (now.isBefore(restartGraceUntil)) {
            return standbyStatuses("standby: the router restarted; leaving the active host time to re-create the"
                    + " mappings");
        }
        return take(client, me, now);
    }

    private List<MappingReconciler.MappingStatus> take(PcpClient client, String me, Instant now) {
        List<MappingConfig> won = new ArrayList<>();
        for (MappingConfig m : mappings) {
            Transport t = transport(m);
            try {
                PcpMapping g = client.mapExactly(t, m.internalPort(), m.externalPort(), ha.leaseSeconds());
                if (g.externalPort() != m.externalPort()) { // NAT-PMP: the router moved it: the port is taken
                    giveBackOne(client, m);
                    return lostRace(client, won, m, "another host holds external port " + m.externalPort() + " (the"
                            + " router offered " + g.externalPort() + " instead)");
                }
                won.add(m);
                held.put(m.name(), grantedHa(g));
            } catch (PcpException e) {
                if (heldByAnother(e)) return lostRace(client, won, m, "another host holds it (" + e.getMessage() + ")");
                giveBack(client, won);
                return e.kind() == PcpException.Kind.RESULT ? standbyProblem(m, e.getMessage())
                        : allUnreachable(e.getMessage());
            }
        }
        role = HaRole.ACTIVE;
        takeovers++;
        activeSince = now;
        holders.clear();
        for (MappingConfig m : mappings) {
            holders.put(m.name(), me);
            PcpMapping g = held.get(m.name()).granted().orElseThrow();
            watch.created(m.name(), g.toString());
            LOG.info("mapping {}: created {}", m.name(), g);
            tellLongLifetime(g);
        }
        events.haTakeover(me, "");
        LOG.warn("HA: this host ({}) is now active: it holds every mapping (over {})", me,
                client.protocol().map(p -> p.label()).orElse("PCP"));
        return okStatuses();
    }

    /** The active host: renews what is due, re-creates all after a router restart, hands over on a refusal. */
    private List<MappingReconciler.MappingStatus> keepActive(PcpClient client, String me, boolean lostAll,
                                                             Instant now) {
        List<MappingReconciler.MappingStatus> out = new ArrayList<>();
        for (MappingConfig m : mappings) {
            Held h = held.getOrDefault(m.name(), Held.NONE);
            boolean due = lostAll || h.retryAt().map(t -> !t.isAfter(now)).orElse(h.renewAt()
                    .map(t -> !t.isAfter(now.plus(MappingReconciler.RENEW_EARLY))).orElse(true));
            if (!due) {
                String problem = lastProblem.get(m.name());
                out.add(new MappingReconciler.MappingStatus(m.name(), problem == null,
                        problem == null ? h.granted().map(PcpMapping::toString).orElse("") : problem));
                continue;
            }
            try {
                PcpMapping g = client.mapExactly(transport(m), m.internalPort(), m.externalPort(), ha.leaseSeconds());
                if (g.externalPort() != m.externalPort()) {
                    giveBackOne(client, m);
                    return handOver(client, me, m, "the router offered external port " + g.externalPort());
                }
                held.put(m.name(), grantedHa(g));
                if (lastProblem.remove(m.name()) != null) LOG.info("mapping {}: OK again", m.name());
                if (lostAll) watch.created(m.name(), g.toString());
                else watch.renewed(m.name(), g.toString());
                out.add(new MappingReconciler.MappingStatus(m.name(), true, g.toString()));
            } catch (PcpException e) {
                if (heldByAnother(e)) return handOver(client, me, m, e.getMessage());
                out.add(e.kind() == PcpException.Kind.RESULT ? problem(m, e.getMessage())
                        : unreachable(m, e.getMessage()));
            }
        }
        return out;
    }

    /** The active host's lease lapsed and another host holds a mapping now: give back the rest, be standby. */
    private List<MappingReconciler.MappingStatus> handOver(PcpClient client, String me, MappingConfig m,
                                                           String why) {
        LOG.warn("HA: another host holds mapping {} now ({}): handing over; this host is standby", m.name(), why);
        List<MappingConfig> mine = mappings.stream().filter(x -> !x.equals(m)
                && held.getOrDefault(x.name(), Held.NONE).granted().isPresent()).toList();
        giveBack(client, mine);
        role = HaRole.STANDBY;
        standbyCheckAt = clock.instant().plus(HaLock.standbyCheck(ha));
        holders.put(m.name(), "another host");
        events.haStandby(me, "another host");
        return standbyStatuses("standby: another host holds the mappings (the active one)");
    }

    /** A standby lost {@code m} to another host: what it won in this pass goes back; it stays standby. */
    private List<MappingReconciler.MappingStatus> lostRace(PcpClient client, List<MappingConfig> won, MappingConfig m,
                                                           String why) {
        giveBack(client, won);
        holders.clear();
        holders.put(m.name(), "another host");
        LOG.debug("HA: {}: {}: staying standby", m.name(), why);
        return standbyStatuses("standby: another host holds the mappings (the active one)");
    }

    private void giveBack(PcpClient client, List<MappingConfig> mine) {
        for (MappingConfig m : mine) giveBackOne(client, m);
        held.clear();
    }

    private void giveBackOne(PcpClient client, MappingConfig m) {
        try {
            client.unmap(transport(m), m.internalPort());
        } catch (PcpException e) {
            LOG.warn("HA: cannot give back {} ({}); its lifetime lapses", m.name(), e.getMessage());
        }
        held.remove(m.name());
    }

    private static boolean heldByAnother(PcpException e) {
        return e.result().map(r -> r.name().equals("CANNOT_PROVIDE_EXTERNAL")).orElse(false);
    }

    private Held grantedHa(PcpMapping g) {
        return new Held(Optional.of(g), Optional.of(g.grantedAt().plus(HaLock.renewAfter(g.lifetimeSeconds()))), 0,
                Optional.empty());
    }

    /** Routers may grant more than asked (miniupnpd: min_lifetime, 120 s by default): a takeover waits for it. */
    private void tellLongLifetime(PcpMapping g) {
        if (longLifetimeTold || g.lifetimeSeconds() <= ha.leaseSeconds()) return;
        longLifetimeTold = true;
        LOG.warn("HA: the router grants {} s lifetimes (ha.leaseSeconds asks {} s): after a crash of the active host"
                + " the standby can take over only when they lapse", g.lifetimeSeconds(), ha.leaseSeconds());
    }

    private List<MappingReconciler.MappingStatus> standbyStatuses(String detail) {
        List<MappingReconciler.MappingStatus> out = new ArrayList<>();
        for (MappingConfig m : mappings) out.add(new MappingReconciler.MappingStatus(m.name(), true, detail));
        return out;
    }

    private List<MappingReconciler.MappingStatus> standbyProblem(MappingConfig m, String detail) {
        List<MappingReconciler.MappingStatus> out = new ArrayList<>();
        for (MappingConfig x : mappings) {
            out.add(x.equals(m) ? report(x, "HA: cannot take it: " + detail, true)
                    : new MappingReconciler.MappingStatus(x.name(), true, "standby"));
        }
        return out;
    }

    private List<MappingReconciler.MappingStatus> okStatuses() {
        List<MappingReconciler.MappingStatus> out = new ArrayList<>();
        for (MappingConfig m : mappings) {
            out.add(new MappingReconciler.MappingStatus(m.name(), true,
                    held.get(m.name()).granted().map(PcpMapping::toString).orElse("")));
        }
        return out;
    }

    private List<MappingReconciler.MappingStatus> allUnreachable(String detail) {
        List<MappingReconciler.MappingStatus> out = new ArrayList<>();
        for (MappingConfig m : mappings) out.add(unreachable(m, detail));
        return out;
    }

    private static Transport transport(MappingConfig m) {
        return m.protocol().equalsIgnoreCase("UDP") ? Transport.UDP : Transport.TCP;
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
        held.put(m.name(), new Held(was.granted(), was.renewAt(), failures,
                Optional.of(clock.instant().plus(Backoff.ROUTER.after(failures)))));
        return report(m, detail, true);
    }

    private MappingReconciler.MappingStatus problem(MappingConfig m, String detail) {
        Held was = held.getOrDefault(m.name(), Held.NONE);
        held.put(m.name(), new Held(was.granted(), was.renewAt(), was.failures() + 1, Optional.empty()));
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
