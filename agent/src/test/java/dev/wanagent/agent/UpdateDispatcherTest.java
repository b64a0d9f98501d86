package dev.wanagent.agent;

import dev.wanagent.ddns.DnsProvider;
import dev.wanagent.ddns.UpdateOutcome;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

class UpdateDispatcherTest {
    @TempDir
    Path stateDir;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T10:00:00Z"));
    private final List<UpdateDispatcher> made = new ArrayList<>();

    private UpdateDispatcher dispatcher(DnsProvider... providers) {
        UpdateDispatcher d = new UpdateDispatcher(List.of(providers), new StateStore(stateDir), clock, () -> 0.5);
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

    private static DnsProvider provider(String label, List<String> hosts, UpdateOutcome.Kind kind) {
        DnsProvider p = mock(DnsProvider.class);
        when(p.label()).thenReturn(label);
        when(p.hostnames()).thenReturn(hosts);
        when(p.update(anyList(), any())).thenAnswer(inv -> {
            List<String> asked = inv.getArgument(0);
            Map<String, UpdateOutcome> out = new LinkedHashMap<>();
            for (String h : asked) out.put(h, new UpdateOutcome(kind, switch (kind) {
                case SUCCESS -> "good";
                case RETRY -> "911";
                case FATAL -> "badauth";
            }));
            return out;
        });
        return p;
    }

    @Test
    void pushesOnceAndARestartWithTheSameAddressSendsNothing() throws Exception {
        DnsProvider p = provider("dyndns2 me@host", List.of("a.example.net", "b.example.net"), UpdateOutcome.Kind.SUCCESS);
        List<UpdateDispatcher.RecordResult> first = dispatcher(p).dispatch(ip("11.22.33.44"), "upnp");
        assertEquals(2, first.size());
        assertTrue(first.stream().allMatch(UpdateDispatcher.RecordResult::ok));
        verify(p, times(1)).update(List.of("a.example.net", "b.example.net"), ip("11.22.33.44"));

        // a new process (same state dir), same address: no request at all
        List<UpdateDispatcher.RecordResult> again = dispatcher(p).dispatch(ip("11.22.33.44"), "upnp");
        assertTrue(again.stream().allMatch(r -> r.ok() && r.detail().startsWith("unchanged")), again.toString());
        verify(p, times(1)).update(anyList(), any());

        // the address changes: pushed again
        dispatcher(p).dispatch(ip("11.22.33.45"), "upnp");
        verify(p, times(1)).update(List.of("a.example.net", "b.example.net"), ip("11.22.33.45"));
    }

    @Test
    void neverPublishesNonPublicAddresses() throws Exception {
        DnsProvider p = provider("x", List.of("a.example.net"), UpdateOutcome.Kind.SUCCESS);
        UpdateDispatcher d = dispatcher(p);
        for (String bad : List.of("0.0.0.0", "192.168.1.20", "10.0.0.1", "100.64.1.1", "127.0.0.1", "169.254.1.1")) {
            List<UpdateDispatcher.RecordResult> r = d.dispatch(ip(bad), "upnp");
            assertFalse(r.get(0).ok(), bad);
            assertTrue(r.get(0).detail().startsWith("not published: " + bad), r.get(0).detail());
        }
        verify(p, never()).update(anyList(), any());
        assertFalse(Files.exists(stateDir.resolve(StateStore.FILE_NAME)), "nothing to save");
    }

    @Test
    void transientFailuresBackOffExponentially() throws Exception {
        DnsProvider p = provider("x", List.of("a.example.net"), UpdateOutcome.Kind.RETRY);
        UpdateDispatcher d = dispatcher(p);
        InetAddress addr = ip("11.22.33.44");
        d.dispatch(addr, "upnp");
        verify(p, times(1)).update(anyList(), any());
        assertEquals(Instant.parse("2026-11-25T10:01:00Z"), d.nextRetry().orElseThrow(), "first back-off is 1 min");

        clock.advance(Duration.ofSeconds(30));
        assertTrue(d.dispatch(addr, "upnp").get(0).detail().startsWith("backing off until"));
        verify(p, times(1)).update(anyList(), any());

        clock.advance(Duration.ofSeconds(31));
        d.dispatch(addr, "upnp");
        verify(p, times(2)).update(anyList(), any());
        assertEquals(clock.instant().plus(Duration.ofMinutes(2)), d.nextRetry().orElseThrow(), "then 2 min");

        assertEquals(Duration.ofMinutes(4), d.backoff(3));
        assertEquals(Duration.ofMinutes(30), d.backoff(6), "capped at 30 min");
        assertEquals(Duration.ofMinutes(30), d.backoff(60));
    }

    @Test
    void refusedRecordsStopWhileOthersGoOn() throws Exception {
        DnsProvider refused = provider("refused", List.of("a.example.net"), UpdateOutcome.Kind.FATAL);
        DnsProvider fine = provider("fine", List.of("b.example.net"), UpdateOutcome.Kind.SUCCESS);
        UpdateDispatcher d = dispatcher(refused, fine);
        d.dispatch(ip("11.22.33.44"), "upnp");
        clock.advance(Duration.ofHours(2));
        List<UpdateDispatcher.RecordResult> r = d.dispatch(ip("11.22.33.44"), "upnp");
        verify(refused, times(1)).update(anyList(), any());
        assertTrue(r.get(0).detail().startsWith("stopped"), r.toString());
        assertTrue(r.get(1).ok());
        assertEquals("FATAL", d.state().record("refused", "a.example.net").orElseThrow().status());
    }

    @Test
    void aSlowProviderDoesNotHoldBackAnother() throws Exception {
        CountDownLatch fastCalled = new CountDownLatch(1);
        DnsProvider fast = provider("fast", List.of("f.example.net"), UpdateOutcome.Kind.SUCCESS);
        when(fast.update(anyList(), any())).thenAnswer(inv -> {
            fastCalled.countDown();
            return Map.of("f.example.net", UpdateOutcome.success("good"));
        });
        DnsProvider slow = provider("slow", List.of("s.example.net"), UpdateOutcome.Kind.SUCCESS);
        when(slow.update(anyList(), any())).thenAnswer(inv -> {
            // succeeds only if the fast provider was called while this one was still busy
            boolean parallel = fastCalled.await(5, TimeUnit.SECONDS);
            return Map.of("s.example.net", parallel ? UpdateOutcome.success("good") : UpdateOutcome.retry("serial"));
        });
        List<UpdateDispatcher.RecordResult> r = dispatcher(slow, fast).dispatch(ip("11.22.33.44"), "upnp");
        assertTrue(r.stream().allMatch(UpdateDispatcher.RecordResult::ok), r.toString());
    }

    @Test
    void stateIsPersistedPerRecord() throws Exception {
        DnsProvider p = provider("dyndns2 me@host", List.of("a.example.net"), UpdateOutcome.Kind.SUCCESS);
        dispatcher(p).dispatch(ip("11.22.33.44"), "upnp");
        StateStore.State s = new StateStore(stateDir).load();
        assertEquals("11.22.33.44", s.wanAddress());
        StateStore.RecordState r = s.record("dyndns2 me@host", "a.example.net").orElseThrow();
        assertEquals("11.22.33.44", r.address());
        assertEquals("SUCCESS", r.status());
        assertEquals("2026-11-25T10:00:00Z", r.updatedAt());
        verify(p).update(eq(List.of("a.example.net")), any());
    }
}
