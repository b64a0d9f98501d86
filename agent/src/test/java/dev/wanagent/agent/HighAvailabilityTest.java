package dev.wanagent.agent;

import dev.wanagent.config.HaConfig;
import dev.wanagent.config.MappingConfig;
import dev.wanagent.upnp.InternetGateway;
import dev.wanagent.upnp.PortMapping;
import dev.wanagent.upnp.PortMappingRequest;
import dev.wanagent.upnp.UpnpException;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import dev.wanagent.ddns.DnsProvider;
import dev.wanagent.ddns.UpdateOutcome;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

/**
 * HA between two hosts sharing one router table that behaves like miniupnpd's in secure mode: a mapping belongs to
 * one client, another client's AddPortMapping gets 718, a lease not renewed lapses. (The lab tests run the real
 * miniupnpd; this pins the decisions down, step by step, on a clock.)
 */
class HighAvailabilityTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T10:00:00Z"));
    private final Map<String, PortMapping> table = new HashMap<>();
    private final Map<String, Instant> expires = new HashMap<>();
    private static final List<MappingConfig> MAPPINGS = List.of(
            new MappingConfig("web", 8080, 80, "TCP", Optional.empty(), 3600, false),
            new MappingConfig("rdp", 3389, 3389, "TCP", Optional.empty(), 3600, false));
    private static final HaConfig HA = new HaConfig(true, 30);

    private static String key(int port, String protocol) {
        return port + "/" + protocol;
    }

    private void expire() {
        expires.entrySet().removeIf(e -> {
            boolean gone = !clock.instant().isBefore(e.getValue());
            if (gone) table.remove(e.getKey());
            return gone;
        });
    }

    /** One LAN host: its view of the shared table, and its reconciler. */
    private MappingReconciler host(String address, UpnpRouter router) throws Exception {
        InternetGateway g = mock(InternetGateway.class);
        when(router.gateway()).thenReturn(g);
        when(g.localAddress()).thenReturn(InetAddress.getByName(address));
        when(g.specificPortMapping(anyInt(), anyString())).thenAnswer(inv -> {
            lookups.incrementAndGet();
            expire();
            return Optional.ofNullable(table.get(key(inv.getArgument(0), inv.getArgument(1))));
        });
        when(g.addPortMapping(any(PortMappingRequest.class))).thenAnswer(inv -> {
            expire();
            PortMappingRequest r = inv.getArgument(0);
            PortMapping held = table.get(key(r.externalPort(), r.protocol()));
            if (held != null && !held.internalClient().equals(r.internalClient())) throw MappingReconcilerTest.upnpError(718);
            PortMapping granted = new PortMapping("", r.externalPort(), r.protocol(), r.internalPort(),
                    r.internalClient(), true, r.description(), r.leaseSeconds());
            table.put(key(r.externalPort(), r.protocol()), granted);
            expires.put(key(r.externalPort(), r.protocol()), clock.instant().plusSeconds(r.leaseSeconds()));
            return granted;
        });
        org.mockito.Mockito.doAnswer(inv -> {
            PortMapping held = table.get(key(inv.getArgument(0), inv.getArgument(1)));
            if (held != null && held.internalClient().equals(address)) {
                table.remove(key(inv.getArgument(0), inv.getArgument(1)));
            }
            return null;
        }).when(g).deletePortMapping(anyInt(), anyString());
        return new MappingReconciler(MAPPINGS, router, null, null, HA, clock,
                new Events(metrics, told::add, clock));
    }

    /** GetSpecificPortMappingEntry calls, all hosts together. */
    private final java.util.concurrent.atomic.AtomicInteger lookups = new java.util.concurrent.atomic.AtomicInteger();
    private final Metrics metrics = new Metrics(java.nio.file.Path.of("/nonexistent"));
    private final List<Notifier.Event> told = new java.util.concurrent.CopyOnWriteArrayList<>();

    private String holder(String mapping) {
        expire();
        PortMapping m = table.get(mapping.equals("web") ? key(8080, "TCP") : key(3389, "TCP"));
        return m == null ? "" : m.internalClient();
    }

    @Test
    void oneOfTwoHostsStartingAtOnceHoldsEveryMappingWithTheHaLease() throws Exception {
        MappingReconciler a = host("192.168.77.100", mock(UpnpRouter.class));
        MappingReconciler b = host("192.168.77.101", mock(UpnpRouter.class));
        assertTrue(a.standby() && b.standby(), "every host starts as a standby");
        a.reconcile();
        List<MappingReconciler.MappingStatus> bs = b.reconcile();
        assertFalse(a.standby());
        assertTrue(b.standby());
        assertEquals("192.168.77.100", holder("web"));
        assertEquals("192.168.77.100", holder("rdp"));
        assertTrue(bs.stream().allMatch(s -> s.ok() && s.detail().equals("standby: held by 192.168.77.100 (the active host)")),
                bs.toString());
        assertEquals(30, table.get(key(8080, "TCP")).leaseSeconds());
        assertEquals(Optional.of(clock.instant().plusSeconds(10)), a.nextDue(clock.instant()), "renewed at a third");
        assertEquals(Optional.of(clock.instant().plusSeconds(3)), b.nextDue(clock.instant()), "a standby looks often");
        clock.advance(Duration.ofSeconds(10));
        int before = lookups.get();
        a.reconcile(); // the active host's renewal pass reads each entry once
        assertEquals(before + MAPPINGS.size(), lookups.get());
        assertFalse(a.standby());
    }

    @Test
    void aHostThatWonSomeAndLostOthersGivesItsOwnBack() throws Exception {
        MappingReconciler b = host("192.168.77.101", mock(UpnpRouter.class));
        // the other host won rdp between b's look at the table and b's requests
        table.put(key(3389, "TCP"), new PortMapping("", 3389, "TCP", 3389, "192.168.77.100", true, "wan-agent rdp", 30));
        expires.put(key(3389, "TCP"), clock.instant().plusSeconds(30));
        table.put(key(8080, "TCP"), new PortMapping("", 8080, "TCP", 80, "192.168.77.101", true, "wan-agent web", 30));
        expires.put(key(8080, "TCP"), clock.instant().plusSeconds(30));
        b.reconcile();
        assertTrue(b.standby());
        assertEquals("", holder("web"), "given back, not kept as a split set");
        assertEquals("192.168.77.100", holder("rdp"));
    }

    @Test
    void aDeadActivesMappingsLapseAndTheStandbyTakesThemWithinTheLease() throws Exception {
        MappingReconciler a = host("192.168.77.100", mock(UpnpRouter.class));
        MappingReconciler b = host("192.168.77.101", mock(UpnpRouter.class));
        a.reconcile();
        b.reconcile();
        Instant killed = clock.instant();
        // a is killed: no more renewals; b looks every 3 s
        while (b.standby()) {
            clock.advance(Duration.ofSeconds(3));
            b.reconcile();
            assertTrue(Duration.between(killed, clock.instant()).toSeconds() <= 35, "took too long");
        }
        assertEquals("192.168.77.101", holder("web"));
        assertEquals("192.168.77.101", holder("rdp"));
        long took = Duration.between(killed, clock.instant()).toSeconds();
        assertTrue(took >= 30, "never before the router dropped the old holder's mappings: " + took);
        assertEquals(1, b.haStatus().orElseThrow().takeovers());
        assertTrue(told.stream().anyMatch(e -> e.event().equals("ha_takeover")
                && e.message().equals("HA: 192.168.77.101 is now the active host (the mappings were 192.168.77.100's)")),
                told.toString());
        String scraped = new String(metrics.scrape(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(scraped.contains("wan_agent_ha_takeovers_total 2.0"), "both hosts took over once (one registry here): " + scraped);
        // the old active comes back (a new process: a standby) and stays standby
        MappingReconciler back = host("192.168.77.100", mock(UpnpRouter.class));
        back.reconcile();
        assertTrue(back.standby());
        assertEquals("192.168.77.101", holder("web"));
    }

    @Test
    void aGracefulStopHandsOverAtTheStandbysNextLook() throws Exception {
        MappingReconciler a = host("192.168.77.100", mock(UpnpRouter.class));
        MappingReconciler b = host("192.168.77.101", mock(UpnpRouter.class));
        a.reconcile();
        b.reconcile();
        a.removeAll();
        assertEquals("", holder("web"));
        clock.advance(Duration.ofSeconds(3));
        b.reconcile();
        assertFalse(b.standby());
        assertEquals("192.168.77.101", holder("rdp"));
    }

    @Test
    void afterARouterRestartTheStandbyLeavesTheActiveTimeToRecreate() throws Exception {
        UpnpRouter ra = mock(UpnpRouter.class);
        UpnpRouter rb = mock(UpnpRouter.class);
        MappingReconciler a = host("192.168.77.100", ra);
        MappingReconciler b = host("192.168.77.101", rb);
        a.reconcile();
        b.reconcile();
        table.clear(); // the router restarts: every mapping lost; both hosts hear it
        expires.clear();
        when(rb.restartsSeen()).thenReturn(1L);
        when(ra.restartsSeen()).thenReturn(1L);
        List<MappingReconciler.MappingStatus> waiting = b.reconcile(); // the standby hears it first
        assertTrue(b.standby());
        assertTrue(waiting.get(0).detail().startsWith("standby: free after a router restart"), waiting.toString());
        assertEquals("", holder("web"), "the standby does not race the active host");
        a.reconcile();
        assertEquals("192.168.77.100", holder("web"));
        clock.advance(Duration.ofSeconds(3));
        b.reconcile();
        assertTrue(b.standby());
    }

    /** One HA host as {@code run} wires it: its reconciler, the loop's pass, and a dispatcher with its own state. */
    private record Agent(MappingReconciler reconciler, WanMonitor monitor, StateStore store) {
        StateStore.HaState ha() {
            StateStore.Loaded l = store.read();
            assertTrue(l.problem().isEmpty(), l.problem().toString());
            return l.state().ha().orElseThrow();
        }
    }

    private final List<UpdateDispatcher> dispatchers = new java.util.ArrayList<>();

    @org.junit.jupiter.api.AfterEach
    void closeDispatchers() {
        dispatchers.forEach(UpdateDispatcher::close);
    }

    private Agent agent(String address, java.nio.file.Path stateDir, DnsProvider provider,
                        UpdateDispatcher.LiveRecords dns) throws Exception {
        MappingReconciler r = host(address, mock(UpnpRouter.class));
        StateStore store = new StateStore(stateDir);
        UpdateDispatcher d = new UpdateDispatcher(List.of(provider), dns, store.open(), store,
                ConfigFingerprint.in(stateDir), clock, () -> 0.5);
        dispatchers.add(d);
        WanSource wan = mock(WanSource.class);
        when(wan.name()).thenReturn("upnp");
        when(wan.readWanAddress()).thenReturn(WanAddress.ipv4Only(InetAddress.getByName("11.22.33.44")));
        return new Agent(r, new WanMonitor(List.of(wan), r, d, Duration.ofHours(1), clock), store);
    }

    @Test
    void theRoleIsKeptInTheStateFileAndATakeoverSendsNothingThatDnsHoldsAlready(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        DnsProvider provider = UpdateDispatcherTest.provider("me", List.of("home.example.net"),
                UpdateOutcome.success("good"));
        Set<InetAddress> dns = new java.util.concurrent.CopyOnWriteArraySet<>();
        List<String> lookups = new java.util.concurrent.CopyOnWriteArrayList<>();
        UpdateDispatcher.LiveRecords live = (host, v6, server) -> {
            lookups.add(host);
            return Set.copyOf(dns);
        };
        Agent a = agent("192.168.77.100", dir.resolve("a"), provider, live);
        a.monitor().pass();
        // a start is a takeover too (every host starts as standby): DNS is read, holds nothing yet, and is sent
        assertEquals(List.of("home.example.net"), lookups);
        verify(provider, times(1)).update(List.of("home.example.net"), InetAddress.getByName("11.22.33.44"));
        dns.add(InetAddress.getByName("11.22.33.44")); // what the provider now serves
        Instant aTookOver = clock.instant();
        assertEquals(new StateStore.HaState(HaRole.ACTIVE, Map.of("web", "192.168.77.100", "rdp", "192.168.77.100"),
                1, aTookOver, aTookOver), a.ha());

        Agent b = agent("192.168.77.101", dir.resolve("b"), provider, live);
        b.monitor().pass();
        assertEquals(new StateStore.HaState(HaRole.STANDBY, Map.of("web", "192.168.77.100", "rdp", "192.168.77.100"),
                0, null, clock.instant()), b.ha());
        byte[] standbyFile = java.nio.file.Files.readAllBytes(b.store().file());
        clock.advance(Duration.ofSeconds(3));
        b.monitor().pass();
        org.junit.jupiter.api.Assertions.assertArrayEquals(standbyFile, java.nio.file.Files.readAllBytes(b.store().file()),
                "nothing changed: not written again (a standby looks every few seconds)");

        // A is killed: its leases lapse and B takes over with the same WAN address, which DNS holds already
        while (b.reconciler().standby()) {
            clock.advance(Duration.ofSeconds(3));
            b.monitor().pass();
        }
        verify(provider, times(1)).update(anyList(), any());
        assertEquals(List.of("home.example.net", "home.example.net"), lookups, "read once more, at the takeover");
        Instant bTookOver = clock.instant();
        assertEquals(new StateStore.HaState(HaRole.ACTIVE, Map.of("web", "192.168.77.101", "rdp", "192.168.77.101"),
                1, bTookOver, bTookOver), b.ha());
        StateStore.RecordState record = b.store().read().state().record(provider.label(), "home.example.net",
                StateStore.RecordType.A).orElseThrow();
        assertEquals(UpdateDispatcher.HELD_ALREADY, record.result());
        assertEquals("11.22.33.44", record.address());

        // B's agent restarts (it holds the mappings still and takes them at once): the count goes on from the file
        clock.advance(Duration.ofSeconds(3));
        Agent again = agent("192.168.77.101", dir.resolve("b"), provider, live);
        again.monitor().pass();
        assertEquals(2, again.ha().takeovers());
        assertEquals(clock.instant(), again.ha().lastTakeover());
        verify(provider, times(1)).update(anyList(), any());
    }

    @Test
    void aTakeoverWhereDnsCannotBeReadSendsTheAddress(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        DnsProvider provider = UpdateDispatcherTest.provider("me", List.of("home.example.net"),
                UpdateOutcome.success("good"));
        Agent a = agent("192.168.77.100", dir.resolve("a"), provider, (host, v6, server) -> {
            throw new java.io.IOException("no answer");
        });
        a.monitor().pass();
        verify(provider, times(1)).update(List.of("home.example.net"), InetAddress.getByName("11.22.33.44"));
        assertEquals(HaRole.ACTIVE, a.ha().role());
    }

    @Test
    void decisions() {
        String me = "10.0.0.2";
        Optional<String> mine = Optional.of(me);
        Optional<String> theirs = Optional.of("10.0.0.3");
        Optional<String> free = Optional.empty();
        assertEquals(HaLock.Move.TAKE, HaLock.decide(HaRole.STANDBY, List.of(free, free), me, false));
        assertEquals(HaLock.Move.WAIT, HaLock.decide(HaRole.STANDBY, List.of(free, free), me, true));
        assertEquals(HaLock.Move.TAKE, HaLock.decide(HaRole.STANDBY, List.of(mine, mine), me, true),
                "its own already: an agent restarted within the lease keeps them");
        assertEquals(HaLock.Move.WAIT, HaLock.decide(HaRole.STANDBY, List.of(theirs, free), me, false));
        assertEquals(HaLock.Move.GIVE_BACK, HaLock.decide(HaRole.STANDBY, List.of(theirs, mine), me, false));
        assertEquals(HaLock.Move.GIVE_BACK, HaLock.decide(HaRole.ACTIVE, List.of(mine, theirs), me, false));
        assertEquals(HaLock.Move.KEEP, HaLock.decide(HaRole.ACTIVE, List.of(mine, free), me, true));
    }
}
