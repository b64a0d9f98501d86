package dev.wanagent.agent;

import dev.wanagent.ddns.UpdateOutcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetricsTest {
    @TempDir
    Path dir;

    private Path procStatus(String rss) throws Exception {
        Path f = dir.resolve("status");
        Files.writeString(f, "Name:\tjava\nVmPeak:\t 9000 kB\nVmRSS:\t" + rss + "\nThreads:\t12\n");
        return f;
    }

    private static Map<String, PrometheusText.Family> scrape(Metrics m) {
        return PrometheusText.parse(new String(m.scrape(), StandardCharsets.UTF_8));
    }

    @Test
    void everyEventIsCountedUnderItsConventionalName() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-25T10:00:00Z"));
        Metrics m = new Metrics(procStatus("  31744 kB"));
        Events events = new Events(m, null, clock);
        events.wanAddress(InetAddress.getByName("11.22.33.44"), "upnp");
        events.wanChanged(InetAddress.getByName("11.22.33.45"), InetAddress.getByName("11.22.33.44"), "upnp");
        events.wanAddress(InetAddress.getByName("11.22.33.45"), "upnp");
        events.wanAddress(InetAddress.getByName("2a00:1111::44"), "upnp");
        events.providerUpdate("dyndns2 me@dyn.example.net", UpdateOutcome.Kind.SUCCESS);
        events.providerUpdate("dyndns2 me@dyn.example.net", UpdateOutcome.Kind.RETRY);
        events.providerUpdate("dyndns2 me@dyn.example.net", UpdateOutcome.Kind.SUCCESS);
        events.changeToDns(Duration.ofMillis(40));
        events.changeToDns(Duration.ofSeconds(90));
        events.mappingRenewed("web");
        events.mappingLost("web", "714");
        events.mappingRestored("web", "TCP 8080", true);
        events.mappingRestored("rdp", "TCP 3389", false);
        events.routerRestarted("new BOOTID");
        events.sourceError("snmp");
        events.sourceError("snmp");
        events.passSucceeded();

        Map<String, PrometheusText.Family> f = scrape(m);
        assertEquals("counter", f.get("wan_agent_wan_changes_total").type());
        assertEquals(1, PrometheusText.value(f, "wan_agent_wan_changes_total", Map.of("family", "ipv4")));
        assertEquals(0, PrometheusText.value(f, "wan_agent_wan_changes_total", Map.of("family", "ipv6")));
        // the info series follows the address: one per family, the old one gone
        assertEquals(1, PrometheusText.value(f, "wan_agent_wan_address_info",
                Map.of("family", "ipv4", "address", "11.22.33.45", "source", "upnp")));
        assertEquals(1, PrometheusText.value(f, "wan_agent_wan_address_info",
                Map.of("family", "ipv6", "address", "2a00:1111:0:0:0:0:0:44", "source", "upnp")));
        assertEquals(2, f.get("wan_agent_wan_address_info").samples().size());
        assertEquals(2, PrometheusText.value(f, "wan_agent_provider_updates_total",
                Map.of("provider", "dyndns2 me@dyn.example.net", "result", "success")));
        assertEquals(1, PrometheusText.value(f, "wan_agent_provider_updates_total",
                Map.of("provider", "dyndns2 me@dyn.example.net", "result", "retry")));
        assertEquals("histogram", f.get("wan_agent_change_to_dns_seconds").type());
        assertEquals(2, PrometheusText.value(f, "wan_agent_change_to_dns_seconds_count", Map.of()));
        assertEquals(90.04, PrometheusText.value(f, "wan_agent_change_to_dns_seconds_sum", Map.of()), 1e-9);
        assertEquals(0, PrometheusText.value(f, "wan_agent_change_to_dns_seconds_bucket", Map.of("le", "0.025")));
        assertEquals(1, PrometheusText.value(f, "wan_agent_change_to_dns_seconds_bucket", Map.of("le", "0.05")));
        assertEquals(1, PrometheusText.value(f, "wan_agent_change_to_dns_seconds_bucket", Map.of("le", "60.0")));
        assertEquals(2, PrometheusText.value(f, "wan_agent_change_to_dns_seconds_bucket", Map.of("le", "300.0")));
        assertEquals(1, PrometheusText.value(f, "wan_agent_mapping_renewals_total", Map.of("mapping", "web")));
        assertEquals(1, PrometheusText.value(f, "wan_agent_mapping_losses_total", Map.of("mapping", "web")));
        assertEquals(1, PrometheusText.value(f, "wan_agent_mapping_recreations_total", Map.of("mapping", "web")));
        assertFalse(f.get("wan_agent_mapping_recreations_total").samples().stream()
                .anyMatch(s -> s.labels().containsValue("rdp")), "answering again is not a re-creation");
        assertEquals(1, PrometheusText.value(f, "wan_agent_router_restarts_total", Map.of()));
        assertEquals(2, PrometheusText.value(f, "wan_agent_source_errors_total", Map.of("source", "snmp")));
        assertEquals(Instant.parse("2026-11-25T10:00:00Z").getEpochSecond(),
                PrometheusText.value(f, "wan_agent_last_successful_pass_timestamp_seconds", Map.of()));
        assertEquals(31744 * 1024, PrometheusText.value(f, "wan_agent_process_resident_memory_bytes", Map.of()));
        assertEquals("gauge", f.get("wan_agent_process_resident_memory_bytes").type());
        assertEquals(0, PrometheusText.value(f, "wan_agent_notifications_total", Map.of("result", "dropped")));
        for (String name : f.keySet()) assertTrue(name.startsWith("wan_agent_"), name);
    }

    @Test
    void labelValuesFromTheConfigAreEscapedAndReadBack() throws Exception {
        Metrics m = new Metrics(dir.resolve("absent"));
        String odd = "web \"quoted\" back\\slash\nnewline ü";
        m.mappingRenewed(odd);
        Map<String, PrometheusText.Family> f = scrape(m);
        assertEquals(1, PrometheusText.value(f, "wan_agent_mapping_renewals_total", Map.of("mapping", odd)));
        assertFalse(f.containsKey("wan_agent_process_resident_memory_bytes")
                && !f.get("wan_agent_process_resident_memory_bytes").samples().isEmpty(),
                "no memory figure where /proc/self/status is missing");
    }

    @Test
    void residentMemoryIsReadFromVmRss() throws Exception {
        assertEquals(OptionalLong.of(2048L * 1024), Metrics.residentBytes(procStatus("2048 kB")));
        assertEquals(OptionalLong.empty(), Metrics.residentBytes(procStatus("lots")));
        assertEquals(OptionalLong.empty(), Metrics.residentBytes(procStatus("12 MB")));
        assertEquals(OptionalLong.empty(), Metrics.residentBytes(dir.resolve("none")));
        assertTrue(Metrics.residentBytes(Path.of("/proc/self/status")).orElse(1) > 0);
    }

    @Test
    void theStrictReaderRefusesWhatIsNotTheFormat() {
        for (String bad : new String[] {
                "wan_agent_x 1\n", // no TYPE
                "# TYPE a counter\n# HELP a h\na_total 1\n", // counter family named without _total
                "# HELP a_total h\n# TYPE a_total counter\na_total{l=\"v} 1\n",
                "# HELP a h\n# TYPE a gauge\na{l=\"v\"} one\n",
                "# HELP a h\n# TYPE a gauge\na 1", // no final newline
                "# HELP h_seconds h\n# TYPE h_seconds histogram\nh_seconds_bucket{le=\"1\"} 2\nh_seconds_bucket{le=\"+Inf\"} 1\nh_seconds_count 1\n",
        }) {
            assertThrows(AssertionError.class, () -> PrometheusText.parse(bad), bad);
        }
    }
}
