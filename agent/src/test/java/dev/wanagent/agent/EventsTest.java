package dev.wanagent.agent;

import dev.wanagent.config.Dyndns2ProviderConfig;
import dev.wanagent.config.MappingConfig;
import dev.wanagent.config.ProviderCommon;
import dev.wanagent.config.Secret;
import dev.wanagent.ddns.DnsProvider;
import dev.wanagent.ddns.UpdateOutcome;
import dev.wanagent.upnp.InternetGateway;
import dev.wanagent.upnp.PortMapping;
import dev.wanagent.upnp.PortMappingRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

/** The events the loop reports — once per change, where they happen — and what they count. */
class EventsTest {
    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T10:00:00Z"));
    private final List<Notifier.Event> sent = new CopyOnWriteArrayList<>();
    private final Metrics metrics = new Metrics(Path.of("/nonexistent"));
    private final Events events = new Events(metrics, sent::add, clock);

    private List<String> kinds() {
        return sent.stream().map(Notifier.Event::event).toList();
    }

    private double value(String name, Map<String, String> labels) {
        return PrometheusText.value(PrometheusText.parse(new String(metrics.scrape(), StandardCharsets.UTF_8)), name,
                labels);
    }

    @Test
    void aMappingLostIsToldOnceAndItsReturnOnce() throws Exception {
        UpnpRouter router = mock(UpnpRouter.class);
        InternetGateway gateway = mock(InternetGateway.class);
        when(router.gateway()).thenReturn(gateway);
        when(gateway.localAddress()).thenReturn(InetAddress.getByName("192.168.77.100"));
        PortMapping held = new PortMapping("", 8080, "TCP", 80, "192.168.77.100", true, "wan-agent web", 60);
        when(gateway.addPortMapping(any(PortMappingRequest.class))).thenReturn(held);
        MappingReconciler r = new MappingReconciler(List.of(new MappingConfig("web", 8080, 80, "TCP",
                Optional.empty(), 60, false)), router, null, null, null, clock, events);

        when(gateway.specificPortMapping(8080, "TCP")).thenReturn(Optional.empty());
        r.reconcile(); // created: nothing to tell
        when(gateway.specificPortMapping(8080, "TCP")).thenReturn(Optional.of(held));
        clock.advance(Duration.ofSeconds(31));
        r.reconcile(); // renewed at half-life
        assertEquals(List.of(), kinds());
        assertEquals(1, value("wan_agent_mapping_renewals_total", Map.of("mapping", "web")));

        when(router.gateway()).thenThrow(new IOException("connection refused")); // the router goes away
        clock.advance(Duration.ofSeconds(1));
        r.reconcile();
        clock.advance(Duration.ofSeconds(1));
        r.reconcile();
        assertEquals(List.of("mapping_lost"), kinds(), "once, however many passes it stays lost");
        assertEquals("mapping web lost: router not reachable over UPnP: connection refused", sent.get(0).message());
        assertEquals("web", sent.get(0).mapping());

        org.mockito.Mockito.reset(router);
        when(router.gateway()).thenReturn(gateway);
        when(gateway.specificPortMapping(8080, "TCP")).thenReturn(Optional.empty()); // it came back empty
        clock.advance(Duration.ofSeconds(2));
        r.reconcile();
        assertEquals(List.of("mapping_lost", "mapping_restored"), kinds());
        assertEquals("mapping web made again: TCP 8080 -> 192.168.77.100:80 'wan-agent web' lease 60s",
                sent.get(1).message());
        assertEquals(1, value("wan_agent_mapping_losses_total", Map.of("mapping", "web")));
        assertEquals(1, value("wan_agent_mapping_recreations_total", Map.of("mapping", "web")));

        // the router restarts between two passes: 714, made again
        when(gateway.specificPortMapping(8080, "TCP")).thenReturn(Optional.empty());
        clock.advance(Duration.ofSeconds(5));
        r.reconcile();
        assertEquals(List.of("mapping_lost", "mapping_restored", "mapping_lost", "mapping_restored"), kinds());
        assertEquals("mapping web lost: the router no longer has it (it restarted or dropped it)",
                sent.get(2).message());
        assertEquals(2, value("wan_agent_mapping_recreations_total", Map.of("mapping", "web")));
    }

    @Test
    void aPcpRouterThatLostItsStateIsARestartAndItsMappingsAreLostAndMadeAgain() throws Exception {
        PcpRouter router = mock(PcpRouter.class);
        dev.wanagent.pcp.PcpClient client = mock(dev.wanagent.pcp.PcpClient.class);
        when(router.client()).thenReturn(client);
        when(client.map(any(), org.mockito.ArgumentMatchers.anyInt(), org.mockito.ArgumentMatchers.anyInt(),
                org.mockito.ArgumentMatchers.anyLong())).thenAnswer(inv -> new dev.wanagent.pcp.PcpMapping(
                dev.wanagent.pcp.Transport.TCP, 80, 8080, InetAddress.getByName("11.22.33.44"), 3600, clock.instant(),
                7, dev.wanagent.pcp.PortMapProtocol.PCP));
        PcpMappings m = new PcpMappings(List.of(new MappingConfig("web", 8080, 80, "TCP", Optional.empty(), 3600,
                false)), router, clock, events);
        m.reconcile(); // created
        clock.advance(Duration.ofMinutes(31));
        m.reconcile(); // renewed
        assertEquals(List.of(), kinds());
        assertEquals(1, value("wan_agent_mapping_renewals_total", Map.of("mapping", "web")));
        when(client.stateResets()).thenReturn(1L); // the router's epoch went back: it lost every mapping
        clock.advance(Duration.ofSeconds(1));
        m.reconcile();
        assertEquals(List.of("router_restart", "mapping_lost", "mapping_restored"), kinds());
        assertEquals(1, value("wan_agent_router_restarts_total", Map.of()));
        assertEquals(1, value("wan_agent_mapping_recreations_total", Map.of("mapping", "web")));
    }

    private DnsProvider provider(Deque<UpdateOutcome> answers) {
        DnsProvider p = mock(DnsProvider.class, withSettings().defaultAnswer(inv -> inv.getMethod().isDefault()
                ? inv.callRealMethod() : null));
        when(p.config()).thenReturn(new Dyndns2ProviderConfig(new ProviderCommon(List.of("home.example.net"), false,
                ProviderCommon.DEFAULT_FORCE_REFRESH), URI.create("https://dyn.example.net"), "me", new Secret("pw"),
                false));
        when(p.update(anyList(), any())).thenAnswer(inv -> {
            clock.advance(Duration.ofMillis(40)); // the provider takes 40 ms
            Map<String, UpdateOutcome> out = new LinkedHashMap<>();
            out.put("home.example.net", answers.removeFirst());
            return out;
        });
        return p;
    }

    @Test
    void aProviderFailureIsToldOnceItsRecoveryOnceAndTheLatencyRunsFromTheRead() throws Exception {
        Deque<UpdateOutcome> answers = new ArrayDeque<>(List.of(UpdateOutcome.success("good"),
                UpdateOutcome.retry("HTTP 503"), UpdateOutcome.retry("HTTP 503"), UpdateOutcome.success("good")));
        StateStore store = new StateStore(dir);
        UpdateDispatcher d = new UpdateDispatcher(List.of(provider(answers)), (h, v6, s) -> java.util.Set.of(),
                store.open(), store, ConfigFingerprint.in(dir), clock, () -> 0.5, events);
        try {
            d.dispatch(WanAddress.ipv4Only(InetAddress.getByName("11.22.33.44")), "upnp");
            InetAddress next = InetAddress.getByName("11.22.33.45");
            d.dispatch(WanAddress.ipv4Only(next), "upnp"); // 503
            clock.advance(Duration.ofMinutes(2));
            d.dispatch(WanAddress.ipv4Only(next), "upnp"); // 503 again: no second notice
            clock.advance(Duration.ofMinutes(3));
            d.dispatch(WanAddress.ipv4Only(next), "upnp"); // good
            assertEquals(List.of("provider_failure", "provider_recovery"), kinds());
            assertEquals("dyndns2 me@dyn.example.net: home.example.net A update to 11.22.33.45 failed: HTTP 503",
                    sent.get(0).message());
            assertEquals("dyndns2 me@dyn.example.net", sent.get(1).provider());
            String me = "dyndns2 me@dyn.example.net";
            assertEquals(2, value("wan_agent_provider_updates_total", Map.of("provider", me, "result", "success")));
            assertEquals(2, value("wan_agent_provider_updates_total", Map.of("provider", me, "result", "retry")));
            // the first push 40 ms after the read; the second 5 min 120 ms (three calls) after .45 was first read
            assertEquals(2, value("wan_agent_change_to_dns_seconds_count", Map.of()));
            assertEquals(0.04 + 300.12, value("wan_agent_change_to_dns_seconds_sum", Map.of()), 1e-9);
            assertEquals(1, value("wan_agent_change_to_dns_seconds_bucket", Map.of("le", "0.05")));
        } finally {
            d.close();
        }
    }

    @Test
    void aWanChangeIsCountedPerFamilyButNotTheRoutersZeroAddressInBetween() throws Exception {
        StateStore store = new StateStore(dir);
        store.save(StateStore.State.empty().withWan("11.22.33.40", "upnp", clock.instant()));
        Deque<String> reads = new ArrayDeque<>(List.of("11.22.33.44", "11.22.33.44", "0.0.0.0", "11.22.33.45"));
        WanSource source = new WanSource() {
            public String name() {
                return "upnp";
            }

            public WanAddress readWanAddress() throws IOException {
                return WanAddress.ipv4Only(InetAddress.getByName(reads.removeFirst()));
            }

            public String describe() {
                return "";
            }
        };
        UpdateDispatcher d = new UpdateDispatcher(List.of(), store.open(), store, ConfigFingerprint.in(dir), clock,
                () -> 0.5, events);
        try {
            WanMonitor m = new WanMonitor(List.of(source), new MappingReconciler(List.of(), null, clock), d, null,
                    Duration.ofMinutes(5), clock, events);
            for (int i = 0; i < 4; i++) m.pass();
        } finally {
            d.close();
        }
        // .40 (state file, before the start) -> .44, then .44 -> .45; 0.0.0.0 in between is no address
        assertEquals(List.of("wan_change", "wan_change"), kinds());
        assertEquals("WAN address changed to 11.22.33.44 (ipv4, was 11.22.33.40, from upnp)", sent.get(0).message());
        assertEquals("11.22.33.45", sent.get(1).address());
        assertEquals("ipv4", sent.get(1).family());
        assertEquals(2, value("wan_agent_wan_changes_total", Map.of("family", "ipv4")));
        assertEquals(1, value("wan_agent_wan_address_info", Map.of("family", "ipv4", "address", "11.22.33.45",
                "source", "upnp")));
        assertEquals(clock.instant().getEpochSecond(),
                value("wan_agent_last_successful_pass_timestamp_seconds", Map.of()));
    }
}
