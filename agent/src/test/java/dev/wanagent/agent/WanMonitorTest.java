package dev.wanagent.agent;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WanMonitorTest {
    private static WanMonitor.PassResult read(String address) throws Exception {
        return new WanMonitor.PassResult(Optional.of(WanAddress.ipv4Only(InetAddress.getByName(address))), "upnp",
                List.of(), List.of(), List.of());
    }

    @Test
    void whileTheWanIsDownItLooksAgainSoonBackingOffTo30s() throws Exception {
        WanMonitor m = new WanMonitor(List.of(), null, null, Duration.ofMinutes(5), new MutableClock(Instant.EPOCH));
        Instant now = Instant.EPOCH;
        WanMonitor.PassResult down = read("0.0.0.0");
        long[] expected = {1, 2, 4, 8, 16, 30, 30};
        for (long seconds : expected) {
            assertEquals(Optional.of(now.plusSeconds(seconds)), m.wanDownRecheck(down, now));
        }
        WanMonitor.PassResult unreadable = new WanMonitor.PassResult(Optional.empty(), "", List.of("upnp: refused"),
                List.of(), List.of());
        assertTrue(m.wanDownRecheck(unreadable, now).isPresent());
        // a public address: no early re-check, and the next outage starts again at 1 s
        assertEquals(Optional.empty(), m.wanDownRecheck(read("11.22.33.44"), now));
        assertEquals(Optional.of(now.plusSeconds(1)), m.wanDownRecheck(read("100.64.1.2"), now), "CGNAT is not publishable");
    }

    @Test
    void aSourceThatWantsAPassSoonerGetsOneButNeverInThePast() throws Exception {
        Instant now = Instant.EPOCH.plusSeconds(1000);
        Instant[] due = {now.plusSeconds(4)};
        WanSource listenerToRetry = new WanSource() {
            @Override
            public String name() {
                return "upnp";
            }

            @Override
            public WanAddress readWanAddress() {
                throw new UnsupportedOperationException();
            }

            @Override
            public String describe() {
                return "";
            }

            @Override
            public Optional<Instant> nextDue(Instant at) {
                return Optional.ofNullable(due[0]);
            }
        };
        WanMonitor m = new WanMonitor(List.of(listenerToRetry), null, null, Duration.ofMinutes(5),
                new MutableClock(now));
        WanMonitor.PassResult up = read("11.22.33.44");
        assertEquals(now.plusSeconds(4), m.nextPass(up, now));
        due[0] = now.minusSeconds(10);
        assertTrue(!m.nextPass(up, now).isBefore(now), "never in the past");
        due[0] = null;
        assertEquals(now.plus(Duration.ofMinutes(5)), m.nextPass(up, now), "nothing due: the poll");
    }
}
