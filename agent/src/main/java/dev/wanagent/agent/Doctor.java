package dev.wanagent.agent;

import dev.wanagent.config.AgentConfig;
import dev.wanagent.config.MappingConfig;
import dev.wanagent.config.ProviderConfig;
import dev.wanagent.ddns.PublicAddress;
import dev.wanagent.ddns.UpdateOutcome;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The decisions of {@code wan-agent check}: from what the probes saw ({@link Observations}), the findings, one per
 * line, each saying in plain words what the user must do. Pure: no I/O ({@link CheckCommand} probes and prints).
 *
 * <p>A finding blocks when the config's goal is not reached: its mappings reachable from the internet, or its DNS
 * records pointing at this network. A carrier-grade NAT or private (double NAT) WAN address, a NAT beyond the router
 * (the web echo sees another address), no WAN address at all, a mapping protocol that does not answer, a port held
 * by another host and a provider that refused the credentials block; a failing source that another one stands in
 * for does not.
 */
final class Doctor {
    private Doctor() {
    }

    /** What a source's failure was, as far as the doctor's advice goes. */
    enum TroubleKind {
        /** Nothing answered discovery (UPnP: no IGD answered the M-SEARCH). */
        NOT_FOUND,
        /** The router was asked and did not answer in time. */
        NO_ANSWER,
        /** The router answered with a refusal ({@code code}: a PCP/NAT-PMP result name, a UPnP error number). */
        REFUSED,
        /** Anything else (the message says what). */
        OTHER
    }

    record Trouble(TroubleKind kind, String code, String message) {
    }

    /** One source's probe: its description and address, or its trouble. */
    record SourceReading(String name, Optional<String> description, Optional<InetAddress> address,
                         Optional<Trouble> trouble) {
        static SourceReading ok(String name, String description, InetAddress address) {
            return new SourceReading(name, Optional.of(description), Optional.of(address), Optional.empty());
        }

        static SourceReading failed(String name, Trouble trouble) {
            return new SourceReading(name, Optional.empty(), Optional.empty(), Optional.of(trouble));
        }
    }

    /**
     * What UPnP said beyond the address.
     *
     * @param connectionStatus GetStatusInfo's NewConnectionStatus (Connected, Disconnected, ...)
     * @param ipv6Pinholes     whether the description lists WANIPv6FirewallControl
     */
    record UpnpFacts(String connectionStatus, boolean ipv6Pinholes) {
    }

    /** A declared mapping whose external port the router forwards to another host ({@code holder}: ip:port ('desc')). */
    record Conflict(MappingConfig mapping, String holder) {
    }

    /** What a provider said to a read-only call with the configured credentials ({@code provider}: its label). */
    record CredentialCheck(String provider, UpdateOutcome outcome) {
    }

    /** A DNS record from the state file; {@code configChanged}: the provider's config changed since its last attempt. */
    record ProviderRecord(StateStore.RecordState state, boolean configChanged) {
    }

    /**
     * Everything check saw.
     *
     * @param sources      the router sources in config order (not the web echo)
     * @param upnp         present when UPnP answered
     * @param mappingsRead whether the router's mapping table could be read (UPnP) for {@code conflicts}
     * @param echo         present when the web echo is enabled
     * @param credentials  the providers whose API has a read-only call, and what it answered
     */
    record Observations(AgentConfig config, List<SourceReading> sources, Optional<UpnpFacts> upnp,
                        boolean mappingsRead, List<Conflict> conflicts, Optional<WebEcho.Round> echo,
                        List<CredentialCheck> credentials, List<ProviderRecord> records,
                        Optional<String> stateProblem, List<String> permanentLeases) {
        /** Without mappings held on a permanent lease. */
        Observations(AgentConfig config, List<SourceReading> sources, Optional<UpnpFacts> upnp, boolean mappingsRead,
                     List<Conflict> conflicts, Optional<WebEcho.Round> echo, List<CredentialCheck> credentials,
                     List<ProviderRecord> records, Optional<String> stateProblem) {
            this(config, sources, upnp, mappingsRead, conflicts, echo, credentials, records, stateProblem, List.of());
        }
    }

    static List<Finding> diagnose(Observations o) {
        List<Finding> out = new ArrayList<>();
        AgentConfig c = o.config();
        boolean goal = !c.mappings().isEmpty() || !c.providers().isEmpty();
        out.add(Finding.ok("config", c.mappings().size() + " mapping(s), " + c.providers().size() + " provider(s),"
                + " poll every " + c.pollInterval().toSeconds() + "s, state in " + c.stateDir()));

        Optional<InetAddress> echoed = o.echo().flatMap(WebEcho.Round::agreed);
        Optional<SourceReading> answered = o.sources().stream()
                .filter(s -> s.address().isPresent() && !s.address().get().isAnyLocalAddress()).findFirst();
        boolean anyAnswer = o.sources().stream().anyMatch(s -> s.address().isPresent());
        for (SourceReading s : o.sources()) {
            if (s.trouble().isEmpty()) {
                out.add(Finding.ok(s.name(), s.description().orElse("")));
            } else {
                out.add(Finding.warning(s.name(), s.trouble().get().message() + advice(s.name(), s.trouble().get())));
            }
        }
        disagreement(o.sources()).ifPresent(out::add);

        boolean routerPublic = false;
        if (answered.isPresent()) {
            InetAddress x = answered.get().address().get();
            String from = " (" + answered.get().name() + ")";
            Optional<String> whyNot = PublicAddress.whyNotPublic(x);
            if (isCgnat(x)) {
                out.add(serious(goal, "cgnat", "the router's WAN address " + x.getHostAddress() + from + " is in"
                        + " 100.64.0.0/10, the ISP's carrier-grade NAT (one public address shared by many"
                        + " customers): no port forward can work from the internet: ask the ISP for a public IPv4"
                        + " address, or use IPv6"));
            } else if (x instanceof Inet4Address && x.isSiteLocalAddress()) {
                out.add(serious(goal, "double-nat", "the router's WAN address " + x.getHostAddress() + from + " is"
                        + " private (RFC 1918): another router or modem is in front of it (double NAT): forward the"
                        + " ports on the upstream router too, or put the first router in bridge mode"));
            } else if (whyNot.isPresent()) {
                out.add(serious(goal, "wan", "the router's WAN address " + x.getHostAddress() + from + " is not"
                        + " reachable from the internet: " + whyNot.get()));
            } else {
                routerPublic = true;
                out.add(Finding.ok("wan", "the router's WAN address " + x.getHostAddress() + from + " is public"));
            }
        } else if (anyAnswer) {
            // every answering source said 0.0.0.0
            boolean connected = o.upnp().map(u -> u.connectionStatus().equalsIgnoreCase("Connected")).orElse(false);
            out.add(serious(goal, "wan", connected
                    ? "the router says it is connected but gives no WAN address: routers (miniupnpd) do this when"
                    + " their WAN address is private or reserved, that is behind the ISP's carrier-grade NAT or"
                    + " another router (double NAT)" + echoed.map(y -> "; the internet sees this network as "
                    + y.getHostAddress() + " (web echo)").orElse("") + ": look up the WAN address on the router's"
                    + " status page (or enable router.snmp): 100.64.x.x means ask the ISP for a public IPv4 address"
                    + " or use IPv6; 10.x, 172.16-31.x or 192.168.x means forward the ports on the upstream router"
                    + " too, or put the first router in bridge mode"
                    : "the router has no WAN address (its internet connection is down): check the router's"
                    + " internet connection"));
        } else if (echoed.isPresent() && !o.sources().isEmpty()) {
            out.add(Finding.warning("wan", "no router source gives the WAN address; the web echo's "
                    + echoed.get().getHostAddress() + " stands in for DNS (a last resort), but no port mapping can"
                    + " be made"));
        } else {
            out.add(Finding.blocking("wan", "no source gives the router's WAN address (see above)"
                    + (o.config().router().web().enabled() ? "" : "; router.web (the web echo) could stand in for DNS")));
        }

        echo(o, answered.flatMap(SourceReading::address), routerPublic, goal).ifPresent(out::add);
        out.addAll(mappings(o, routerPublic));
        ipv6(o).ifPresent(out::add);
        out.addAll(providers(o));
        out.add(summary(out));
        return out;
    }

    private static boolean isCgnat(InetAddress a) {
        byte[] b = a.getAddress();
        return a instanceof Inet4Address && (b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64;
    }

    /** Blocking when the config has a goal (mappings or providers), else only a warning. */
    private static Finding serious(boolean goal, String subject, String text) {
        return goal ? Finding.blocking(subject, text) : Finding.warning(subject, text);
    }

    /** What to do about a source that failed, by source and kind of trouble; "" when the message says it all. */
    static String advice(String source, Trouble t) {
        return switch (source) {
            case "upnp" -> switch (t.kind()) {
                case NOT_FOUND -> ": UPnP is off on the router or blocked: turn on UPnP (IGD) in the router's"
                        + " settings, or set router.upnp.location to its description URL";
                case NO_ANSWER -> ": the router does not answer UPnP at router.upnp.location: check the URL, or"
                        + " turn on UPnP on the router";
                case REFUSED -> ": the router's UPnP refuses this host: check its UPnP settings (some allow UPnP"
                        + " control only for chosen hosts)";
                case OTHER -> "";
            };
            case "pcp" -> switch (t.kind()) {
                case NOT_FOUND, NO_ANSWER -> ": PCP and NAT-PMP are off on the router (or router.pcp.gateway is"
                        + " not the router): turn on NAT-PMP/PCP in its settings (miniupnpd: enable_natpmp=yes)";
                case REFUSED -> switch (t.code()) {
                    case "NOT_AUTHORIZED" -> ": the router does not let this host map ports over PCP/NAT-PMP: allow"
                            + " it in the router's settings";
                    case "UNSUPP_VERSION", "UNSUPPORTED_VERSION" -> ": the router speaks neither PCP 2 nor NAT-PMP"
                            + " as asked: set router.pcp.protocol to auto, or use UPnP";
                    case "NETWORK_FAILURE" -> ": the router has no usable WAN address (its link is down, or, on"
                            + " miniupnpd, the address is private or reserved)";
                    default -> "";
                };
                case OTHER -> "";
            };
            default -> "";
        };
    }

    private static Optional<Finding> disagreement(List<SourceReading> sources) {
        SourceReading first = null;
        for (SourceReading s : sources) {
            if (s.address().isEmpty() || s.address().get().isAnyLocalAddress()) continue;
            if (first == null) {
                first = s;
            } else if (!first.address().equals(s.address())) {
                return Optional.of(Finding.warning("sources", "sources disagree: " + first.name() + " says "
                        + first.address().get().getHostAddress() + ", " + s.name() + " says "
                        + s.address().get().getHostAddress() + " (the first healthy source in config order wins)"));
            }
        }
        return Optional.empty();
    }

    private static Optional<Finding> echo(Observations o, Optional<InetAddress> router, boolean routerPublic,
                                          boolean goal) {
        if (o.echo().isEmpty()) {
            return Optional.of(Finding.note("web echo", "off (router.web.enabled: false): a NAT beyond the router"
                    + " cannot be detected"));
        }
        WebEcho.Round round = o.echo().get();
        if (round.agreed().isEmpty()) return Optional.of(Finding.warning("web echo", round.summary()));
        InetAddress y = round.agreed().get();
        if (routerPublic && !y.equals(router.get())) {
            return Optional.of(serious(goal, "nat-beyond", "the router says its WAN address is "
                    + router.get().getHostAddress() + ", but the internet sees this network as " + y.getHostAddress()
                    + " (web echo: " + round.summary() + "): there is another NAT beyond the router (the ISP's"
                    + " carrier-grade NAT, or an upstream router or modem): ports forwarded here are not reachable,"
                    + " and DNS would point at " + router.get().getHostAddress() + ": forward the ports on the"
                    + " upstream device too (or put it in bridge mode), or ask the ISP for a public IPv4 address"));
        }
        if (routerPublic) {
            return Optional.of(Finding.ok("web echo", "the internet sees " + y.getHostAddress() + " too: no NAT"
                    + " beyond the router (" + round.summary() + ")"));
        }
        return Optional.of(Finding.note("web echo", round.summary() + (router.isPresent() && !y.equals(router.get())
                ? ": the public address of the NAT in front of the router" : "")));
    }

    private static List<Finding> mappings(Observations o, boolean routerPublic) {
        List<MappingConfig> declared = o.config().mappings();
        if (declared.isEmpty()) return List.of();
        List<Finding> out = new ArrayList<>();
        // UPnP keeps the mappings; PCP/NAT-PMP when UPnP is off, and while UPnP does not answer with both on
        boolean upnpOn = o.config().router().upnp().enabled();
        boolean pcpOn = o.config().router().pcp().enabled();
        boolean upnpAnswers = upnpOn && answers(o, "upnp");
        boolean pcpAnswers = pcpOn && answers(o, "pcp");
        if (!upnpAnswers && !pcpAnswers) {
            String protocols = upnpOn && pcpOn ? "neither UPnP nor PCP/NAT-PMP (see upnp and pcp above)"
                    : upnpOn ? "UPnP (see upnp above)" : "PCP/NAT-PMP (see pcp above)";
            out.add(Finding.blocking("mappings", "no port mapping can be made: the router answers " + protocols));
            return out;
        }
        if (upnpOn && !upnpAnswers) {
            out.add(Finding.note("mappings", "kept over PCP/NAT-PMP while the router does not answer UPnP"));
        }
        if (o.config().ha().enabled()) return highAvailability(o, out, declared.size());
        for (Conflict conflict : o.conflicts()) {
            MappingConfig m = conflict.mapping();
            String port = m.externalPort() + "/" + m.protocol();
            if (m.force()) {
                out.add(Finding.warning("mapping " + m.name(), "external port " + port + " is forwarded to "
                        + conflict.holder() + " by another host; force: true takes it over"));
            } else {
                out.add(Finding.blocking("mapping " + m.name(), "external port " + port + " is forwarded to "
                        + conflict.holder() + " by another host: free it on the router (or stop the program on"
                        + " that host that holds it), choose another externalPort, or set force: true to take it"
                        + " over"));
            }
        }
        if (o.conflicts().isEmpty() && o.mappingsRead()) {
            String free = declared.size() + " declared, no external port held by another host";
            out.add(routerPublic ? Finding.ok("mappings", free)
                    : Finding.note("mappings", free + " (but unreachable from the internet while the router's WAN"
                    + " address is not public, see above)"));
        } else if (!o.mappingsRead() && !upnpAnswers) {
            out.add(Finding.note("mappings", "kept over PCP/NAT-PMP, which cannot tell who holds a port without"
                    + " taking it: `once` shows whether each mapping is granted"));
        }
        return out;
    }

    /**
     * With {@code ha.enabled}, another host holding the mappings is the active one, not a conflict; what blocks HA is
     * a permanent lease (it never lapses: no standby could ever take over) and a split set.
     */
    private static List<Finding> highAvailability(Observations o, List<Finding> out, int declared) {
        if (!o.permanentLeases().isEmpty()) {
            out.add(Finding.blocking("ha", "the router holds " + String.join(", ", o.permanentLeases()) + " on a"
                    + " permanent lease: it never lapses, so no standby can take over (routers that grant only"
                    + " permanent leases, 725, cannot host HA; the agent then runs single). Delete the mapping on"
                    + " the router, or set ha.enabled: false"));
        }
        if (!o.mappingsRead()) {
            if (!o.config().router().upnp().enabled()) {
                out.add(Finding.note("ha", "enabled over PCP/NAT-PMP (lease " + o.config().ha().leaseSeconds() + " s):"
                        + " PCP cannot tell who holds a port without taking it, so check does not ask; a standby"
                        + " asks for each port exactly and takes them all when they are free (a router may grant longer"
                        + " lifetimes than the lease, e.g. miniupnpd's min_lifetime: the log says so)"));
            }
            return out;
        }
        java.util.TreeSet<String> holders = new java.util.TreeSet<>();
        o.conflicts().forEach(x -> holders.add(x.holder().replaceAll(":.*", "")));
        if (o.conflicts().isEmpty()) {
            out.add(Finding.ok("ha", "enabled (lease " + o.config().ha().leaseSeconds() + " s): no other host holds the"
                    + " mappings; this host becomes (or is) the active one"));
        } else if (o.conflicts().size() == declared && holders.size() == 1) {
            out.add(Finding.ok("ha", "enabled (lease " + o.config().ha().leaseSeconds() + " s): " + holders.first()
                    + " holds every mapping (the active host); this host is a standby and takes over when they lapse"));
        } else {
            out.add(Finding.warning("ha", "the mappings are split (" + o.conflicts().size() + " of " + declared
                    + " held by " + String.join(", ", holders) + "): the active host is taking them, or a host that is"
                    + " not running HA holds some; a standby takes over only when every mapping is free"));
        }
        return out;
    }

    private static boolean answers(Observations o, String source) {
        return o.sources().stream().anyMatch(s -> s.name().equals(source) && s.trouble().isEmpty());
    }

    private static Optional<Finding> ipv6(Observations o) {
        if (o.upnp().isEmpty()) return Optional.empty();
        boolean aaaa = o.config().providers().stream().anyMatch(p -> p.common().ipv6());
        if (o.upnp().get().ipv6Pinholes()) {
            return Optional.of(Finding.ok("ipv6", "the router offers IPv6 pinholes (WANIPv6FirewallControl)"));
        }
        String text = "the router's UPnP description has no WANIPv6FirewallControl service: it offers no IPv6"
                + " pinholes, so inbound IPv6 to this host needs a firewall rule made by hand on the router";
        return Optional.of(aaaa ? Finding.warning("ipv6", text + " (AAAA records are kept: ipv6: true)")
                : Finding.note("ipv6", text));
    }

    private static List<Finding> providers(Observations o) {
        List<Finding> out = new ArrayList<>();
        o.stateProblem().ifPresent(p -> out.add(Finding.warning("state", p + " (`run` sets it aside and starts"
                + " afresh)")));
        for (ProviderConfig p : o.config().providers()) {
            String subject = "provider " + p.label();
            o.credentials().stream().filter(c -> c.provider().equals(p.label())).findFirst()
                    .ifPresent(c -> out.add(credentials(subject, c.outcome())));
            List<ProviderRecord> mine = o.records().stream()
                    .filter(r -> r.state().provider().equals(p.label()) && p.hostnames().contains(r.state().hostname()))
                    .toList();
            if (mine.isEmpty()) {
                out.add(Finding.note(subject, "not used yet for " + String.join(", ", p.hostnames())
                        + " (check changes no DNS record; `once` pushes the address)"));
                continue;
            }
            for (ProviderRecord r : mine) {
                StateStore.RecordState s = r.state();
                String record = s.hostname() + " " + s.type();
                switch (s.status()) {
                    case SUCCESS -> out.add(Finding.ok(subject, record + " holds " + s.address() + " since "
                            + s.updatedAt()));
                    case RETRY -> out.add(Finding.warning(subject, record + ": failed " + s.failures() + " time(s) ("
                            + s.result() + "), next try " + s.retryAt()));
                    case FATAL -> out.add(r.configChanged()
                            ? Finding.note(subject, record + " was refused (" + s.result() + ") with the provider's"
                            + " earlier config; it changed since: `once` tries the new one")
                            : Finding.blocking(subject, record + " is refused by the provider (" + s.result() + "):"
                            + " check the credentials (username, password or token) and the hostname in the config;"
                            + " the agent does not ask this provider again until its config changes"));
                }
            }
        }
        return out;
    }

    private static Finding credentials(String subject, UpdateOutcome outcome) {
        return switch (outcome.kind()) {
            case SUCCESS -> Finding.ok(subject, "credentials accepted (read-only check: " + outcome.detail() + ")");
            case RETRY -> Finding.warning(subject, "could not check the credentials now (" + outcome.detail() + ")");
            case FATAL -> Finding.blocking(subject, "the provider refuses the credentials (read-only check: "
                    + outcome.detail() + "): fix the token or key (and its permissions) in the config");
        };
    }

    private static Finding summary(List<Finding> findings) {
        List<String> blocking = findings.stream().filter(Finding::blocks).map(Finding::subject).distinct().toList();
        if (blocking.isEmpty()) {
            long warnings = findings.stream().filter(f -> f.level() == Finding.Level.WARNING).count();
            return Finding.ok("summary", "nothing blocks this config's mappings or DNS"
                    + (warnings == 0 ? "" : " (" + warnings + " warning(s) above)"));
        }
        return Finding.blocking("summary", blocking.size() + " problem(s) to fix, see above: "
                + String.join(", ", blocking));
    }
}
