package dev.wanagent.agent;

import dev.wanagent.config.MappingConfig;
import dev.wanagent.upnp.InternetGateway;
import dev.wanagent.upnp.PortMapping;
import dev.wanagent.upnp.PortMappingRequest;
import dev.wanagent.upnp.UpnpException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/** The reconciler's schedule: renewals at half-life, and failures that back off instead of looping. */
class MappingReconcilerTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T10:00:00Z"));
    private final UpnpRouter router = mock(UpnpRouter.class);
    private final InternetGateway gateway = mock(InternetGateway.class);
    private static final MappingConfig WEB = new MappingConfig("web", 8080, 80, "TCP", Optional.empty(), 3600, false);

    MappingReconcilerTest() throws Exception {
        when(router.gateway()).thenReturn(gateway);
        when(gateway.localAddress()).thenReturn(InetAddress.getByName("192.168.77.100"));
    }

    private static PortMapping granted(long lease) {
        return new PortMapping("", 8080, "TCP", 80, "192.168.77.100", true, "wan-agent web", lease);
    }

    static UpnpException upnpError(int code) {
        UpnpException e = mock(UpnpException.class);
        when(e.errorCode()).thenReturn(Optional.of(code));
        when(e.is(anyInt())).thenAnswer(inv -> inv.getArgument(0, Integer.class) == code);
        when(e.getMessage()).thenReturn("AddPortMapping: UPnP error " + code);
        return e;
    }

    @Test
    void aLeaseIsRenewedAtHalfLife() throws Exception {
        when(gateway.specificPortMapping(8080, "TCP")).thenReturn(Optional.empty());
        when(gateway.addPortMapping(any(PortMappingRequest.class))).thenReturn(granted(3600));
        MappingReconciler r = new MappingReconciler(List.of(WEB), router, clock);
        assertTrue(r.reconcile().get(0).ok());
        assertEquals(Optional.of(clock.instant().plus(Duration.ofMinutes(30))), r.nextDue(clock.instant()));
    }

    @Test
    void aFailingRenewalBacksOffInsteadOfLooping() throws Exception {
        when(gateway.specificPortMapping(8080, "TCP")).thenReturn(Optional.of(granted(3600)));
        UpnpException failed = upnpError(UpnpException.ACTION_FAILED);
        when(gateway.addPortMapping(any(PortMappingRequest.class))).thenThrow(failed);
        MappingReconciler r = new MappingReconciler(List.of(WEB), router, clock);
        long[] waits = {1, 2, 4, 8, 16, 30, 30};
        for (long w : waits) {
            assertFalse(r.reconcile().get(0).ok());
            Instant now = clock.instant();
            assertEquals(Optional.of(now.plusSeconds(w)), r.nextDue(now), "retry after " + w + " s");
            clock.advance(Duration.ofSeconds(w));
        }
        verify(gateway, times(waits.length)).addPortMapping(any(PortMappingRequest.class));
    }

    @Test
    void anUnreachableRouterIsAskedAgainWithBackOffAndTheMappingComesBack() throws Exception {
        when(router.gateway()).thenThrow(new IOException("connection refused"));
        MappingReconciler r = new MappingReconciler(List.of(WEB), router, clock);
        for (long w : new long[] {1, 2, 4}) {
            assertFalse(r.reconcile().get(0).ok());
            assertEquals(Optional.of(clock.instant().plusSeconds(w)), r.nextDue(clock.instant()));
            clock.advance(Duration.ofSeconds(w));
        }
        // the router answers again, with an empty table
        org.mockito.Mockito.reset(router);
        when(router.gateway()).thenReturn(gateway);
        when(gateway.specificPortMapping(8080, "TCP")).thenReturn(Optional.empty());
        when(gateway.addPortMapping(any(PortMappingRequest.class))).thenReturn(granted(3600));
        assertTrue(r.reconcile().get(0).ok());
        assertEquals(Optional.of(clock.instant().plus(Duration.ofMinutes(30))), r.nextDue(clock.instant()),
                "back to the half-life schedule");
    }

    @Test
    void aPortHeldByAnotherHostIsReportedAndLeftToThePoll() throws Exception {
        when(gateway.specificPortMapping(8080, "TCP")).thenReturn(Optional.of(
                new PortMapping("", 8080, "TCP", 80, "192.168.77.50", true, "someone else", 0)));
        MappingReconciler r = new MappingReconciler(List.of(WEB), router, clock);
        MappingReconciler.MappingStatus s = r.reconcile().get(0);
        assertFalse(s.ok());
        assertTrue(s.detail().contains("192.168.77.50"), s.detail());
        assertEquals(Optional.empty(), r.nextDue(clock.instant()), "no quick retries: only the poll looks again");
        verify(gateway, times(0)).addPortMapping(any(PortMappingRequest.class));
        verify(gateway, times(0)).deletePortMapping(anyInt(), anyString());
    }

    @Test
    void aMappingTheRouterLostIsCreatedAgain() throws Exception {
        when(gateway.specificPortMapping(8080, "TCP")).thenReturn(Optional.empty());
        when(gateway.addPortMapping(any(PortMappingRequest.class))).thenReturn(granted(3600));
        MappingReconciler r = new MappingReconciler(List.of(WEB), router, clock);
        assertTrue(r.reconcile().get(0).ok());
        clock.advance(Duration.ofSeconds(5)); // the router restarts: 714 for GetSpecificPortMappingEntry
        assertTrue(r.reconcile().get(0).ok());
        verify(gateway, times(2)).addPortMapping(any(PortMappingRequest.class));
    }
}
