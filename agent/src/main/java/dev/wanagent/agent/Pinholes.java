package dev.wanagent.agent;

import dev.wanagent.config.MappingConfig;
import dev.wanagent.upnp.InternetGateway;
import dev.wanagent.upnp.Ipv6Firewall;
import dev.wanagent.upnp.UpnpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.Inet6Address;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * IPv6 has no NAT: a declared mapping reaches the served host over IPv6 through a hole in the router's firewall, to
 * the host's own address and the mapping's internal port. For each mapping this keeps one IGD:2 pinhole: added
 * (AddPinhole), renewed at half its lease (UpdatePinhole; AddPinhole again when the router no longer knows it),
 * added again at once when the router lost the mappings (a restart), moved when the served address changes, and
 * deleted with the mappings on exit.
 */
final class Pinholes {
    private static final Logger LOG = LoggerFactory.getLogger(Pinholes.class);
    static final String SUFFIX = " (IPv6 pinhole)";

    /**
     * What the agent knows of one mapping's pinhole between passes.
     *
     * @param held     the pinhole the router granted (empty: none held)
     * @param renewAt  when its lease is half spent
     * @param failures consecutive failures
     * @param retryAt  when to try again after a failure (empty: a refusal, looked at again at the next poll)
     */
    record PinholeState(Optional<Ipv6Firewall.Pinhole> held, Optional<Instant> renewAt, int failures,
                        Optional<Instant> retryAt) {
        static final PinholeState NONE = new PinholeState(Optional.empty(), Optional.empty(), 0, Optional.empty());

        Optional<Instant> due() {
            return retryAt.isPresent() ? retryAt : renewAt;
        }
    }

    private final List<MappingConfig> mappings;
    private final boolean hostIdSet;
    private final Clock clock;
    private final Map<String, PinholeState> states = new HashMap<>();
    private final Map<String, String> lastProblem = new HashMap<>();
    /** Each mapping's last status, repeated while a failure's or refusal's wait runs. */
    private final Map<String, MappingReconciler.MappingStatus> lastStatus = new HashMap<>();
    /** The served address each mapping's pinhole was last asked for. */
    private final Map<String, Inet6Address> lastTarget = new HashMap<>();
    /** How long a refusal stands before the router is asked again (sooner: a router restart). */
    static final Duration REFUSAL_HOLD = Duration.ofHours(1);
    /** The last line logged about why no pinholes are kept at all (no IPv6, no service); null: none. */
    private String quiet;

    Pinholes(List<MappingConfig> mappings, boolean hostIdSet, Clock clock) {
        this.mappings = mappings;
        this.hostIdSet = hostIdSet;
        this.clock = clock;
    }

    PinholeState state(String mapping) {
        return states.getOrDefault(mapping, PinholeState.NONE);
    }

    /** The earliest renewal or retry after {@code now}. */
    synchronized Optional<Instant> nextDue(Instant now) {
        return states.values().stream().map(PinholeState::due).flatMap(Optional::stream)
                .filter(t -> t.isAfter(now)).min(Instant::compareTo);
    }

    /**
     * One pass: every mapping's pinhole checked against the LAN's IPv6 as read now.
     *
     * @param routerLostMappings the reconciler found mappings it held gone (a router restart): pinholes are asked
     *                           for again at once (AddPinhole of a pinhole the router still has only extends it)
     * @return one status per mapping that gets a pinhole; none when the host has no IPv6 or the router no pinholes
     */
    synchronized List<MappingReconciler.MappingStatus> keep(InternetGateway gateway, HostIpv6.Lan lan,
                                                            boolean routerLostMappings) {
        Optional<Ipv6Firewall> firewall = lan.served().isPresent() && lan.local().isPresent() && lan.router().isPresent()
                ? Ipv6Firewall.of(gateway, lan.router().get(), lan.local().get()) : Optional.empty();
        if (firewall.isEmpty()) {
            quietly(lan.served().isEmpty() || lan.router().isEmpty() || lan.local().isEmpty()
                    ? "IPv6 pinholes: none opened: " + (lan.problem().isEmpty() ? "no IPv6 here" : lan.problem())
                    : "IPv6 pinholes: the router offers none (no WANIPv6FirewallControl service): the mappings reach"
                    + " this host over IPv4 only");
            return List.of();
        }
        quietly(null);
        List<MappingReconciler.MappingStatus> out = new ArrayList<>();
        for (MappingConfig m : mappings) {
            if (m.internalClient().isPresent() && !hostIdSet) continue; // another host: its IPv6 is not known
            PinholeState s = state(m.name());
            MappingReconciler.MappingStatus last = lastStatus.get(m.name());
            if (last != null && s.retryAt().isPresent() && clock.instant().isBefore(s.retryAt().get())
                    && !routerLostMappings && lan.served().get().equals(lastTarget.get(m.name()))) {
                out.add(last); // waiting out a failure or a refusal: the router is not asked
                continue;
            }
            lastTarget.put(m.name(), lan.served().get());
            try {
                out.add(keepOne(firewall.get(), m, lan.served().get(), routerLostMappings));
            } catch (UpnpException e) {
                if (e.errorCode().isEmpty()) {
                    out.add(unreachable(m, e.getMessage()));
                } else {
                    out.add(refused(m, e));
                }
            } catch (IOException e) {
                out.add(unreachable(m, e.getMessage()));
            }
        }
        return out;
    }

    private MappingReconciler.MappingStatus keepOne(Ipv6Firewall fw, MappingConfig m, Inet6Address served,
                                                    boolean routerLost) throws IOException {
        PinholeState s = state(m.name());
        Instant now = clock.instant();
        int lease = m.leaseSeconds() > 0 ? Math.min(m.leaseSeconds(), Ipv6Firewall.MAX_LEASE_SECONDS)
                : Ipv6Firewall.MAX_LEASE_SECONDS;
        Optional<Ipv6Firewall.Pinhole> held = s.held();
        if (held.isPresent() && (!held.get().internalClient().equals(served) || held.get().internalPort() != m.internalPort()
                || !held.get().protocol().equals(m.protocol()))) {
            LOG.info("mapping {}: IPv6 address or port changed: closing {}", m.name(), held.get());
            try {
                fw.delete(held.get());
            } catch (IOException e) {
                LOG.debug("mapping {}: DeletePinhole failed: {}", m.name(), e.getMessage());
            }
            held = Optional.empty();
        }
        boolean due = s.renewAt().map(t -> !t.isAfter(now.plus(MappingReconciler.RENEW_EARLY))).orElse(true);
        if (held.isPresent() && !due && !routerLost) return ok(m, held.get(), s.renewAt());
        Ipv6Firewall.Pinhole granted = null;
        if (held.isPresent() && !routerLost) {
            try {
                granted = fw.update(held.get(), lease);
                LOG.debug("mapping {}: renewed {}", m.name(), granted);
            } catch (UpnpException e) {
                if (!e.is(Ipv6Firewall.NO_SUCH_ENTRY)) throw e;
                LOG.warn("mapping {}: the router no longer has {} (704): opening it again", m.name(), held.get());
            }
        }
        if (granted == null) {
            granted = fw.add(served, m.internalPort(), m.protocol(), lease);
            if (held.isEmpty() || held.get().id() != granted.id()) LOG.info("mapping {}: opened {}", m.name(), granted);
        }
        return ok(m, granted, Optional.of(now.plus(Duration.ofSeconds(Math.max(1, granted.leaseSeconds() / 2)))));
    }

    /** Closes the pinholes this agent holds (removeMappingsOnExit). */
    synchronized void removeAll(InternetGateway gateway, HostIpv6.Lan lan) {
        if (lan.local().isEmpty() || lan.router().isEmpty()) return;
        Optional<Ipv6Firewall> fw = Ipv6Firewall.of(gateway, lan.router().get(), lan.local().get());
        if (fw.isEmpty()) return;
        for (Map.Entry<String, PinholeState> e : states.entrySet()) {
            if (e.getValue().held().isEmpty()) continue;
            try {
                fw.get().delete(e.getValue().held().get());
                LOG.info("mapping {}: closed {} on exit", e.getKey(), e.getValue().held().get());
            } catch (IOException ex) {
                LOG.warn("mapping {}: cannot close its IPv6 pinhole on exit: {}", e.getKey(), ex.getMessage());
            }
        }
        states.clear();
    }

    private MappingReconciler.MappingStatus ok(MappingConfig m, Ipv6Firewall.Pinhole p, Optional<Instant> renewAt) {
        if (lastProblem.remove(m.name()) != null) LOG.info("mapping {}: IPv6 pinhole OK again", m.name());
        states.put(m.name(), new PinholeState(Optional.of(p), renewAt, 0, Optional.empty()));
        return remember(m, new MappingReconciler.MappingStatus(m.name() + SUFFIX, true, p.toString()));
    }

    /** No answer (router unreachable over IPv6): back off as for mappings (1 s doubling to 30 s). */
    private MappingReconciler.MappingStatus unreachable(MappingConfig m, String detail) {
        PinholeState was = state(m.name());
        int failures = was.failures() + 1;
        states.put(m.name(), new PinholeState(was.held(), was.renewAt(), failures,
                Optional.of(clock.instant().plus(Backoff.ROUTER.after(failures)))));
        return report(m, detail);
    }

    /**
     * The router answered no: say what it means (reported as OK-with-a-warning: the mapping itself holds); asked
     * again after {@link #REFUSAL_HOLD}, or at once when the router restarts or the served address changes.
     */
    private MappingReconciler.MappingStatus refused(MappingConfig m, UpnpException e) {
        states.put(m.name(), new PinholeState(Optional.empty(), Optional.empty(), 0,
                Optional.of(clock.instant().plus(REFUSAL_HOLD))));
        int code = e.errorCode().orElse(0);
        String why = switch (code) {
            case UpnpException.ACTION_NOT_AUTHORIZED -> "the router refused it (606 Action not authorized): routers"
                    + " that follow IGD:2's advice open pinholes only to the requesting host's own address and to"
                    + " ports from 1024" + (m.internalPort() < 1024 ? " (internal port " + m.internalPort()
                    + " is below)" : "") + "; set router.upnp.pinholes: false to stop asking";
            case Ipv6Firewall.FIREWALL_DISABLED -> "the router's IPv6 firewall is off (702): IPv6 reaches the host"
                    + " without a pinhole";
            case Ipv6Firewall.INBOUND_PINHOLE_NOT_ALLOWED -> "the router does not allow inbound pinholes (703):"
                    + " enable them in its IPv6 firewall settings";
            case Ipv6Firewall.PINHOLE_SPACE_EXHAUSTED -> "the router has no room for more pinholes (701)";
            default -> e.getMessage();
        };
        // the IPv4 mapping stands and the router said why: a warning the user can act on, not a failing mapping
        String detail = "not opened: IPv6 pinhole to port " + m.internalPort() + "/" + m.protocol() + ": " + why;
        if (!detail.equals(lastProblem.put(m.name(), detail))) LOG.warn("mapping {}: {}", m.name(), detail);
        return remember(m, new MappingReconciler.MappingStatus(m.name() + SUFFIX, true, detail));
    }

    private MappingReconciler.MappingStatus report(MappingConfig m, String detail) {
        if (!detail.equals(lastProblem.put(m.name(), detail))) LOG.warn("mapping {}: {}", m.name(), detail);
        return remember(m, new MappingReconciler.MappingStatus(m.name() + SUFFIX, false, detail));
    }

    private MappingReconciler.MappingStatus remember(MappingConfig m, MappingReconciler.MappingStatus status) {
        lastStatus.put(m.name(), status);
        return status;
    }

    private void quietly(String line) {
        if (line != null && !line.equals(quiet)) LOG.info("{}", line);
        quiet = line;
    }
}
