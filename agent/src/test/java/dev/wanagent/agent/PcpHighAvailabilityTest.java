package dev.wanagent.agent;

import dev.wanagent.config.HaConfig;
import dev.wanagent.config.MappingConfig;
import dev.wanagent.config.PcpConfig;
import dev.wanagent.pcp.PcpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * HA over PCP (UPnP disabled) against a PCP server shaped like miniupnpd's MAP handling: a port belongs to one owner
 * (here told apart by the nonce, one per mapping and client: both agents run on this host), a renewal by the owner is granted, another owner gets
 * another port, or CANNOT_PROVIDE_EXTERNAL with PREFER_FAILURE; a lifetime not renewed lapses (on the test's clock).
 */
class PcpHighAvailabilityTest {
    private static final List<MappingConfig> MAPPINGS = List.of(
            new MappingConfig("web", 8080, 80, "TCP", Optional.empty(), 3600, false),
            new MappingConfig("rdp", 3389, 3389, "TCP", Optional.empty(), 3600, false));
    private static final HaConfig HA = new HaConfig(true, 30);

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-26T00:00:00Z"));
    private final PcpServer router = new PcpServer(clock);

    @AfterEach
    void stop() {
        router.close();
    }

    private PcpMappings agent() {
        PcpClient client = new PcpClient(InetAddress.getLoopbackAddress(), router.port(), PcpClient.Mode.PCP,
                Duration.ofMillis(500), clock);
        PcpRouter r = new PcpRouter(new PcpConfig(true, PcpConfig.Protocol.PCP, Optional.empty()), client);
        return new PcpMappings(MAPPINGS, r, clock, Events.NONE, HA);
    }

    @Test
    void oneHostTakesTheOtherWaitsAndALapsedActiveHandsOverWithoutTouchingTheNewHoldersMappings() {
        PcpMappings a = agent();
        PcpMappings b = agent();
        assertTrue(a.standby() && b.standby(), "every host starts as standby");

        a.reconcile();
        assertFalse(a.standby());
        String aWeb = router.owner(8080);
        String aRdp = router.owner(3389);
        assertFalse(aWeb.isEmpty() || aRdp.isEmpty());
        assertEquals(Map.of("web", "127.0.0.1", "rdp", "127.0.0.1"), a.haStatus().orElseThrow().holders());

        List<MappingReconciler.MappingStatus> standing = b.reconcile();
        assertTrue(b.standby());
        assertTrue(standing.stream().allMatch(st -> st.ok() && st.detail().startsWith("standby")), standing.toString());
        assertEquals(aWeb, router.owner(8080), "the standby took nothing");
        assertEquals(aRdp, router.owner(3389));
        assertEquals(2, router.entries(), "and left nothing on another port");
        assertEquals(1, router.refusals, "one refused try (PREFER_FAILURE), stopping at the first mapping");

        // the active host renews at a third of the lifetime: 10 s
        Instant renewal = a.nextDue(clock.instant()).orElseThrow();
        assertEquals(clock.instant().plusSeconds(10), renewal);
        assertEquals(clock.instant().plusSeconds(3), b.nextDue(clock.instant()).orElseThrow(), "a tenth of the lease");
        // a pass a moment before the renewal time renews both now (together, not one of them a turn later)
        clock.advance(Duration.ofMillis(9500));
        int before = router.maps;
        a.reconcile();
        assertEquals(before + 2, router.maps, "both renewed in this pass");
        assertEquals(clock.instant().plusSeconds(10), a.nextDue(clock.instant()).orElseThrow());

        // A is cut off (no renewal) for longer than the lifetime: its mappings lapse, B takes them
        clock.advance(Duration.ofSeconds(31));
        b.reconcile();
        assertFalse(b.standby());
        String bWeb = router.owner(8080);
        String bRdp = router.owner(3389);
        assertFalse(bWeb.isEmpty() || bRdp.isEmpty() || bWeb.equals(aWeb) || bRdp.equals(aRdp));
        assertEquals(1, b.haStatus().orElseThrow().takeovers());

        // A comes back: its renewal is refused, it hands over and deletes nothing of B's
        a.reconcile();
        assertTrue(a.standby());
        assertEquals(HaRole.STANDBY, a.haStatus().orElseThrow().role());
        assertEquals(bWeb, router.owner(8080));
        assertEquals(bRdp, router.owner(3389));
        a.removeAll(); // a standby's graceful stop gives back nothing
        assertEquals(bWeb, router.owner(8080));
        assertEquals(bRdp, router.owner(3389));

        // B stops gracefully: its mappings go at once, and A's next try takes them
        b.removeAll();
        assertEquals("", router.owner(8080));
        clock.advance(Duration.ofSeconds(3));
        a.reconcile();
        assertFalse(a.standby());
        assertFalse(router.owner(8080).isEmpty() || router.owner(3389).isEmpty());
        assertEquals(2, router.entries());
    }

    /** A PCP server on loopback (RFC 6887 MAP and ANNOUNCE). */
    private static final class PcpServer implements AutoCloseable {
        private record Lease(String owner, Instant until) {
        }

        private final DatagramSocket socket;
        private final MutableClock clock;
        private final Instant boot;
        private final Map<Integer, Lease> table = new ConcurrentHashMap<>();
        volatile int refusals;
        volatile int maps;

        PcpServer(MutableClock clock) {
            this.clock = clock;
            this.boot = clock.instant();
            try {
                socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            } catch (SocketException e) {
                throw new IllegalStateException(e);
            }
            Thread t = new Thread(this::serve, "fake-pcp");
            t.setDaemon(true);
            t.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        /** Live entries in the table. */
        long entries() {
            return table.keySet().stream().filter(p -> !owner(p).isEmpty()).count();
        }

        /** The nonce (hex) holding {@code port} now, "" when free. */
        String owner(int port) {
            Lease l = table.get(port);
            return l == null || !l.until().isAfter(clock.instant()) ? "" : l.owner();
        }

        private void serve() {
            byte[] buf = new byte[1100];
            while (!socket.isClosed()) {
                try {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    socket.receive(p);
                    byte[] answer = answer(java.util.Arrays.copyOf(p.getData(), p.getLength()));
                    socket.send(new DatagramPacket(answer, answer.length, p.getSocketAddress()));
                } catch (java.io.IOException e) {
                    return;
                }
            }
        }

        private byte[] answer(byte[] req) {
            int opcode = req[1] & 0x7f;
            long epoch = Duration.between(boot, clock.instant()).toSeconds();
            ByteBuffer in = ByteBuffer.wrap(req);
            long lifetime = in.getInt(4) & 0xffffffffL;
            if (opcode != 1) return header(0, 0, epoch, opcode, 24).array();
            maps++;
            String nonce = HexFormat.of().formatHex(req, 24, 36);
            int internal = in.getShort(40) & 0xffff;
            int port = in.getShort(42) & 0xffff;
            boolean preferFailure = req.length >= 64 && req[60] == 2;
            if (lifetime == 0) { // delete: the owner's mapping of that internal port
                table.entrySet().removeIf(e -> e.getValue().owner().equals(nonce) && internalOf(e.getKey()) == internal);
                return map(header(0, 0, epoch, 1, 60), req, port);
            }
            while (!owner(port).isEmpty() && !owner(port).equals(nonce)) {
                if (preferFailure) {
                    refusals++;
                    return map(header(11, 0, epoch, 1, 60), req, port);
                }
                port++;
            }
            table.put(port, new Lease(nonce, clock.instant().plusSeconds(lifetime)));
            internals.put(port, internal);
            return map(header(0, lifetime, epoch, 1, 60), req, port);
        }

        private final Map<Integer, Integer> internals = new ConcurrentHashMap<>();

        private int internalOf(int port) {
            return internals.getOrDefault(port, -1);
        }

        private static ByteBuffer header(int result, long lifetime, long epoch, int opcode, int size) {
            ByteBuffer b = ByteBuffer.allocate(size);
            b.put((byte) 2).put((byte) (0x80 | opcode)).put((byte) 0).put((byte) result).putInt((int) lifetime)
                    .putInt((int) epoch).put(new byte[12]);
            return b;
        }

        private static byte[] map(ByteBuffer b, byte[] req, int externalPort) {
            b.put(req, 24, 12).put(req[36]).put(new byte[3]).put(req, 40, 2).putShort((short) externalPort);
            b.put(new byte[10]).put((byte) 0xff).put((byte) 0xff).put(new byte[]{11, 22, 33, 44});
            return b.array();
        }

        @Override
        public void close() {
            socket.close();
        }
    }
}
