package dev.wanagent.pcp;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The client against a fake router on 127.0.0.1 answering as RFC 6886/6887 describe. */
class PcpClientTest {
    private static final byte[] WAN = {11, 22, 33, 44};
    private static final Duration BUDGET = Duration.ofMillis(800);
    private final AtomicLong clientMillis = new AtomicLong(1_000_000);

    private final Clock clock = new Clock() {
        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(clientMillis.get());
        }
    };

    private PcpClient client(FakeRouter r, PcpClient.Mode mode) {
        return new PcpClient(InetAddress.getLoopbackAddress(), r.port(), mode, BUDGET, clock);
    }

    private static List<FakeRouter.Reply> one(byte[] data) {
        return List.of(FakeRouter.Reply.of(data));
    }

    /** A NAT-PMP-only router (RFC 6886): answers version 0; anything else with UNSUPPORTED_VERSION. */
    private static Function<byte[], List<FakeRouter.Reply>> natpmpRouter(AtomicLong epoch) {
        return req -> {
            if (req[0] != 0) {
                return one(java.nio.ByteBuffer.allocate(8).put((byte) 0).put((byte) (128 + (req[1] & 0x7f)))
                        .putShort((short) 1).putInt((int) epoch.get()).array());
            }
            if (req[1] == 0) return one(FakeRouter.natpmpAddress(0, epoch.get(), WAN));
            int internal = FakeRouter.u16(req, 4);
            int suggested = FakeRouter.u16(req, 6);
            long lifetime = java.nio.ByteBuffer.wrap(req, 8, 4).getInt() & 0xffffffffL;
            return one(FakeRouter.natpmpMap(req[1], 0, epoch.get(), internal, suggested + 1, Math.min(lifetime, 7200)));
        };
    }

    /** A PCP router (RFC 6887): grants the suggested port, caps the lifetime at 7200 s. */
    private static Function<byte[], List<FakeRouter.Reply>> pcpRouter(AtomicLong epoch) {
        return req -> {
            if (req[0] != 2) return one(new byte[]{2, (byte) 0x80, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                    0, 0, 0, 0, 0});
            long life = Math.min(FakeRouter.lifetimeOf(req), 7200);
            int suggested = (req[1] & 0x7f) == 1 ? FakeRouter.u16(req, 42) : 0;
            return one(FakeRouter.pcp(req, 0, life, epoch.get(), suggested == 0 ? 40000 : suggested, WAN));
        };
    }

    @Test
    void natpmpExternalAddressAndMapping() throws Exception {
        try (FakeRouter r = new FakeRouter(natpmpRouter(new AtomicLong(77)))) {
            PcpClient c = client(r, PcpClient.Mode.NATPMP);
            PcpClient.ExternalAddress a = c.externalAddress();
            assertEquals("11.22.33.44", a.address().getHostAddress());
            assertEquals(77, a.epoch());
            assertEquals(PortMapProtocol.NATPMP, a.via());
            assertArrayEquals(new byte[]{0, 0}, r.requests.get(0));

            PcpMapping m = c.map(Transport.TCP, 80, 8080, 3600);
            byte[] req = r.requests.get(r.requests.size() - 1);
            assertEquals(12, req.length);
            assertEquals(2, req[1]); // TCP
            assertEquals(80, FakeRouter.u16(req, 4));
            assertEquals(8080, FakeRouter.u16(req, 6));
            assertEquals(new PcpMapping(Transport.TCP, 80, 8081, InetAddress.getByAddress(WAN), 3600,
                    clock.instant(), 77, PortMapProtocol.NATPMP), m);
            assertEquals(clock.instant().plusSeconds(1800), m.renewAt());

            c.map(Transport.UDP, 5000, 5000, 100000);
            assertEquals(1, r.requests.get(r.requests.size() - 1)[1]); // UDP
            c.unmap(Transport.UDP, 5000);
            byte[] del = r.requests.get(r.requests.size() - 1);
            assertEquals(0, java.nio.ByteBuffer.wrap(del, 8, 4).getInt());
            assertEquals(0, FakeRouter.u16(del, 6)); // RFC 6886 §3.4: suggested external port 0 to delete
        }
    }

    @Test
    void pcpMapCarriesTheClientAddressNonceAndSuggestion() throws Exception {
        try (FakeRouter r = new FakeRouter(pcpRouter(new AtomicLong(500)))) {
            PcpClient c = client(r, PcpClient.Mode.PCP);
            PcpMapping m = c.map(Transport.UDP, 51820, 51820, 7200);
            byte[] req = r.requests.get(0);
            assertEquals(60, req.length);
            assertEquals(2, req[0]);
            assertEquals(1, req[1]);
            assertEquals(7200, FakeRouter.lifetimeOf(req));
            byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 127, 0, 0, 1};
            assertArrayEquals(mapped, Arrays.copyOfRange(req, 8, 24));
            assertEquals(17, req[36]);
            assertEquals(51820, FakeRouter.u16(req, 40));
            assertEquals(51820, FakeRouter.u16(req, 42));
            assertEquals(new PcpMapping(Transport.UDP, 51820, 51820, InetAddress.getByAddress(WAN), 7200,
                    clock.instant(), 500, PortMapProtocol.PCP), m);
            // a renewal keeps the nonce (RFC 6887 §11.2); deletion too
            c.map(Transport.UDP, 51820, 51820, 7200);
            c.unmap(Transport.UDP, 51820);
            assertArrayEquals(Arrays.copyOfRange(req, 24, 36), Arrays.copyOfRange(r.requests.get(1), 24, 36));
            assertArrayEquals(Arrays.copyOfRange(req, 24, 36), Arrays.copyOfRange(r.requests.get(2), 24, 36));
            assertEquals(0, FakeRouter.lifetimeOf(r.requests.get(2)));
        }
    }

    @Test
    void pcpExternalAddressFromAProbeMappingThatIsDeletedAgain() throws Exception {
        try (FakeRouter r = new FakeRouter(pcpRouter(new AtomicLong(500)))) {
            PcpClient.ExternalAddress a = client(r, PcpClient.Mode.PCP).externalAddress();
            assertEquals("11.22.33.44", a.address().getHostAddress());
            assertEquals(PortMapProtocol.PCP, a.via());
            assertEquals(2, r.requests.size());
            assertTrue(FakeRouter.lifetimeOf(r.requests.get(0)) > 0);
            assertEquals(0, FakeRouter.lifetimeOf(r.requests.get(1)));
            assertArrayEquals(Arrays.copyOfRange(r.requests.get(0), 24, 44),
                    Arrays.copyOfRange(r.requests.get(1), 24, 44)); // same nonce, protocol, port
        }
    }

    @Test
    void autoUsesPcpWhenTheRouterSpeaksIt() throws Exception {
        try (FakeRouter r = new FakeRouter(pcpRouter(new AtomicLong(9)))) {
            PcpClient c = client(r, PcpClient.Mode.AUTO);
            assertEquals("11.22.33.44", c.externalAddress().address().getHostAddress());
            assertEquals(PortMapProtocol.PCP, c.protocol().orElseThrow());
            assertEquals(0, r.requests.get(0)[1]); // ANNOUNCE first
        }
    }

    @Test
    void autoFallsBackToNatpmpOnANatpmpUnsupportedVersionAnswer() throws Exception {
        try (FakeRouter r = new FakeRouter(natpmpRouter(new AtomicLong(9)))) {
            PcpClient c = client(r, PcpClient.Mode.AUTO);
            PcpClient.ExternalAddress a = c.externalAddress();
            assertEquals("11.22.33.44", a.address().getHostAddress());
            assertEquals(PortMapProtocol.NATPMP, a.via());
            assertEquals(PortMapProtocol.NATPMP, c.protocol().orElseThrow());
            assertEquals(2, r.requests.get(0)[0]);
            assertEquals(0, r.requests.get(1)[0]);
            c.externalAddress();
            assertEquals(3, r.requests.size()); // found once, kept
        }
    }

    @Test
    void autoFallsBackOnPcpUnsupportedVersionFromAnOlderPcpServer() throws Exception {
        AtomicLong epoch = new AtomicLong(3);
        try (FakeRouter r = new FakeRouter(req -> req[0] == 2
                ? one(new byte[]{1, (byte) 0x80, 0, 1, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})
                : natpmpRouter(epoch).apply(req))) {
            PcpClient c = client(r, PcpClient.Mode.AUTO);
            assertEquals(PortMapProtocol.NATPMP, c.map(Transport.TCP, 22, 2222, 60).via());
        }
    }

    @Test
    void pcpModeDoesNotFallBack() throws Exception {
        try (FakeRouter r = new FakeRouter(natpmpRouter(new AtomicLong(9)))) {
            PcpException e = assertThrows(PcpException.class, () -> client(r, PcpClient.Mode.PCP).externalAddress());
            assertTrue(e.unsupportedVersion(), e.getMessage());
            assertTrue(e.getMessage().contains("UNSUPPORTED_VERSION"), e.getMessage());
        }
    }

    @Test
    void wrongNonceWrongOpcodeShortAndForeignAnswersAreIgnored() throws Exception {
        AtomicLong epoch = new AtomicLong(10);
        try (FakeRouter r = new FakeRouter(req -> {
            byte[] good = FakeRouter.pcp(req, 0, 3600, epoch.get(), 8080, WAN);
            byte[] wrongNonce = good.clone();
            wrongNonce[24] ^= 1;
            byte[] wrongOpcode = good.clone();
            wrongOpcode[1] = (byte) 0x82;
            byte[] spoofed = FakeRouter.pcp(req, 0, 3600, epoch.get(), 8080, new byte[]{6, 6, 6, 6});
            return List.of(FakeRouter.Reply.of(wrongNonce), FakeRouter.Reply.of(wrongOpcode),
                    FakeRouter.Reply.of(Arrays.copyOf(good, 20)), FakeRouter.Reply.of(new byte[]{2}),
                    new FakeRouter.Reply(spoofed, true), FakeRouter.Reply.of(good));
        })) {
            PcpMapping m = client(r, PcpClient.Mode.PCP).map(Transport.TCP, 80, 8080, 3600);
            assertEquals("11.22.33.44", m.externalAddress().getHostAddress());
            assertEquals(1, r.requests.size());
        }
    }

    @Test
    void onlyWrongAnswersIsNoAnswerNamingWhatWasIgnored() throws Exception {
        try (FakeRouter r = new FakeRouter(req -> {
            byte[] bad = FakeRouter.pcp(req, 0, 3600, 1, 8080, WAN);
            bad[30] ^= 1; // nonce
            return one(bad);
        })) {
            long start = System.nanoTime();
            PcpException e = assertThrows(PcpException.class,
                    () -> client(r, PcpClient.Mode.PCP).map(Transport.TCP, 80, 8080, 3600));
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertEquals(PcpException.Kind.NO_ANSWER, e.kind());
            assertTrue(e.getMessage().contains("nonce"), e.getMessage());
            assertTrue(ms >= 700 && ms < 1500, ms + " ms");
            // 250 ms, then 500 ms; 50 ms left of the 800 ms budget is too little for a third
            assertEquals(2, r.requests.size(), e.getMessage());
        }
    }

    @Test
    void retransmitsUntilAnswered() throws Exception {
        AtomicInteger seen = new AtomicInteger();
        try (FakeRouter r = new FakeRouter(req -> seen.incrementAndGet() < 3 ? List.of()
                : natpmpRouter(new AtomicLong(5)).apply(req))) {
            PcpClient c = new PcpClient(InetAddress.getLoopbackAddress(), r.port(), PcpClient.Mode.NATPMP,
                    Duration.ofMillis(2500), clock);
            long start = System.nanoTime();
            assertEquals("11.22.33.44", c.externalAddress().address().getHostAddress());
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertTrue(ms >= 700, ms + " ms: 250 + 500 before the third request");
            assertEquals(3, r.requests.size());
        }
    }

    @Test
    void silentRouterIsNoAnswerWithinTheBudget() throws Exception {
        try (FakeRouter r = new FakeRouter(req -> List.of())) {
            PcpException e = assertThrows(PcpException.class, () -> client(r, PcpClient.Mode.NATPMP).externalAddress());
            assertEquals(PcpException.Kind.NO_ANSWER, e.kind());
            assertTrue(e.getMessage().contains("no NAT-PMP answer from 127.0.0.1:" + r.port()), e.getMessage());
        }
    }

    @Test
    void everyPcpResultCodeIsNamed() throws Exception {
        String[] names = {"UNSUPP_VERSION", "NOT_AUTHORIZED", "MALFORMED_REQUEST", "UNSUPP_OPCODE", "UNSUPP_OPTION",
                "MALFORMED_OPTION", "NETWORK_FAILURE", "NO_RESOURCES", "UNSUPP_PROTOCOL", "USER_EX_QUOTA",
                "CANNOT_PROVIDE_EXTERNAL", "ADDRESS_MISMATCH", "EXCESSIVE_REMOTE_PEERS"};
        AtomicInteger code = new AtomicInteger();
        try (FakeRouter r = new FakeRouter(req -> one(FakeRouter.pcp(req, code.get(), 30, 1, 0, new byte[4])))) {
            PcpClient c = client(r, PcpClient.Mode.PCP);
            for (int i = 1; i <= 13; i++) {
                code.set(i);
                PcpException e = assertThrows(PcpException.class, () -> c.map(Transport.TCP, 80, 80, 60));
                assertEquals(PcpException.Kind.RESULT, e.kind());
                assertEquals(i, e.result().orElseThrow().code());
                assertTrue(e.getMessage().startsWith("PCP result " + i + " " + names[i - 1] + ": "), e.getMessage());
                assertTrue(e.getMessage().contains("for the next 30 s"), e.getMessage());
            }
        }
    }

    @Test
    void mapExactlySendsPreferFailureAndTheRouterRefusalIsCannotProvideExternal() throws Exception {
        // a router like miniupnpd: port 8080 is another host's; with PREFER_FAILURE it refuses instead of moving
        try (FakeRouter r = new FakeRouter(req -> {
            boolean preferFailure = req.length == 64 && req[60] == 2 && req[62] == 0 && req[63] == 0;
            boolean held = FakeRouter.u16(req, 42) == 8080;
            if (held && preferFailure) return one(FakeRouter.pcp(req, 11, 30, 1, 0, new byte[4]));
            return one(FakeRouter.pcp(req, 0, 30, 1, held ? 8081 : FakeRouter.u16(req, 42), WAN));
        })) {
            PcpClient c = client(r, PcpClient.Mode.PCP);
            PcpException e = assertThrows(PcpException.class, () -> c.mapExactly(Transport.TCP, 80, 8080, 30));
            assertEquals(11, e.result().orElseThrow().code());
            assertTrue(e.getMessage().contains("CANNOT_PROVIDE_EXTERNAL"), e.getMessage());
            byte[] req = r.requests.get(0);
            assertEquals(64, req.length);
            assertEquals(2, req[60]); // option code PREFER_FAILURE, reserved 0, length 0
            assertEquals(0, FakeRouter.u16(req, 62));
            assertEquals(3389, c.mapExactly(Transport.TCP, 3389, 3389, 30).externalPort());
            // without the option the same router moves the mapping to another port
            assertEquals(8081, c.map(Transport.TCP, 80, 8080, 30).externalPort());
            assertEquals(60, r.requests.get(r.requests.size() - 1).length);
        }
    }

    @Test
    void headerOnlyPcpErrorIsAccepted() throws Exception {
        try (FakeRouter r = new FakeRouter(req -> one(Arrays.copyOf(FakeRouter.pcp(req, 3, 0, 1, 0, new byte[4]),
                24)))) {
            PcpException e = assertThrows(PcpException.class,
                    () -> client(r, PcpClient.Mode.PCP).map(Transport.TCP, 80, 80, 60));
            assertTrue(e.getMessage().contains("MALFORMED_REQUEST"), e.getMessage());
        }
    }

    @Test
    void everyNatpmpResultCodeIsNamed() throws Exception {
        String[] names = {"UNSUPPORTED_VERSION", "NOT_AUTHORIZED", "NETWORK_FAILURE", "OUT_OF_RESOURCES",
                "UNSUPPORTED_OPCODE"};
        AtomicInteger code = new AtomicInteger();
        try (FakeRouter r = new FakeRouter(req -> one(req[1] == 0 ? FakeRouter.natpmpAddress(code.get(), 1, WAN)
                : FakeRouter.natpmpMap(req[1], code.get(), 1, 0, 0, 0)))) {
            PcpClient c = client(r, PcpClient.Mode.NATPMP);
            for (int i = 1; i <= 5; i++) {
                code.set(i);
                PcpException e = assertThrows(PcpException.class, c::externalAddress);
                assertTrue(e.getMessage().startsWith("NAT-PMP result " + i + " " + names[i - 1] + ": "),
                        e.getMessage());
            }
            code.set(99);
            assertTrue(assertThrows(PcpException.class, c::externalAddress).getMessage()
                    .contains("99 UNKNOWN_RESULT"));
        }
    }

    @Test
    void epochGoingBackwardsCountsAsARouterRestart() throws Exception {
        AtomicLong epoch = new AtomicLong(1000);
        try (FakeRouter r = new FakeRouter(pcpRouter(epoch))) {
            PcpClient c = client(r, PcpClient.Mode.PCP);
            c.announce();
            clientMillis.addAndGet(10_000);
            epoch.addAndGet(10);
            c.map(Transport.TCP, 80, 80, 60);
            assertEquals(0, c.stateResets());
            clientMillis.addAndGet(5_000);
            epoch.set(3); // restarted
            assertEquals(3, c.announce());
            assertEquals(1, c.stateResets());
            clientMillis.addAndGet(5_000);
            epoch.addAndGet(5);
            c.announce();
            assertEquals(1, c.stateResets());
        }
    }

    @Test
    void natpmpEpochFallingBehindCountsAsARouterRestart() throws Exception {
        AtomicLong epoch = new AtomicLong(1000);
        try (FakeRouter r = new FakeRouter(natpmpRouter(epoch))) {
            PcpClient c = client(r, PcpClient.Mode.NATPMP);
            c.externalAddress();
            clientMillis.addAndGet(600_000);
            epoch.addAndGet(20); // advanced 20 s while 600 s passed: it restarted
            c.externalAddress();
            assertEquals(1, c.stateResets());
        }
    }
}
