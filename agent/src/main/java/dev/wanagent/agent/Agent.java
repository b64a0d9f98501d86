package dev.wanagent.agent;

import dev.wanagent.config.AgentConfig;
import dev.wanagent.ddns.DnsProvider;
import dev.wanagent.ddns.DnsProviders;
import dev.wanagent.ddns.ProviderHttp;
import okhttp3.OkHttpClient;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/** Wires the modules together from a config: sources → WanMonitor → (MappingReconciler, UpdateDispatcher). */
final class Agent implements AutoCloseable {
    final AgentConfig config;
    final Optional<UpnpRouter> upnp;
    final Optional<SnmpWanSource> snmp;
    final Optional<PcpRouter> pcp;
    final Optional<OpenWrtWanSource> openwrt;
    /** The web echo: the last source, asked only while every router source fails. */
    final Optional<WebEcho> web;
    /** The mappings kept through PCP/NAT-PMP: always with UPnP disabled; while UPnP fails with both enabled. */
    final Optional<PcpMappings> pcpMappings;
    final List<WanSource> sources;
    final MappingReconciler reconciler;
    /** The LAN's IPv6 as this host sees it: the served address for AAAA records and pinholes. */
    final HostIpv6 hostIpv6;
    /** The DNS provider accounts, in config order. */
    final List<DnsProvider> providers;
    final UpdateDispatcher dispatcher;
    final WanMonitor monitor;
    private final OkHttpClient http;
    /** Counted for GET /metrics: only when {@code run}/{@code once} serve a status listener. */
    final Optional<Metrics> metrics;
    /** The {@code notify:} hooks: only when configured, for {@code run} and {@code once}. */
    private final Optional<Notifier> notifier;

    final StateStore store;

    /**
     * @param changesState true for the commands that push DNS and keep state (run, once): a state file that does
     *                     not validate is set aside; false for read-only commands, which leave the file as it is
     */
    Agent(AgentConfig config, Clock clock, boolean changesState) {
        this.config = config;
        // TLS unless all that is reached over HTTP is plain http: a TLS client loads the JDK's trust store when built
        // (notification hooks are taken to be on https)
        boolean tls = DnsProviders.anyOverTls(config.providers()) || !config.notifications().isEmpty()
                || (config.router().web().enabled() && config.router().web().urls().stream()
                .anyMatch(u -> !"http".equalsIgnoreCase(u.getScheme())));
        this.http = ProviderHttp.newClient(tls);
        this.metrics = changesState && config.statusListen().isPresent() ? Optional.of(new Metrics())
                : Optional.empty();
        this.notifier = changesState && !config.notifications().isEmpty()
                ? Optional.of(new Notifier(config.notifications(), http, metrics.orElse(null), Backoff.NOTIFY,
                        () -> ThreadLocalRandom.current().nextDouble()))
                : Optional.empty();
        Events events = new Events(metrics.orElse(null), notifier.isPresent() ? notifier.get()::send : null, clock);
        this.upnp = config.router().upnp().enabled() ? Optional.of(new UpnpRouter(config.router().upnp(), events))
                : Optional.empty();
        this.snmp = config.router().snmp().enabled() ? Optional.of(new SnmpWanSource(config.router().snmp()))
                : Optional.empty();
        this.pcp = config.router().pcp().enabled() ? Optional.of(new PcpRouter(config.router().pcp()))
                : Optional.empty();
        this.openwrt = config.router().openwrt().enabled()
                ? Optional.of(new OpenWrtWanSource(config.router().openwrt())) : Optional.empty();
        SecureRandom random = new SecureRandom();
        this.web = config.router().web().enabled()
                ? Optional.of(new WebEcho(config.router().web(), http, clock, random::nextDouble)) : Optional.empty();
        List<WanSource> s = new ArrayList<>();
        for (String name : config.router().sourceOrder()) {
            (switch (name) {
                case "upnp" -> upnp.<WanSource>map(u -> u);
                case "snmp" -> snmp.<WanSource>map(n -> n);
                case "openwrt" -> openwrt.<WanSource>map(o -> o);
                default -> pcp.<WanSource>map(p -> p);
            }).ifPresent(s::add);
        }
        web.ifPresent(s::add);
        this.sources = List.copyOf(s);
        // HA runs over UPnP when it is enabled, else over PCP/NAT-PMP
        this.pcpMappings = pcp.map(p -> new PcpMappings(config.mappings(), p, clock, events,
                upnp.isEmpty() ? config.ha() : null));
        this.hostIpv6 = new HostIpv6(config.router().upnp().networkInterface(), config.hostId6());
        Pinholes pinholes = config.router().upnp().enabled() && config.router().upnp().pinholes()
                && !config.mappings().isEmpty() ? new Pinholes(config.mappings(), config.hostId6().isPresent(), clock)
                : null;
        this.reconciler = new MappingReconciler(config.mappings(), upnp.orElse(null), pcpMappings.orElse(null),
                pinholes, config.ha(), clock, events);
        this.providers = config.providers().stream().map(p -> DnsProviders.create(p, http)).toList();
        this.store = new StateStore(config.stateDir());
        this.dispatcher = new UpdateDispatcher(providers, changesState ? store.open() : store.read().state(), store,
                ConfigFingerprint.in(config.stateDir()), clock, random::nextDouble, events);
        this.monitor = new WanMonitor(sources, reconciler, dispatcher, hostIpv6, config.pollInterval(), clock, events);
    }

    Optional<WanSource> source(String name) {
        return sources.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    @Override
    public void close() {
        upnp.ifPresent(UpnpRouter::close);
        snmp.ifPresent(SnmpWanSource::close);
        pcp.ifPresent(PcpRouter::close);
        notifier.ifPresent(Notifier::close);
        dispatcher.close();
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }
}
