package dev.wanagent.agent;

import dev.wanagent.config.HaConfig;
import dev.wanagent.config.MappingConfig;
import dev.wanagent.upnp.InternetGateway;
import dev.wanagent.upnp.PortMapping;
import dev.wanagent.upnp.PortMappingRequest;
import dev.wanagent.upnp.UpnpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Keeps the configured port mappings on the router. Each pass checks every mapping with
 * GetSpecificPortMappingEntry: a missing one is created, one of ours is renewed at half its lease, one that another
 * LAN host holds is left alone and reported.
 */
final class MappingReconciler {
    private static final Logger LOG = LoggerFactory.getLogger(MappingReconciler.class);
    static final String DESCRIPTION_PREFIX = "wan-agent ";
    /**
     * A renewal falls due this much before its time in a pass that runs anyway: the mappings made together stay in
     * step, and none whose time comes while the pass runs waits for another's next turn (a pass's due times are read
     * once; one that has passed by the end of the pass is not a future due).
     */
    static final Duration RENEW_EARLY = Duration.ofSeconds(1);

    /** The outcome for one mapping in the last pass. */
    record MappingStatus(String name, boolean ok, String detail) {
    }

    /**
     * What the agent knows of one mapping between passes.
     *
     * @param renewAt  when the last lease the router granted is half spent (empty: permanent, or never held); it
     *                 stays through failures, so that a mapping the router lost is told apart from a new one
     * @param failures consecutive passes in which the router could not be asked or would not grant it
     * @param retryAt  when to try again after such a failure (empty: no failure, or one that only a change of
     *                 the config or of another host can mend: checked at the next poll)
     */
    record MappingState(Optional<Instant> renewAt, int failures, Optional<Instant> retryAt) {
        static final MappingState NEW = new MappingState(Optional.empty(), 0, Optional.empty());

        Optional<Instant> due() {
            return retryAt.isPresent() ? retryAt : renewAt;
        }
    }

    private final List<MappingConfig> mappings;
    private final UpnpRouter router;
    private final Clock clock;
    private final Map<String, MappingState> states = new HashMap<>();
    private final Map<String, String> lastProblem = new HashMap<>();

    /**
     * Keeps the mappings through PCP/NAT-PMP (null: PCP off): always when UPnP is disabled, and while the router
     * cannot be reached over UPnP when both are enabled (UPnP switched off on the router, or failing).
     */
    private final PcpMappings pcp;
    /** True while UPnP cannot be reached and PCP/NAT-PMP keeps the mappings instead. */
    private boolean onPcp;
    /** Keeps an IPv6 pinhole per mapping next to the UPnP mappings (null: router.upnp.pinholes off). */
    private final Pinholes pinholes;
    /** Set in a pass that found a mapping it held gone from the router. */
    private boolean lostThisPass;
    /** The LAN's IPv6 as the last pass read it (for closing the pinholes on exit). */
    private HostIpv6.Lan lastLan = HostIpv6.Lan.NONE;
    private final MappingWatch watch;

    private final Events events;
    /** High availability (null: off): the lease every mapping gets, renewed at a third of it. */
    private final HaConfig ha;
    /** This host's HA role; a host starts as standby and becomes active by taking every mapping. */
    private HaRole role = HaRole.STANDBY;
    /** The router granted only a permanent lease (725): HA cannot work; this host keeps the mappings, single. */
    private boolean haImpossible;
    private int takeovers;
    /** The last other host seen holding the mappings ("" when none yet). */
    private String lastHolder = "";
    private Instant activeSince;
    /** Router restarts seen so far ({@link UpnpRouter#restartsSeen()}), and until when a standby then waits. */
    private long restartsSeen;
    private Instant restartGraceUntil = Instant.EPOCH;
    /** Who held each mapping at the last HA pass (its internal client; "" when free), for the status page. */
    private final Map<String, String> holders = new java.util.LinkedHashMap<>();

    MappingReconciler(List<MappingConfig> mappings, UpnpRouter router, Clock clock) {
        this(mappings, router, null, clock);
    }

    MappingReconciler(List<MappingConfig> mappings, UpnpRouter router, PcpMappings pcp, Clock clock) {
        this(mappings, router, pcp, null, null, clock, Events.NONE);
    }

    MappingReconciler(List<MappingConfig> mappings, UpnpRouter router, PcpMappings pcp, Pinholes pinholes,
                      Clock clock) {
        this(mappings, router, pcp, pinholes, null, clock, Events.NONE);
    }

    MappingReconciler(List<MappingConfig> mappings, UpnpRouter router, PcpMappings pcp, Pinholes pinholes,
                      HaConfig ha, Clock clock) {
        this(mappings, router, pcp, pinholes, ha, clock, Events.NONE);
    }

    /** @param events told of the UPnP mappings lost and restored (PCP's own tell theirs: {@link PcpMappings}) */
    MappingReconciler(List<MappingConfig> mappings, UpnpRouter router, PcpMappings pcp, Pinholes pinholes,
                      HaConfig ha, Clock clock, Events events) {
        this.watch = new MappingWatch(events);
        this.events = events;
        this.ha = ha != null && ha.enabled() && router != null ? ha : null;
        this.mappings = this.ha == null ? mappings : mappings.stream().map(m -> new MappingConfig(m.name(),
                m.externalPort(), m.internalPort(), m.protocol(), m.internalClient(), this.ha.leaseSeconds(), false))
                .toList();
        this.router = router;
        // with HA over UPnP, no PCP fallback: PCP would take the mappings without seeing who holds them (with UPnP
        // disabled, PcpMappings runs HA itself)
        this.pcp = this.ha == null ? pcp : null;
        this.pinholes = router == null ? null : pinholes;
        this.clock = clock;
    }

    /** True while HA is on and this host is a standby: it keeps no mapping and pushes no DNS. */
    synchronized boolean standby() {
        if (haOverPcp()) return pcp.standby();
        return ha != null && !haImpossible && role == HaRole.STANDBY;
    }

    /** HA with UPnP disabled: PCP/NAT-PMP keeps the mappings and the lock ({@link PcpMappings}). */
    private boolean haOverPcp() {
        return ha == null && router == null && pcp != null && pcp.haStatus().isPresent();
    }

    /** The HA picture for the status page; empty when HA is off. */
    synchronized Optional<HaStatus> haStatus() {
        if (haOverPcp()) return pcp.haStatus();
        if (ha == null) return Optional.empty();
        return Optional.of(new HaStatus(haImpossible ? HaRole.SINGLE : role, takeovers,
                Optional.ofNullable(activeSince), holders));
    }

    /**
     * @param role        active, standby, or single when the router cannot host HA (only permanent leases)
     * @param takeovers   how often this host took the mappings over since it started
     * @param activeSince when it last became active
     * @param holders     each mapping's holder on the router at the last pass ("" when free), in config order
     */
    record HaStatus(HaRole role, int takeovers, Optional<Instant> activeSince, Map<String, String> holders) {
        HaStatus {
            holders = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(holders)); // config order
        }
    }

    /**
     * The earliest time after {@code now} that a mapping needs a pass by itself: a renewal or a retry, or the
     * router's event listener is to be started again.
     */
    synchronized Optional<Instant> nextDue(Instant now) {
        Optional<Instant> listener = router == null ? Optional.empty() : router.nextDue(now);
        return java.util.stream.Stream.of(listener, mappingsDue(now)).flatMap(Optional::stream).min(Instant::compareTo);
    }

    private Optional<Instant> mappingsDue(Instant now) {
        if (pcp != null && (router == null || onPcp)) {
            // on PCP: its renewals, and (UPnP enabled) UPnP's own retry, to switch back when it answers again
            Optional<Instant> upnpRetry = router == null ? Optional.empty() : states.values().stream()
                    .map(MappingState::retryAt).flatMap(Optional::stream).filter(t -> t.isAfter(now))
                    .min(Instant::compareTo);
            return java.util.stream.Stream.of(pcp.nextDue(now), upnpRetry).flatMap(Optional::stream)
                    .min(Instant::compareTo);
        }
        if (standby()) return Optional.of(now.plus(HaLock.standbyCheck(ha)));
        Optional<Instant> mappingsDue = states.values().stream().map(MappingState::due).flatMap(Optional::stream)
                .filter(t -> t.isAfter(now)).min(Instant::compareTo);
        Optional<Instant> pinholesDue = pinholes == null ? Optional.empty() : pinholes.nextDue(now);
        return java.util.stream.Stream.of(mappingsDue, pinholesDue).flatMap(Optional::stream).min(Instant::compareTo);
    }

    MappingState state(String name) {
        return states.getOrDefault(name, MappingState.NEW);
    }

    synchronized List<MappingStatus> reconcile() {
        return reconcile(HostIpv6.Lan.NONE);
    }

    /** One pass over every mapping, and (UPnP) each one's IPv6 pinhole to the served address in {@code lan}. */
    synchronized List<MappingStatus> reconcile(HostIpv6.Lan lan) {
        if (pcp != null && router == null) return pcp.reconcile();
        lostThisPass = false;
        lastLan = lan;
        List<MappingStatus> out = new ArrayList<>();
        if (mappings.isEmpty() || router == null) return out;
        InternetGateway gateway;
        try {
            gateway = router.gateway();
        } catch (IOException e) {
            for (MappingConfig m : mappings) out.add(unreachable(m, "router not reachable over UPnP: " + e.getMessage()));
            if (pcp == null) return watched(out);
            if (!onPcp) {
                LOG.warn("UPnP: the router does not answer ({}): keeping the mappings through PCP/NAT-PMP until it"
                        + " does", e.getMessage());
                onPcp = true;
            }
            return pcp.reconcile();
        }
        if (onPcp) {
            LOG.info("UPnP: the router answers again: keeping the mappings over UPnP (the PCP/NAT-PMP ones lapse)");
            onPcp = false;
        }
        List<Optional<PortMapping>> known = null; // the entries an HA pass has read already (active host)
        if (ha != null && !haImpossible) {
            HaPass pass = highAvailability(gateway);
            if (pass.statuses().isPresent()) return pass.statuses().get();
            known = pass.seen();
        }
        for (int i = 0; i < mappings.size(); i++) {
            MappingConfig m = mappings.get(i);
            try {
                out.add(known == null ? reconcileOne(gateway, m) : reconcileOne(gateway, m, known.get(i)));
            } catch (UpnpException e) {
                if (e.errorCode().isEmpty()) {
                    router.forget(); // not an answer from the router: find it again next time
                    out.add(unreachable(m, e.getMessage()));
                    for (MappingConfig rest : mappings.subList(i + 1, mappings.size())) {
                        out.add(unreachable(rest, "skipped: " + e.getMessage()));
                    }
                    break;
                }
                out.add(unreachable(m, e.getMessage()));
            } catch (IOException e) {
                out.add(unreachable(m, e.getMessage()));
            }
        }
        watched(out);
        if (pinholes != null && out.stream().noneMatch(st -> !st.ok() && st.detail().startsWith("skipped: "))) {
            out.addAll(pinholes.keep(gateway, lan, lostThisPass));
        }
        return out;
    }

    private MappingStatus reconcileOne(InternetGateway gateway, MappingConfig m) throws IOException {
        return reconcileOne(gateway, m, gateway.specificPortMapping(m.externalPort(), m.protocol()));
    }

    /** One mapping, given the router's entry for its external port as read in this pass. */
    private MappingStatus reconcileOne(InternetGateway gateway, MappingConfig m, Optional<PortMapping> existing)
            throws IOException {
        String client = m.internalClient().orElse(gateway.localAddress().getHostAddress());
        PortMappingRequest request = new PortMappingRequest(m.externalPort(), m.protocol(), m.internalPort(), client,
                DESCRIPTION_PREFIX + m.name(), m.leaseSeconds());
        if (existing.isPresent() && !existing.get().internalClient().equals(client)) {
            String holder = existing.get().internalClient() + ":" + existing.get().internalPort() + " ('"
                    + existing.get().description() + "')";
            if (!m.force()) {
                return problem(m, "external port " + m.externalPort() + "/" + m.protocol() + " is already forwarded"
                        + " to " + holder + " by another host; not taking it over (set force: true to take it)");
            }
            LOG.warn("mapping {}: taking external port {}/{} over from {} (force: true)", m.name(), m.externalPort(),
                    m.protocol(), holder);
            try {
                gateway.deletePortMapping(m.externalPort(), m.protocol());
            } catch (UpnpException e) {
                if (!e.is(UpnpException.ACTION_NOT_AUTHORIZED)) throw e;
                return problem(m, "force: the router refused to hand external port " + m.externalPort() + "/"
                        + m.protocol() + " over from " + holder + " (606 ActionNotAuthorized: in secure mode only the"
                        + " owner may delete a mapping)");
            }
            existing = Optional.empty();
        }
        Instant now = clock.instant();
        boolean due = state(m.name()).renewAt().map(t -> !t.isAfter(now.plus(RENEW_EARLY))).orElse(true);
        boolean matches = existing.isPresent() && existing.get().internalPort() == m.internalPort()
                && existing.get().enabled();
        if (matches && !due) {
            watch.confirmed(m.name(), existing.get().toString());
            return ok(m, existing.get(), state(m.name()).renewAt());
        }
        if (existing.isEmpty() && state(m.name()).renewAt().isPresent()) {
            LOG.warn("mapping {}: the router no longer has it (714: the router restarted or dropped it); creating it"
                    + " again", m.name());
            lostThisPass = true;
            watch.missing(m.name(), "the router no longer has it (it restarted or dropped it)");
        }
        PortMapping granted;
        try {
            granted = gateway.addPortMapping(request);
        } catch (UpnpException e) {
            if (e.is(UpnpException.CONFLICT_IN_MAPPING_ENTRY)) {
                return problem(m, "the router says another host holds external port " + m.externalPort() + "/"
                        + m.protocol() + " (718 ConflictInMappingEntry); not taking it over");
            }
            if (e.is(UpnpException.SAME_PORT_VALUES_REQUIRED)) {
                return problem(m, "the router only forwards a port to the same internal port (724"
                        + " SamePortValuesRequired): set internalPort: " + m.externalPort());
            }
            if (e.is(UpnpException.ACTION_NOT_AUTHORIZED)) {
                return problem(m, "the router refused the mapping (606 ActionNotAuthorized): its UPnP allows this host"
                        + " to map only some ports, or only for itself (internalClient)");
            }
            throw e;
        }
        long lease = granted.leaseSeconds();
        if (ha != null && lease == 0 && !haImpossible) {
            haImpossible = true;
            LOG.error("HA: the router grants only permanent leases (725): a lapsed lease cannot hand the mappings over,"
                    + " so HA cannot work with this router; this host keeps the mappings as a single agent");
        }
        Optional<Instant> renewAt = lease > 0 ? Optional.of(now.plus(renewAfter(lease))) : Optional.empty();
        if (existing.isEmpty()) {
            LOG.info("mapping {}: created {}", m.name(), granted);
            watch.created(m.name(), granted.toString());
        } else {
            LOG.debug("mapping {}: renewed {}", m.name(), granted);
            watch.renewed(m.name(), granted.toString());
        }
        return ok(m, granted, renewAt);
    }

    /** Half the lease, or a third of it with HA (so that one lost renewal does not lose the lock). */
    private Duration renewAfter(long leaseSeconds) {
        return ha != null ? HaLock.renewAfter(leaseSeconds) : Duration.ofMillis(Math.max(1000, leaseSeconds * 500));
    }

    /**
     * What the HA part of a pass did: the statuses when the pass is done with (standby, handed back, a lost race,
     * a takeover), or none when this host is active and keeps the mappings as usual, from the entries read in
     * {@code seen} (one per mapping, in config order).
     */
    private record HaPass(Optional<List<MappingStatus>> statuses, List<Optional<PortMapping>> seen) {
        static HaPass done(List<MappingStatus> statuses) {
            return new HaPass(Optional.of(statuses), List.of());
        }
    }

    /** The HA part of a pass (see {@link HaLock}). */
    private HaPass highAvailability(InternetGateway gateway) {
        String me = gateway.localAddress().getHostAddress();
        Instant now = clock.instant();
        long restarts = router.restartsSeen();
        if (restarts != restartsSeen) {
            restartsSeen = restarts;
            if (role == HaRole.STANDBY) restartGraceUntil = now.plus(HaLock.restartGrace(ha));
        }
        List<Optional<PortMapping>> seen = new ArrayList<>();
        List<Optional<String>> holderList = new ArrayList<>();
        try {
            for (MappingConfig m : mappings) {
                Optional<PortMapping> p = gateway.specificPortMapping(m.externalPort(), m.protocol());
                seen.add(p);
                holderList.add(p.map(PortMapping::internalClient));
            }
        } catch (IOException e) {
            if (e instanceof UpnpException u && u.errorCode().isEmpty()) router.forget();
            List<MappingStatus> out = new ArrayList<>();
            for (MappingConfig m : mappings) out.add(unreachable(m, e.getMessage()));
            return HaPass.done(out);
        }
        holders.values().stream().filter(h -> !h.isEmpty() && !h.equals(me)).findFirst().ifPresent(h -> lastHolder = h);
        holders.clear();
        for (int i = 0; i < mappings.size(); i++) holders.put(mappings.get(i).name(), holderList.get(i).orElse(""));
        HaLock.Move move = HaLock.decide(role, holderList, me, now.isBefore(restartGraceUntil));
        switch (move) {
            case KEEP -> {
                return new HaPass(Optional.empty(), seen);
            }
            case WAIT -> {
                return HaPass.done(standbyStatuses(seen, me, now.isBefore(restartGraceUntil)));
            }
            case GIVE_BACK -> {
                String active = holderList.stream().flatMap(Optional::stream).filter(h -> !h.equals(me)).findFirst()
                        .orElse("?");
                LOG.warn("HA: {} holds the mappings: {}; this host is standby", active,
                        role == HaRole.ACTIVE ? "handing over" : "giving back the ones this host won");
                giveBack(gateway, seen, me);
                if (role == HaRole.ACTIVE) events.haStandby(me, active);
                role = HaRole.STANDBY;
                states.clear();
                return HaPass.done(standbyStatuses(seen, me, false));
            }
            default -> {
                return HaPass.done(take(gateway, seen, me));
            }
        }
    }

    /** Asks for every free mapping in config order; a 718 (another host won it) gives back what this pass won. */
    private List<MappingStatus> take(InternetGateway gateway, List<Optional<PortMapping>> seen, String me) {
        List<MappingConfig> won = new ArrayList<>();
        List<MappingStatus> out = new ArrayList<>();
        Instant now = clock.instant();
        for (int i = 0; i < mappings.size(); i++) {
            MappingConfig m = mappings.get(i);
            if (seen.get(i).isPresent()) continue; // this host's already: kept below as active
            try {
                PortMapping granted = gateway.addPortMapping(new PortMappingRequest(m.externalPort(), m.protocol(),
                        m.internalPort(), me, DESCRIPTION_PREFIX + m.name(), m.leaseSeconds()));
                won.add(m);
                if (granted.leaseSeconds() == 0) {
                    haImpossible = true;
                    LOG.error("HA: the router grants only permanent leases (725): a lapsed lease cannot hand the"
                            + " mappings over, so HA cannot work with this router; this host keeps the mappings as a"
                            + " single agent");
                }
                out.add(ok(m, granted, granted.leaseSeconds() > 0 ? Optional.of(now.plus(renewAfter(
                        granted.leaseSeconds()))) : Optional.empty()));
            } catch (IOException e) {
                boolean lostRace = e instanceof UpnpException u && u.is(UpnpException.CONFLICT_IN_MAPPING_ENTRY);
                LOG.info("HA: {} {}: staying standby", m.name(), lostRace
                        ? "went to another host first (718)" : "could not be taken (" + e.getMessage() + ")");
                for (MappingConfig w : won) {
                    try {
                        gateway.deletePortMapping(w.externalPort(), w.protocol());
                    } catch (IOException ex) {
                        LOG.warn("HA: cannot give back {} ({}); its lease lapses", w.name(), ex.getMessage());
                    }
                }
                states.clear();
                List<MappingStatus> standing = new ArrayList<>();
                for (MappingConfig x : mappings) {
                    standing.add(new MappingStatus(x.name(), true, "standby: " + (lostRace
                            ? "another host took the mappings first" : "could not take them: " + e.getMessage())));
                }
                return standing;
            }
        }
        role = HaRole.ACTIVE;
        takeovers++;
        activeSince = now;
        events.haTakeover(me, lastHolder);
        LOG.warn("HA: this host ({}) is now active: it holds every mapping{}", me,
                takeovers > 1 || holders.values().stream().anyMatch(h -> !h.isEmpty()) ? "" : " (none was held)");
        for (MappingConfig m : mappings) holders.put(m.name(), me);
        // the mappings this host held already are kept (renewed) as an active host's
        for (int i = 0; i < mappings.size(); i++) {
            if (seen.get(i).isEmpty()) continue;
            try {
                out.add(reconcileOne(gateway, mappings.get(i), seen.get(i)));
            } catch (IOException e) {
                out.add(unreachable(mappings.get(i), e.getMessage()));
            }
        }
        return out;
    }

    private void giveBack(InternetGateway gateway, List<Optional<PortMapping>> seen, String me) {
        for (int i = 0; i < mappings.size(); i++) {
            if (seen.get(i).isPresent() && seen.get(i).get().internalClient().equals(me)) {
                try {
                    gateway.deletePortMapping(mappings.get(i).externalPort(), mappings.get(i).protocol());
                } catch (IOException e) {
                    LOG.warn("HA: cannot give back {} ({}); its lease lapses", mappings.get(i).name(), e.getMessage());
                }
            }
        }
    }

    private List<MappingStatus> standbyStatuses(List<Optional<PortMapping>> seen, String me, boolean grace) {
        List<MappingStatus> out = new ArrayList<>();
        for (int i = 0; i < mappings.size(); i++) {
            Optional<PortMapping> p = seen.get(i);
            String detail = p.isPresent() && !p.get().internalClient().equals(me)
                    ? "standby: held by " + p.get().internalClient() + " (the active host)"
                    : grace ? "standby: free after a router restart; leaving the active host time to re-create it"
                    : "standby";
            out.add(new MappingStatus(mappings.get(i).name(), true, detail));
        }
        return out;
    }

    /** Deletes the mappings this agent keeps (removeMappingsOnExit); only those still pointing at this host. */
    synchronized void removeAll() {
        if (pcp != null && (router == null || onPcp)) {
            pcp.removeAll();
            return;
        }
        if (router == null) return;
        try {
            InternetGateway gateway = router.gateway();
            for (MappingConfig m : mappings) {
                String client = m.internalClient().orElse(gateway.localAddress().getHostAddress());
                Optional<PortMapping> existing = gateway.specificPortMapping(m.externalPort(), m.protocol());
                if (existing.isPresent() && existing.get().internalClient().equals(client)) {
                    gateway.deletePortMapping(m.externalPort(), m.protocol());
                    LOG.info("mapping {}: removed on exit", m.name());
                }
            }
            if (pinholes != null) pinholes.removeAll(gateway, lastLan);
        } catch (IOException e) {
            LOG.warn("cannot remove the mappings on exit: {}", e.getMessage());
        }
    }

    private MappingStatus ok(MappingConfig m, PortMapping granted, Optional<Instant> renewAt) {
        if (lastProblem.remove(m.name()) != null) LOG.info("mapping {}: OK again", m.name());
        states.put(m.name(), new MappingState(renewAt, 0, Optional.empty()));
        return new MappingStatus(m.name(), true, granted.toString());
    }

    /**
     * The router could not be asked, or failed: try again soon, backing off ({@link Backoff#ROUTER}: 1 s doubling
     * to 30 s), so that a router that answers again gets its mappings back within seconds.
     */
    private MappingStatus unreachable(MappingConfig m, String detail) {
        MappingState was = state(m.name());
        int failures = was.failures() + 1;
        states.put(m.name(), new MappingState(was.renewAt(), failures,
                Optional.of(clock.instant().plus(Backoff.ROUTER.after(failures)))));
        return report(m, detail);
    }

    /**
     * The router answered and will not forward the port (held by another host, refused): nothing to gain from
     * asking again soon; the next poll (or a router event) looks again.
     */
    private MappingStatus problem(MappingConfig m, String detail) {
        MappingState was = state(m.name());
        states.put(m.name(), new MappingState(was.renewAt(), was.failures() + 1, Optional.empty()));
        return report(m, detail);
    }

    /**
     * The mappings that failed in a UPnP pass are lost, if they were held. Not when PCP/NAT-PMP keeps them while
     * UPnP does not answer: that pass's outcome is PCP's.
     */
    private List<MappingStatus> watched(List<MappingStatus> out) {
        for (MappingStatus st : out) {
            if (!st.ok()) watch.failed(st.name(), st.detail());
        }
        return out;
    }

    private MappingStatus report(MappingConfig m, String detail) {
        if (!detail.equals(lastProblem.put(m.name(), detail))) {
            LOG.warn("mapping {}: {}", m.name(), detail);
        }
        return new MappingStatus(m.name(), false, detail);
    }
}
