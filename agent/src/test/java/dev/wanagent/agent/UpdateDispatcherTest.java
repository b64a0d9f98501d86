package dev.wanagent.agent;

import dev.wanagent.config.Dyndns2ProviderConfig;
import dev.wanagent.config.Ipv6Source;
import dev.wanagent.config.ProviderCommon;
import dev.wanagent.config.Secret;
import dev.wanagent.ddns.DnsProvider;
import dev.wanagent.ddns.UpdateOutcome;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

class UpdateDispatcherTest {
    @TempDir
    Path stateDir;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T10:00:00Z"));
    private final List<UpdateDispatcher> made = new ArrayList<>();

    private UpdateDispatcher dispatcher(DnsProvider... providers) throws Exception {
        UpdateDispatcher d = new UpdateDispatcher(List.of(providers), new StateStore(stateDir).open(), new StateStore(stateDir),
                ConfigFingerprint.in(stateDir), clock, () -> 0.5);
        made.add(d);
        return d;
    }

    @AfterEach
    void close() {
        made.forEach(UpdateDispatcher::close);
    }

    private static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }

    private static WanAddress wan(String v4) throws Exception {
        return WanAddress.ipv4Only(ip(v4));
    }

    private static Dyndns2ProviderConfig config(String user, List<String> hosts, boolean ipv6, String password) {
        return new Dyndns2ProviderConfig(new ProviderCommon(hosts, ipv6, ProviderCommon.DEFAULT_FORCE_REFRESH),
                URI.create("https://dyn.example.net"), user, new Secret(password), false);
    }

    /** A provider whose every answer is of {@code kind}; its config is real, its update() is recorded. */
    private static DnsProvider provider(Dyndns2ProviderConfig config, UpdateOutcome outcome) {
        DnsProvider p = mock(DnsProvider.class, withSettings().defaultAnswer(inv -> inv.getMethod().isDefault()
                ? inv.callRealMethod() : null));
        when(p.config()).thenReturn(config);
        when(p.update(anyList(), any())).thenAnswer(inv -> {
            List<String> asked = inv.getArgument(0);
            Map<String, UpdateOutcome> out = new LinkedHashMap<>();
            for (String h : asked) out.put(h, outcome);
            return out;
        });
        return p;
    }

    static DnsProvider provider(String user, List<String> hosts, UpdateOutcome outcome) {
        return provider(config(user, hosts, false, "pw"), outcome);
    }

    @Test
    void pushesOnceAndARestartWithTheSameAddressSendsNothing() throws Exception {
        DnsProvider p = provider("me", List.of("a.example.net", "b.example.net"), UpdateOutcome.success("good"));
        List<UpdateDispatcher.RecordResult> first = dispatcher(p).dispatch(wan("11.22.33.44"), "upnp");
        assertEquals(2, first.size());
        assertTrue(first.stream().allMatch(UpdateDispatcher.RecordResult::ok));
        verify(p, times(1)).update(List.of("a.example.net", "b.example.net"), ip("11.22.33.44"));

        // a new process (same state dir), same address: no request at all
        List<UpdateDispatcher.RecordResult> again = dispatcher(p).dispatch(wan("11.22.33.44"), "upnp");
        assertTrue(again.stream().allMatch(r -> r.ok() && r.detail().startsWith("unchanged")), again.toString());
        verify(p, times(1)).update(anyList(), any());

        // the address changes: pushed again
        dispatcher(p).dispatch(wan("11.22.33.45"), "upnp");
        verify(p, times(1)).update(List.of("a.example.net", "b.example.net"), ip("11.22.33.45"));
    }

    @Test
    void anUnchangedAddressIsSentAgainAfterForceRefresh() throws Exception {
        DnsProvider p = provider("me", List.of("a.example.net"), UpdateOutcome.success("nochg"));
        UpdateDispatcher d = dispatcher(p);
        d.dispatch(wan("11.22.33.44"), "upnp");
        assertEquals(clock.instant().plus(Duration.ofDays(25)), d.nextDue(clock.instant()).orElseThrow());
        clock.advance(Duration.ofDays(24));
        d.dispatch(wan("11.22.33.44"), "upnp");
        verify(p, times(1)).update(anyList(), any());
        clock.advance(Duration.ofDays(1).plusMinutes(1));
        d.dispatch(wan("11.22.33.44"), "upnp");
        verify(p, times(2)).update(anyList(), any());
    }

    @Test
    void neverPublishesNonPublicAddresses() throws Exception {
        DnsProvider p = provider("me", List.of("a.example.net"), UpdateOutcome.success("good"));
        UpdateDispatcher d = dispatcher(p);
        for (String bad : List.of("0.0.0.0", "192.168.1.20", "10.0.0.1", "100.64.1.1", "127.0.0.1", "169.254.1.1")) {
            List<UpdateDispatcher.RecordResult> r = d.dispatch(wan(bad), "upnp");
            assertFalse(r.get(0).ok(), bad);
            assertTrue(r.get(0).detail().startsWith("not published: " + bad), r.get(0).detail());
        }
        verify(p, never()).update(anyList(), any());
        assertTrue(new StateStore(stateDir).read().state().records().isEmpty());
    }

    @Test
    void transientFailuresBackOffExponentially() throws Exception {
        DnsProvider p = provider("me", List.of("a.example.net"), UpdateOutcome.retry("911"));
        UpdateDispatcher d = dispatcher(p);
        d.dispatch(wan("11.22.33.44"), "upnp");
        verify(p, times(1)).update(anyList(), any());
        assertEquals(Instant.parse("2026-11-25T10:01:00Z"), d.nextDue(clock.instant()).orElseThrow(), "first back-off is 1 min");

        clock.advance(Duration.ofSeconds(30));
        assertTrue(d.dispatch(wan("11.22.33.44"), "upnp").get(0).detail().startsWith("backing off until"));
        verify(p, times(1)).update(anyList(), any());

        clock.advance(Duration.ofSeconds(31));
        d.dispatch(wan("11.22.33.44"), "upnp");
        verify(p, times(2)).update(anyList(), any());
        assertEquals(clock.instant().plus(Duration.ofMinutes(2)), d.nextDue(clock.instant()).orElseThrow(), "then 2 min");

        assertEquals(Duration.ofMinutes(4), d.backoff(3));
        assertEquals(Duration.ofMinutes(30), d.backoff(6), "capped at 30 min");
        assertEquals(Duration.ofMinutes(30), d.backoff(60));
    }

    @Test
    void anAbuseHoldLastsAtLeastAnHour() throws Exception {
        DnsProvider p = provider("me", List.of("a.example.net"),
                UpdateOutcome.retryAfter("abuse", Duration.ofHours(1)));
        UpdateDispatcher d = dispatcher(p);
        d.dispatch(wan("11.22.33.44"), "upnp");
        assertEquals(clock.instant().plus(Duration.ofHours(1)), d.nextDue(clock.instant()).orElseThrow());
        clock.advance(Duration.ofMinutes(59));
        d.dispatch(wan("11.22.33.44"), "upnp");
        verify(p, times(1)).update(anyList(), any());
    }

    @Test
    void refusedRecordsStayStoppedAcrossRestartsUntilTheConfigChanges() throws Exception {
        DnsProvider refused = provider(config("me", List.of("a.example.net"), false, "wrong"), UpdateOutcome.fatal("badauth"));
        DnsProvider fine = provider("other", List.of("b.example.net"), UpdateOutcome.success("good"));
        dispatcher(refused, fine).dispatch(wan("11.22.33.44"), "upnp");
        clock.advance(Duration.ofHours(2));
        // a restart with the same config: still stopped, no request
        List<UpdateDispatcher.RecordResult> r = dispatcher(refused, fine).dispatch(wan("11.22.33.45"), "upnp");
        verify(refused, times(1)).update(anyList(), any());
        assertTrue(r.get(0).detail().startsWith("stopped: badauth"), r.toString());
        assertTrue(r.get(1).ok());
        // the password is fixed: the record is tried again
        DnsProvider fixed = provider(config("me", List.of("a.example.net"), false, "right"), UpdateOutcome.success("good"));
        dispatcher(fixed, fine).dispatch(wan("11.22.33.45"), "upnp");
        verify(fixed, times(1)).update(List.of("a.example.net"), ip("11.22.33.45"));
    }

    @Test
    void aaaaRecordsCarryTheServedHostsAddressUnlessTheProviderAsksForTheRouters() throws Exception {
        DnsProvider v6 = provider(config("six", List.of("a.example.net"), true, "pw"), UpdateOutcome.success("good"));
        DnsProvider v4 = provider(config("four", List.of("b.example.net"), false, "pw"), UpdateOutcome.success("good"));
        Dyndns2ProviderConfig routerSix = new Dyndns2ProviderConfig(new ProviderCommon(List.of("r.example.net"), true,
                ProviderCommon.DEFAULT_FORCE_REFRESH, false, Optional.empty(), Ipv6Source.ROUTER),
                URI.create("https://dyn.example.net"), "rsix", new Secret("pw"), false);
        DnsProvider onRouter = provider(routerSix, UpdateOutcome.success("good"));
        WanAddress both = new WanAddress(ip("11.22.33.44"), Optional.of(ip("2a00:1450:4001:80b::200e")));
        Optional<InetAddress> host = Optional.of(ip("2a00:77:77::100"));
        List<UpdateDispatcher.RecordResult> r = dispatcher(v6, v4, onRouter).dispatch(both, host, "snmp");
        verify(v6).update(List.of("a.example.net"), ip("11.22.33.44"));
        verify(v6).update(List.of("a.example.net"), ip("2a00:77:77::100"));
        verify(v6, never()).update(anyList(), eq(ip("2a00:1450:4001:80b::200e")));
        verify(v4, times(1)).update(anyList(), any());
        verify(onRouter).update(List.of("r.example.net"), ip("2a00:1450:4001:80b::200e"));
        assertEquals(List.of("A", "AAAA", "A", "A", "AAAA"), r.stream().map(UpdateDispatcher.RecordResult::type).toList());
        // no address of the served host known: its AAAA records are left alone (the router's WAN IPv6 never stands in)
        DnsProvider alone = provider(config("alone", List.of("c.example.net"), true, "pw"), UpdateOutcome.success("good"));
        List<UpdateDispatcher.RecordResult> noHost = dispatcher(alone).dispatch(both, Optional.empty(), "snmp");
        assertEquals(List.of("A"), noHost.stream().map(UpdateDispatcher.RecordResult::type).toList());
        verify(alone, never()).update(anyList(), eq(ip("2a00:1450:4001:80b::200e")));
        // a ULA is never published
        List<UpdateDispatcher.RecordResult> ula = dispatcher(v6).dispatch(wan("11.22.33.44"),
                Optional.of(ip("fd00::1")), "snmp");
        assertTrue(ula.stream().anyMatch(x -> x.type().equals("AAAA") && x.detail().startsWith("not published: fd00")));
    }

    @Test
    void verifyDnsSkipsWhatDnsHoldsAndRepairsWhatChangedBehindOurBack() throws Exception {
        Dyndns2ProviderConfig verifying = new Dyndns2ProviderConfig(new ProviderCommon(List.of("a.example.net"), false,
                ProviderCommon.DEFAULT_FORCE_REFRESH, true, Optional.of("192.0.2.53")), URI.create("https://dyn.example.net"),
                "me", new Secret("pw"), false);
        DnsProvider p = provider(verifying, UpdateOutcome.success("good"));
        java.util.concurrent.atomic.AtomicReference<java.util.Set<InetAddress>> dns =
                new java.util.concurrent.atomic.AtomicReference<>(java.util.Set.of(ip("11.22.33.44")));
        List<String> asked = new ArrayList<>();
        UpdateDispatcher d = new UpdateDispatcher(List.of(p), (host, v6, server) -> {
            asked.add(host + " " + (v6 ? "AAAA" : "A") + " @" + server.orElse("system"));
            return dns.get();
        }, new StateStore(stateDir).open(), new StateStore(stateDir), ConfigFingerprint.in(stateDir), clock, () -> 0.5);
        made.add(d);

        // a fresh state, DNS already holds the address: nothing is sent
        List<UpdateDispatcher.RecordResult> r = d.dispatch(wan("11.22.33.44"), "upnp");
        assertEquals("already in DNS (verifyDns)", r.get(0).detail());
        verify(p, never()).update(anyList(), any());
        assertEquals(List.of("a.example.net A @192.0.2.53"), asked);

        // within the grace after an update DNS is not asked; after it, a record changed behind our back is repaired
        dns.set(java.util.Set.of(ip("6.6.6.6")));
        d.dispatch(wan("11.22.33.44"), "upnp");
        assertEquals(1, asked.size());
        verify(p, never()).update(anyList(), any());
        clock.advance(UpdateDispatcher.VERIFY_GRACE.plusSeconds(1));
        d.dispatch(wan("11.22.33.44"), "upnp");
        verify(p, times(1)).update(List.of("a.example.net"), ip("11.22.33.44"));

        // a failed lookup decides from the state, as without verifyDns
        UpdateDispatcher failing = new UpdateDispatcher(List.of(p), (host, v6, server) -> {
            throw new java.io.IOException("timeout");
        }, new StateStore(stateDir).open(), new StateStore(stateDir), ConfigFingerprint.in(stateDir), clock, () -> 0.5);
        made.add(failing);
        failing.dispatch(wan("11.22.33.45"), "upnp");
        verify(p, times(1)).update(List.of("a.example.net"), ip("11.22.33.45"));
    }

    /** What DNS answers per hostname in the takeover tests (absent: the lookup fails), and each lookup asked. */
    private final Map<String, Object> dns = new java.util.concurrent.ConcurrentHashMap<>();
    private final List<String> lookedUp = new java.util.concurrent.CopyOnWriteArrayList<>();

    private UpdateDispatcher withDns(DnsProvider... providers) {
        UpdateDispatcher d = new UpdateDispatcher(List.of(providers), (host, v6, server) -> {
            lookedUp.add(host + " " + (v6 ? "AAAA" : "A") + " @" + server.orElse("system"));
            Object answer = dns.get(host);
            if (answer == null) throw new java.io.IOException("no answer from the DNS server");
            @SuppressWarnings("unchecked") java.util.Set<InetAddress> held = (java.util.Set<InetAddress>) answer;
            return held;
        }, new StateStore(stateDir).open(), new StateStore(stateDir), ConfigFingerprint.in(stateDir), clock, () -> 0.5);
        made.add(d);
        return d;
    }

    @Test
    void afterAnHaTakeoverWhatDnsHoldsAlreadyIsNotSentEvenWithoutVerifyDns() throws Exception {
        DnsProvider p = provider("me", List.of("a.example.net", "b.example.net"), UpdateOutcome.success("good"));
        dns.put("a.example.net", java.util.Set.of(ip("11.22.33.44"))); // the other host pushed it
        dns.put("b.example.net", java.util.Set.of(ip("11.22.33.44"), ip("6.6.6.6"))); // not exactly it: sent
        UpdateDispatcher d = withDns(p);
        d.tookOver();
        List<UpdateDispatcher.RecordResult> r = d.dispatch(wan("11.22.33.44"), "upnp");
        assertEquals(List.of("a.example.net A @system", "b.example.net A @system"), lookedUp);
        verify(p, times(1)).update(anyList(), any());
        verify(p).update(List.of("b.example.net"), ip("11.22.33.44"));
        assertEquals(UpdateDispatcher.HELD_ALREADY, r.get(0).detail());
        assertTrue(r.get(0).ok() && r.get(1).ok(), r.toString());
        StateStore.RecordState saved = new StateStore(stateDir).read().state()
                .record(p.label(), "a.example.net", StateStore.RecordType.A).orElseThrow();
        assertEquals(StateStore.Status.SUCCESS, saved.status());
        assertEquals("11.22.33.44", saved.address());

        // only the first dispatch after the takeover reads: then the state decides, as always
        d.dispatch(wan("11.22.33.44"), "upnp");
        assertEquals(2, lookedUp.size());
        verify(p, times(1)).update(anyList(), any());
    }

    @Test
    void afterAnHaTakeoverAFailedReadSendsAndTheStateOfAnEarlierTurnIsNotTrusted() throws Exception {
        DnsProvider p = provider("me", List.of("a.example.net", "b.example.net"), UpdateOutcome.success("good"));
        dns.put("a.example.net", java.util.Set.of(ip("11.22.33.44")));
        dns.put("b.example.net", java.util.Set.of(ip("11.22.33.44")));
        UpdateDispatcher d = withDns(p);
        d.dispatch(wan("11.22.33.44"), "upnp"); // this host was active once and pushed it
        verify(p, times(1)).update(anyList(), any());
        assertTrue(lookedUp.isEmpty(), "no read without verifyDns or a takeover: a real change is not delayed");

        // then the other host was active and pushed another address; this host takes over again: its state says
        // 11.22.33.44 is done, DNS says otherwise
        dns.put("a.example.net", java.util.Set.of(ip("11.22.33.99")));
        dns.put("b.example.net", java.util.Set.of(ip("11.22.33.99")));
        d.tookOver();
        d.dispatch(wan("11.22.33.44"), "upnp");
        verify(p, times(2)).update(List.of("a.example.net", "b.example.net"), ip("11.22.33.44"));

        // a takeover with DNS not answering: sent (one update too many, never a record left wrong), and the first
        // failed read spares the other record a second wait
        dns.clear();
        lookedUp.clear();
        d.tookOver();
        d.dispatch(wan("11.22.33.44"), "upnp");
        verify(p, times(3)).update(List.of("a.example.net", "b.example.net"), ip("11.22.33.44"));
        assertEquals(List.of("a.example.net A @system"), lookedUp);
    }

    @Test
    void afterAnHaTakeoverTheReadAsksTheVerifyDnsServerAndStillHonoursABackOff() throws Exception {
        Dyndns2ProviderConfig withServer = new Dyndns2ProviderConfig(new ProviderCommon(List.of("a.example.net"), false,
                ProviderCommon.DEFAULT_FORCE_REFRESH, false, Optional.of("192.0.2.53")),
                URI.create("https://dyn.example.net"), "me", new Secret("pw"), false);
        DnsProvider p = provider(withServer, UpdateOutcome.retry("911"));
        UpdateDispatcher d = withDns(p);
        d.dispatch(wan("11.22.33.44"), "upnp");
        verify(p, times(1)).update(anyList(), any());
        dns.put("a.example.net", java.util.Set.of(ip("11.22.33.99")));
        d.tookOver();
        List<UpdateDispatcher.RecordResult> r = d.dispatch(wan("11.22.33.44"), "upnp");
        assertTrue(r.get(0).detail().startsWith("backing off"), r.toString());
        verify(p, times(1)).update(anyList(), any());
        clock.advance(Duration.ofHours(1));
        d.tookOver();
        d.dispatch(wan("11.22.33.44"), "upnp");
        assertEquals(List.of("a.example.net A @192.0.2.53"), lookedUp);
        verify(p, times(2)).update(anyList(), any());
    }

    @Test
    void aSlowProviderDoesNotHoldBackAnother() throws Exception {
        CountDownLatch fastCalled = new CountDownLatch(1);
        DnsProvider fast = provider("fast", List.of("f.example.net"), UpdateOutcome.success("good"));
        when(fast.update(anyList(), any())).thenAnswer(inv -> {
            fastCalled.countDown();
            return Map.of("f.example.net", UpdateOutcome.success("good"));
        });
        DnsProvider slow = provider("slow", List.of("s.example.net"), UpdateOutcome.success("good"));
        when(slow.update(anyList(), any())).thenAnswer(inv -> {
            // succeeds only if the fast provider was called while this one was still busy
            boolean parallel = fastCalled.await(5, TimeUnit.SECONDS);
            return Map.of("s.example.net", parallel ? UpdateOutcome.success("good") : UpdateOutcome.retry("serial"));
        });
        List<UpdateDispatcher.RecordResult> r = dispatcher(slow, fast).dispatch(wan("11.22.33.44"), "upnp");
        assertTrue(r.stream().allMatch(UpdateDispatcher.RecordResult::ok), r.toString());
    }

    @Test
    void stateIsPersistedPerRecordWithoutSecrets() throws Exception {
        DnsProvider p = provider(config("me", List.of("a.example.net"), false, "hunter2-secret"), UpdateOutcome.success("good"));
        dispatcher(p).dispatch(wan("11.22.33.44"), "upnp");
        StateStore.State s = new StateStore(stateDir).read().state();
        assertEquals("11.22.33.44", s.wanAddress());
        StateStore.RecordState r = s.record("dyndns2 me@dyn.example.net", "a.example.net", StateStore.RecordType.A).orElseThrow();
        assertEquals("11.22.33.44", r.address());
        assertEquals(StateStore.Status.SUCCESS, r.status());
        assertEquals(Instant.parse("2026-11-25T10:00:00Z"), r.updatedAt());
        assertFalse(Files.readString(stateDir.resolve(StateStore.FILE_NAME)).contains("hunter2"));
        verify(p).update(eq(List.of("a.example.net")), any());
    }

    @Test
    void aRecordOfAHostnameNoLongerConfiguredNeverFallsDue() throws Exception {
        // the state holds a record whose back-off ended long ago, for a hostname since removed from the config
        new StateStore(stateDir).save(StateStore.State.empty().with(new StateStore.RecordState(
                "dyndns2 me@dyn.example.net", "gone.example.net", StateStore.RecordType.A, null, null,
                StateStore.Status.RETRY, "911", "11.22.33.44", 3, Instant.parse("2026-01-01T00:00:00Z"), "f")));
        DnsProvider p = provider("me", List.of("a.example.net"), UpdateOutcome.success("good"));
        UpdateDispatcher d = dispatcher(p);
        d.dispatch(wan("11.22.33.44"), "upnp");
        Instant due = d.nextDue(clock.instant()).orElseThrow();
        assertEquals(clock.instant().plus(Duration.ofDays(25)), due, "only the configured record's refresh");
    }

    @Test
    void aForcedRefreshDueWhileTheAddressIsPrivateDoesNotFallDue() throws Exception {
        DnsProvider p = provider("me", List.of("a.example.net"), UpdateOutcome.success("good"));
        UpdateDispatcher d = dispatcher(p);
        d.dispatch(wan("11.22.33.44"), "upnp");
        clock.advance(Duration.ofDays(26)); // the forced refresh is due, but the router now has a CGNAT address
        d.dispatch(wan("100.64.3.4"), "upnp");
        assertEquals(Optional.empty(), d.nextDue(clock.instant()), "nothing can be sent until the address changes");
        verify(p, times(1)).update(anyList(), any());
    }

    @Test
    void everyDueTimeIsAfterNowWhateverTheAnswers() throws Exception {
        for (UpdateOutcome o : List.of(UpdateOutcome.success("good"), UpdateOutcome.retry("911"),
                UpdateOutcome.fatal("badauth"), UpdateOutcome.retryAfter("abuse", Duration.ofHours(1)))) {
            DnsProvider p = provider("me-" + o.kind(), List.of("a.example.net"), o);
            UpdateDispatcher d = dispatcher(p);
            for (int i = 0; i < 20; i++) {
                d.dispatch(wan("11.22.33.44"), "upnp");
                Instant now = clock.instant();
                d.nextDue(now).ifPresent(t -> assertTrue(t.isAfter(now), o + ": due " + t + " at " + now));
                clock.advance(d.nextDue(now).map(t -> Duration.between(now, t)).orElse(Duration.ofMinutes(7)));
            }
        }
    }

    @Test
    void aFastProvidersAnswerIsSavedBeforeASlowOneAnswers() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        DnsProvider fast = provider("fast", List.of("f.example.net"), UpdateOutcome.success("good"));
        DnsProvider slow = provider("slow", List.of("s.example.net"), UpdateOutcome.success("good"));
        when(slow.update(anyList(), any())).thenAnswer(inv -> {
            release.await(10, TimeUnit.SECONDS);
            return Map.of("s.example.net", UpdateOutcome.success("good"));
        });
        UpdateDispatcher d = dispatcher(slow, fast);
        Thread t = new Thread(() -> d.dispatch(uncheckedWan("11.22.33.44"), "upnp"));
        t.start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            Optional<StateStore.RecordState> saved = Optional.empty();
            while (saved.isEmpty() && System.nanoTime() < deadline) {
                saved = new StateStore(stateDir).read().state().record("dyndns2 fast@dyn.example.net",
                        "f.example.net", StateStore.RecordType.A);
                Thread.sleep(20);
            }
            assertTrue(saved.isPresent(), "the fast provider's success is on disk while the slow one is busy");
            assertEquals(StateStore.Status.SUCCESS, saved.get().status());
        } finally {
            release.countDown();
            t.join(10_000);
        }
    }

    private static WanAddress uncheckedWan(String v4) {
        try {
            return wan(v4);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void anIpv6AddressCanNeverBeTheIpv4Address() {
        assertThrows(IllegalArgumentException.class, () -> WanAddress.ipv4Only(ip("2a00:1111::44")));
    }
}
