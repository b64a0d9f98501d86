package dev.wanagent.agent;

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

    MappingReconciler(List<MappingConfig> mappings, UpnpRouter router, Clock clock) {
        this(mappings, router, null, clock);
    }

    MappingReconciler(List<MappingConfig> mappings, UpnpRouter router, PcpMappings pcp, Clock clock) {
        this(mappings, router, pcp, null, clock);
    }

    MappingReconciler(List<MappingConfig> mappings, UpnpRouter router, PcpMappings pcp, Pinholes pinholes,
                      Clock clock) {
        this.mappings = mappings;
        this.router = router;
        this.pcp = pcp;
        this.pinholes = router == null ? null : pinholes;
        this.clock = clock;
    }

    /** The earliest time after {@code now} that a mapping needs a pass by itself: a renewal or a retry. */
    synchronized Optional<Instant> nextDue(Instant now) {
        if (pcp != null && (router == null || onPcp)) {
            // on PCP: its renewals, and (UPnP enabled) UPnP's own retry, to switch back when it answers again
            Optional<Instant> upnpRetry = router == null ? Optional.empty() : states.values().stream()
                    .map(MappingState::retryAt).flatMap(Optional::stream).filter(t -> t.isAfter(now))
                    .min(Instant::compareTo);
            return java.util.stream.Stream.of(pcp.nextDue(now), upnpRetry).flatMap(Optional::stream)
                    .min(Instant::compareTo);
        }
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
            if (pcp == null) return out;
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
        for (MappingConfig m : mappings) {
            try {
                out.add(reconcileOne(gateway, m));
            } catch (UpnpException e) {
                if (e.errorCode().isEmpty()) {
                    router.forget(); // not an answer from the router: find it again next time
                    out.add(unreachable(m, e.getMessage()));
                    for (MappingConfig rest : mappings.subList(mappings.indexOf(m) + 1, mappings.size())) {
                        out.add(unreachable(rest, "skipped: " + e.getMessage()));
                    }
                    break;
                }
                out.add(unreachable(m, e.getMessage()));
            } catch (IOException e) {
                out.add(unreachable(m, e.getMessage()));
            }
        }
        if (pinholes != null && out.stream().noneMatch(st -> !st.ok() && st.detail().startsWith("skipped: "))) {
            out.addAll(pinholes.keep(gateway, lan, lostThisPass));
        }
        return out;
    }

    private MappingStatus reconcileOne(InternetGateway gateway, MappingConfig m) throws IOException {
        String client = m.internalClient().orElse(gateway.localAddress().getHostAddress());
        PortMappingRequest request = new PortMappingRequest(m.externalPort(), m.protocol(), m.internalPort(), client,
                DESCRIPTION_PREFIX + m.name(), m.leaseSeconds());
        Optional<PortMapping> existing = gateway.specificPortMapping(m.externalPort(), m.protocol());
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
        boolean due = state(m.name()).renewAt().map(t -> !t.isAfter(now)).orElse(true);
        boolean matches = existing.isPresent() && existing.get().internalPort() == m.internalPort()
                && existing.get().enabled();
        if (matches && !due) {
            return ok(m, existing.get(), state(m.name()).renewAt());
        }
        if (existing.isEmpty() && state(m.name()).renewAt().isPresent()) {
            LOG.warn("mapping {}: the router no longer has it (714: the router restarted or dropped it); creating it"
                    + " again", m.name());
            lostThisPass = true;
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
        Optional<Instant> renewAt = lease > 0 ? Optional.of(now.plus(Duration.ofSeconds(Math.max(1, lease / 2))))
                : Optional.empty();
        if (existing.isEmpty()) {
            LOG.info("mapping {}: created {}", m.name(), granted);
        } else {
            LOG.debug("mapping {}: renewed {}", m.name(), granted);
        }
        return ok(m, granted, renewAt);
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

    private MappingStatus report(MappingConfig m, String detail) {
        if (!detail.equals(lastProblem.put(m.name(), detail))) {
            LOG.warn("mapping {}: {}", m.name(), detail);
        }
        return new MappingStatus(m.name(), false, detail);
    }
}
