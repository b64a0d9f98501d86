package dev.wanagent.agent;

import dev.wanagent.agent.StateStore.RecordState;
import dev.wanagent.agent.StateStore.RecordType;
import dev.wanagent.agent.StateStore.State;
import dev.wanagent.agent.StateStore.Status;
import dev.wanagent.config.Ipv6Source;
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
import java.util.concurrent.TimeoutException;
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
 * Each record's outcome is saved (atomically) as soon as its provider answers, so a stop while another provider is
 * still slow loses nothing that was confirmed.
 */
final class UpdateDispatcher {
    private static final Logger LOG = LoggerFactory.getLogger(UpdateDispatcher.class);
    /** The longest a pass waits for the providers; each call has its own, shorter, timeouts. */
    static final Duration CALL_LIMIT = Duration.ofSeconds(60);

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
    /** Set by {@link #tookOver()} until the next dispatch. */
    private boolean readFirst;
    /** A record read after a takeover that holds the address already. */
    static final String HELD_ALREADY = "DNS holds it already, read after the HA takeover: not sent";
    private final Map<RecordType, InetAddress> lastRefused = new LinkedHashMap<>();
    /** Where a record's address comes from: A from the router; AAAA from the router or the served host. */
    private enum Family { A, AAAA_ROUTER, AAAA_HOST }

    /** The families that had a publishable address at the last dispatch: only their records fall due. */
    private final Set<Family> publishable = java.util.EnumSet.noneOf(Family.class);

    private final Events events;
    /** The addresses the last dispatch read, each with when it was first read (its change-to-DNS clock's start). */
    private Map<InetAddress, Instant> firstRead = new java.util.HashMap<>();

    private static Family aaaaFamily(DnsProvider p) {
        return p.config().common().ipv6Source() == Ipv6Source.ROUTER ? Family.AAAA_ROUTER : Family.AAAA_HOST;
    }

    UpdateDispatcher(List<DnsProvider> providers, State initial, StateStore store, ConfigFingerprint fingerprints,
                     Clock clock, DoubleSupplier jitter) {
        this(providers, LiveDns::lookup, initial, store, fingerprints, clock, jitter, Events.NONE);
    }

    UpdateDispatcher(List<DnsProvider> providers, State initial, StateStore store, ConfigFingerprint fingerprints,
                     Clock clock, DoubleSupplier jitter, Events events) {
        this(providers, LiveDns::lookup, initial, store, fingerprints, clock, jitter, events);
    }

    UpdateDispatcher(List<DnsProvider> providers, LiveRecords live, State initial, StateStore store,
                     ConfigFingerprint fingerprints, Clock clock, DoubleSupplier jitter) {
        this(providers, live, initial, store, fingerprints, clock, jitter, Events.NONE);
    }

    UpdateDispatcher(List<DnsProvider> providers, LiveRecords live, State initial, StateStore store,
                     ConfigFingerprint fingerprints, Clock clock, DoubleSupplier jitter, Events events) {
        this.events = events;
        this.providers = providers;
        this.live = live;
        this.store = store;
        this.fingerprints = fingerprints;
        this.clock = clock;
        this.jitter = jitter;
        this.state = initial;
    }

    State state() {
        return state;
    }

    /**
     * This host has just taken the mappings over (HA). Its state file cannot tell what DNS holds now: the host that
     * was active pushed what this one never did (an unchanged address, its own AAAA, a change this host's state
     * never saw). So the next dispatch trusts no record's state: each record it would send, or leave as it is, is
     * first read from DNS (the {@code verifyDns} lookup, on {@code verifyDnsServer} or the system's resolver,
     * whether {@code verifyDns} is on or not). A record that holds exactly the address is done without a send; any
     * other answer, or a lookup that fails, sends it. The reads run with the provider calls, one provider's next to
     * another's.
     */
    synchronized void tookOver() {
        readFirst = true;
    }

    /**
     * Keeps the high-availability picture in the state file (for {@code status}), saving only when it changed
     * (a standby looks every few seconds); empty clears what an earlier run with HA left.
     */
    synchronized void noteHa(Optional<StateStore.HaState> ha) {
        Optional<StateStore.HaState> was = state.ha();
        boolean same = ha.isEmpty() ? was.isEmpty() : was.isPresent() && was.get().sameAs(ha.get());
        if (same) return;
        state = state.withHa(ha);
        save();
    }

    /**
     * The earliest time after {@code now} that a configured record falls due by itself: a back-off ending, or a
     * forced refresh. Records of hostnames no longer configured, refused records and records of a family without a
     * publishable address (it cannot be sent until the address changes, which is a pass of its own) never do.
     */
    synchronized Optional<Instant> nextDue(Instant now) {
        Optional<Instant> earliest = Optional.empty();
        for (DnsProvider p : providers) {
            for (String h : p.hostnames()) {
                for (RecordType type : RecordType.values()) {
                    boolean fallsDue = type == RecordType.A ? publishable.contains(Family.A)
                            : p.ipv6() && publishable.contains(aaaaFamily(p));
                    if (!fallsDue) continue;
                    Optional<RecordState> r = state.record(p.label(), h, type);
                    Optional<Instant> due = r.flatMap(rs -> switch (rs.status()) {
                        case RETRY -> Optional.of(rs.retryAt());
                        case SUCCESS -> Optional.of(rs.updatedAt().plus(p.forceRefresh()));
                        case FATAL -> Optional.empty();
                    });
                    if (due.isPresent() && due.get().isAfter(now)
                            && (earliest.isEmpty() || due.get().isBefore(earliest.get()))) {
                        earliest = due;
                    }
                }
            }
        }
        return earliest;
    }

    /** Without an IPv6 address of the served host (AAAA records of {@code ipv6Source: host} are not touched). */
    List<RecordResult> dispatch(WanAddress wan, String source) {
        return dispatch(wan, Optional.empty(), source);
    }

    /**
     * Pushes {@code wan}'s IPv4 address to every A record, and to AAAA records the router's IPv6 address
     * ({@code ipv6Source: router}) or the served host's ({@code hostIpv6}, the default).
     */
    List<RecordResult> dispatch(WanAddress wan, Optional<? extends InetAddress> hostIpv6, String source) {
        Map<String, RecordResult> results = new LinkedHashMap<>(); // in plan order; null until the provider answers
        Map<DnsProvider, Map<InetAddress, List<String>>> work = new LinkedHashMap<>();
        Set<String> toRead = new java.util.HashSet<>(); // records to read from DNS before sending (after a takeover)
        Instant now = clock.instant();
        synchronized (this) {
            State before = state;
            boolean reading = readFirst;
            readFirst = false;
            noteWan(wan.ipv4(), source, now);
            Optional<InetAddress> v4 = publishable(wan.ipv4(), source);
            Optional<InetAddress> host6 = hostIpv6.map(a -> a);
            noteRead(java.util.stream.Stream.of(Optional.of(wan.ipv4()), wan.ipv6(), host6).flatMap(Optional::stream)
                    .toList(), now);
            boolean routerV6Wanted = providers.stream().anyMatch(p -> p.ipv6() && aaaaFamily(p) == Family.AAAA_ROUTER);
            boolean hostV6Wanted = providers.stream().anyMatch(p -> p.ipv6() && aaaaFamily(p) == Family.AAAA_HOST);
            Optional<InetAddress> v6router = routerV6Wanted ? wan.ipv6().flatMap(a -> publishable(a, source))
                    : Optional.empty();
            Optional<InetAddress> v6host = hostV6Wanted ? host6.flatMap(a -> publishable(a, "this host"))
                    : Optional.empty();
            publishable.clear();
            v4.ifPresent(a -> publishable.add(Family.A));
            v6router.ifPresent(a -> publishable.add(Family.AAAA_ROUTER));
            v6host.ifPresent(a -> publishable.add(Family.AAAA_HOST));
            for (DnsProvider p : providers) {
                String fingerprint = fingerprints.of(p.config());
                boolean fromRouter = aaaaFamily(p) == Family.AAAA_ROUTER;
                Optional<InetAddress> read6 = fromRouter ? wan.ipv6() : host6;
                for (String h : p.hostnames()) {
                    plan(p, h, RecordType.A, v4, wan.ipv4(), fingerprint, now, reading, work, toRead, results);
                    if (p.ipv6() && read6.isPresent()) {
                        plan(p, h, RecordType.AAAA, fromRouter ? v6router : v6host, read6.get(), fingerprint, now,
                                reading, work, toRead, results);
                    }
                }
            }
            if (work.isEmpty()) {
                if (state != before) save();
                return List.copyOf(results.values());
            }
        }
        List<CompletableFuture<Void>> calls = new ArrayList<>();
        work.forEach((p, byAddress) -> byAddress.forEach((address, hosts) -> calls.add(
                CompletableFuture.runAsync(() -> call(p, hosts, address, toRead, results), pool))));
        try {
            CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new))
                    .get(CALL_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.warn("providers still busy after {} s: their records are tried again later", CALL_LIMIT.toSeconds());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException e) {
            LOG.warn("an update call failed: {}", e.getCause().getClass().getSimpleName());
        }
        synchronized (this) {
            work.forEach((p, byAddress) -> byAddress.forEach((address, hosts) -> {
                for (String h : hosts) {
                    String key = key(p, h, typeOf(address));
                    if (results.get(key) == null) {
                        events.providerUpdate(p.label(), UpdateOutcome.Kind.RETRY);
                        // no answer within the limit: a retry like any other transient failure
                        results.put(key, record(p, h, address, UpdateOutcome.retry("the provider gave no answer in "
                                + CALL_LIMIT.toSeconds() + " s"), fingerprints.of(p.config()), clock.instant()));
                    }
                }
            }));
            save();
            return List.copyOf(results.values());
        }
    }

    /**
     * One provider call, for the records of {@code hosts} that still need it after those in {@code toRead} were read
     * from DNS; its answers are recorded and saved at once, whatever the other providers are doing.
     */
    private void call(DnsProvider p, List<String> hosts, InetAddress address, Set<String> toRead,
                      Map<String, RecordResult> results) {
        List<String> send = toRead.isEmpty() ? hosts : notInDnsYet(p, hosts, address, toRead, results);
        if (send.isEmpty()) return;
        Map<String, UpdateOutcome> outcomes = null;
        try {
            outcomes = p.update(send, address);
        } catch (RuntimeException e) {
            LOG.warn("{}: the update call failed: {}", p.label(), e.getClass().getSimpleName());
        }
        answered(p, send, address, outcomes == null ? Map.of() : outcomes, results);
    }

    /**
     * Reads each of {@code hosts}' records in {@code toRead} from DNS: one that holds exactly {@code address} is
     * recorded as done; the others are returned, to be sent. After a lookup that fails the rest are not read (sent:
     * one update too many rather than a record left wrong, and no second wait for a DNS server that does not answer).
     */
    private List<String> notInDnsYet(DnsProvider p, List<String> hosts, InetAddress address, Set<String> toRead,
                                     Map<String, RecordResult> results) {
        RecordType type = typeOf(address);
        List<String> send = new ArrayList<>();
        boolean dnsAnswers = true;
        for (String h : hosts) {
            if (dnsAnswers && toRead.contains(key(p, h, type))) {
                try {
                    Set<InetAddress> inDns = live.lookup(h, type == RecordType.AAAA,
                            p.config().common().verifyDnsServer());
                    if (inDns.equals(Set.of(address))) {
                        heldAlready(p, h, address, results);
                        continue;
                    }
                    LOG.info("{} {} {}: after the HA takeover DNS answers {}: sending {}", p.label(), h, type,
                            inDns.isEmpty() ? "no address" : inDns, address.getHostAddress());
                } catch (IOException | RuntimeException e) {
                    dnsAnswers = false;
                    LOG.info("{} {} {}: cannot read the record after the HA takeover ({}): sending {}", p.label(), h,
                            type, e.getMessage(), address.getHostAddress());
                }
            }
            send.add(h);
        }
        return send;
    }

    private synchronized void heldAlready(DnsProvider p, String host, InetAddress address,
                                          Map<String, RecordResult> results) {
        results.put(key(p, host, typeOf(address)), record(p, host, address, UpdateOutcome.success(HELD_ALREADY),
                fingerprints.of(p.config()), clock.instant()));
        save();
    }

    /** One provider call's answers: recorded and saved at once, whatever the other providers are doing. */
    private synchronized void answered(DnsProvider p, List<String> hosts, InetAddress address,
                                       Map<String, UpdateOutcome> outcomes, Map<String, RecordResult> results) {
        String fingerprint = fingerprints.of(p.config());
        for (String h : hosts) {
            UpdateOutcome o = outcomes.getOrDefault(h, UpdateOutcome.retry("the provider gave no answer for it"));
            events.providerUpdate(p.label(), o.kind());
            RecordType type = typeOf(address);
            boolean newAddress = !address.getHostAddress().equals(state.record(p.label(), h, type)
                    .map(RecordState::address).orElse(null));
            Instant now = clock.instant();
            results.put(key(p, h, type), record(p, h, address, o, fingerprint, now));
            Instant since = firstRead.get(address);
            if (o.kind() == UpdateOutcome.Kind.SUCCESS && newAddress && since != null) {
                events.changeToDns(Duration.between(since, now));
            }
        }
        save();
    }

    /** Keeps when each address read was first read: a new address starts its change-to-DNS clock. */
    private void noteRead(List<InetAddress> read, Instant now) {
        Map<InetAddress, Instant> next = new java.util.HashMap<>();
        for (InetAddress a : read) next.put(a, firstRead.getOrDefault(a, now));
        firstRead = next;
    }

    private static String key(DnsProvider p, String host, RecordType type) {
        return p.label() + "\n" + host + "\n" + type;
    }

    private static RecordType typeOf(InetAddress a) {
        return a instanceof Inet6Address ? RecordType.AAAA : RecordType.A;
    }

    /** Logs a new WAN address once and keeps it in the state. */
    private void noteWan(InetAddress address, String source, Instant now) {
        String addr = address.getHostAddress();
        if (addr.equals(state.wanAddress())) return;
        LOG.info("WAN address is {} (from {}{})", addr, source, state.wanAddress() == null ? "" : ", was " + state.wanAddress());
        state = state.withWan(addr, source, now);
    }

    private Optional<InetAddress> publishable(InetAddress address, String source) {
        RecordType family = typeOf(address);
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

    /**
     * Decides one record: done, backing off, stopped, or to be sent ({@code work}). {@code reading} (the first
     * dispatch after an HA takeover, {@link #tookOver()}): the state's success does not count, and a record to be sent
     * is read from DNS first ({@code toRead}) unless {@code verifyDns} has just read it.
     */
    private void plan(DnsProvider p, String host, RecordType type, Optional<InetAddress> publishable, InetAddress read,
                      String fingerprint, Instant now, boolean reading,
                      Map<DnsProvider, Map<InetAddress, List<String>>> work, Set<String> toRead,
                      Map<String, RecordResult> results) {
        String key = key(p, host, type);
        if (publishable.isEmpty()) {
            results.put(key, new RecordResult(p.label(), host, type.name(), false, "not published: "
                    + read.getHostAddress() + " " + PublicAddress.whyNotPublic(read).orElse("")));
            return;
        }
        String addr = publishable.get().getHostAddress();
        RecordState r = state.record(p.label(), host, type).orElse(null);
        if (r != null && r.status() == Status.FATAL && fingerprint.equals(r.fingerprint())) {
            results.put(key, new RecordResult(p.label(), host, type.name(), false, "stopped: " + r.result()
                    + " (until the provider's config changes)"));
        } else if (!reading && r != null && addr.equals(r.address()) && r.status() == Status.SUCCESS
                && now.isBefore(r.updatedAt().plus(p.forceRefresh()))) {
            Optional<Set<InetAddress>> inDns = now.isAfter(r.updatedAt().plus(VERIFY_GRACE))
                    ? liveRecords(p, host, type) : Optional.empty();
            if (inDns.isPresent() && !inDns.get().contains(publishable.get())) {
                LOG.info("{} {} {}: DNS answers {} instead of {}: sending it again (verifyDns)", p.label(), host, type,
                        inDns.get(), addr);
                results.put(key, null);
                work.computeIfAbsent(p, k -> new LinkedHashMap<>())
                        .computeIfAbsent(publishable.get(), k -> new ArrayList<>()).add(host);
            } else {
                results.put(key, new RecordResult(p.label(), host, type.name(), true, "unchanged (" + r.result() + ")"));
            }
        } else if (r != null && r.status() == Status.RETRY && addr.equals(r.attemptedAddress())
                && now.isBefore(r.retryAt())) {
            results.put(key, new RecordResult(p.label(), host, type.name(), false, "backing off until " + r.retryAt()
                    + " after: " + r.result()));
        } else if (liveRecords(p, host, type).filter(a -> a.equals(Set.of(publishable.get()))).isPresent()) {
            // DNS already holds exactly this address (a new state file, a restore): sending it would be a no-change
            // update, which some providers count as abuse
            results.put(key, record(p, host, publishable.get(), UpdateOutcome.success("already in DNS (verifyDns)"),
                    fingerprint, now));
        } else {
            if (reading && !p.config().common().verifyDns()) {
                toRead.add(key);
            } else if (r != null && addr.equals(r.address()) && r.status() == Status.SUCCESS) {
                LOG.info("{} {} {}: sending the unchanged address {}", p.label(), host, type, reading
                        ? "(DNS answers otherwise, or cannot be asked, after the HA takeover)"
                        : "again (forceRefresh " + p.forceRefresh().toDays() + " d)");
            }
            results.put(key, null);
            work.computeIfAbsent(p, k -> new LinkedHashMap<>())
                    .computeIfAbsent(publishable.get(), k -> new ArrayList<>()).add(host);
        }
    }

    /** What DNS answers for the record, when the provider asks for {@code verifyDns}; empty when off or failed. */
    private Optional<Set<InetAddress>> liveRecords(DnsProvider p, String host, RecordType type) {
        ProviderCommon common = p.config().common();
        if (!common.verifyDns()) return Optional.empty();
        try {
            return Optional.of(live.lookup(host, type == RecordType.AAAA, common.verifyDnsServer()));
        } catch (IOException e) {
            LOG.debug("{} {} {}: verifyDns lookup failed ({}); deciding from the state", p.label(), host, type,
                    e.getMessage());
            return Optional.empty();
        }
    }

    private RecordResult record(DnsProvider p, String host, InetAddress address, UpdateOutcome o, String fingerprint,
                                Instant now) {
        RecordType type = typeOf(address);
        String addr = address.getHostAddress();
        RecordState prev = state.record(p.label(), host, type).orElse(null);
        String prevAddress = prev == null ? null : prev.address();
        Instant prevUpdated = prev == null ? null : prev.updatedAt();
        RecordState next;
        switch (o.kind()) {
            case SUCCESS -> {
                LOG.info("{} {} {}: now {} ({})", p.label(), host, type, addr, o.detail());
                if (prev != null && prev.status() != Status.SUCCESS) {
                    events.providerRecovered(p.label(), host + " " + type, address, o.detail());
                }
                next = new RecordState(p.label(), host, type, addr, now, Status.SUCCESS, o.detail(), addr, 0, null,
                        fingerprint);
            }
            case RETRY -> {
                int failures = prev == null || prev.status() != Status.RETRY ? 1 : prev.failures() + 1;
                Duration wait = backoff(failures);
                if (o.retryAfter().isPresent() && o.retryAfter().get().compareTo(wait) > 0) wait = o.retryAfter().get();
                Instant retryAt = now.plus(wait);
                LOG.warn("{} {} {}: update to {} failed ({}); retrying after {}", p.label(), host, type, addr, o.detail(),
                        retryAt);
                if (prev == null || prev.status() == Status.SUCCESS) {
                    events.providerFailed(p.label(), host + " " + type, address, o.detail());
                }
                next = new RecordState(p.label(), host, type, prevAddress, prevUpdated,
                        Status.RETRY, o.detail(), addr, failures, retryAt,
                        fingerprint);
            }
            default -> {
                LOG.error("{} {} {}: the provider refused the update: {}. Not trying this record again until the"
                        + " provider's config changes", p.label(), host, type, o.detail());
                if (prev == null || prev.status() != Status.FATAL) {
                    events.providerFailed(p.label(), host + " " + type, address, o.detail()
                            + " (stopped until the provider's config changes)");
                }
                next = new RecordState(p.label(), host, type, prevAddress, prevUpdated, Status.FATAL, o.detail(), addr,
                        prev == null ? 1 : prev.failures() + 1, null, fingerprint);
            }
        }
        state = state.with(next);
        return new RecordResult(p.label(), host, type.name(), o.kind() == UpdateOutcome.Kind.SUCCESS, o.detail());
    }

    private void save() {
        try {
            store.save(state);
        } catch (IOException e) {
            LOG.error("cannot save state to {}: {}", store.file(), e.getMessage());
        }
    }

    /** The provider back-off ({@link Backoff#PROVIDER}) after {@code failures} consecutive failures. */
    Duration backoff(int failures) {
        return Backoff.PROVIDER.after(failures, jitter);
    }

    void close() {
        pool.shutdownNow();
    }
}
