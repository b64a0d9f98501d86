package dev.wanagent.pcp;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A PCP (RFC 6887) and NAT-PMP (RFC 6886) client for one gateway. Each call opens its own socket, sends the request
 * and retransmits it (250 ms, doubling) until an acceptable answer arrives or the time budget (2.5 s by default:
 * the agent has other sources and its own back-off; the RFCs' full schedules last a minute or more) is spent.
 *
 * <p>An answer is accepted only from the gateway's address and port, with the version, opcode and (PCP MAP) nonce,
 * protocol and internal port of the request; anything else is ignored and named in the timeout message if nothing
 * acceptable follows.
 *
 * <p>{@link Mode#AUTO} asks PCP first and falls back to NAT-PMP when the router answers UNSUPP_VERSION or answers in
 * NAT-PMP's version; the protocol found is kept for the client's life.
 *
 * <p>Every answer's epoch goes through {@link Epoch#lostState}: a router that lost its mappings is counted in
 * {@link #stateResets()}, which the caller compares to re-create its mappings at once.
 */
public final class PcpClient {
    private static final Logger LOG = LoggerFactory.getLogger(PcpClient.class);
    public static final Duration DEFAULT_BUDGET = Duration.ofMillis(2500);
    static final Duration FIRST_WAIT = Duration.ofMillis(250);
    private static final long LAST_WAIT_NANOS = 100_000_000;
    /** How long the probe mapping that reads the external address over PCP asks to live (it is deleted at once). */
    static final long PROBE_LIFETIME = 120;

    /** Which protocol to speak. */
    public enum Mode {
        AUTO, PCP, NATPMP
    }

    /** The router's external IPv4 address and the answer it came in. */
    public record ExternalAddress(InetAddress address, long epoch, PortMapProtocol via) {
    }

    private final InetAddress gateway;
    private final int port;
    private final Mode mode;
    private final Duration budget;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    /** One nonce per mapping, kept for renewals and deletion (RFC 6887 §11.2: the nonce identifies the owner). */
    private final Map<String, byte[]> nonces = new HashMap<>();
    private PortMapProtocol found;
    private Epoch.Observation lastEpoch;
    private long resets;

    public PcpClient(InetAddress gateway, Mode mode) {
        this(gateway, Wire.PORT, mode, DEFAULT_BUDGET, Clock.systemUTC());
    }

    /** For tests: another port than 5351 and a shorter budget. */
    public PcpClient(InetAddress gateway, int port, Mode mode, Duration budget, Clock clock) {
        this.gateway = Objects.requireNonNull(gateway, "gateway");
        this.port = port;
        this.mode = Objects.requireNonNull(mode, "mode");
        this.budget = budget;
        this.clock = clock;
        if (mode == Mode.PCP) found = PortMapProtocol.PCP;
        if (mode == Mode.NATPMP) found = PortMapProtocol.NATPMP;
    }

    public InetAddress gateway() {
        return gateway;
    }

    /** The protocol in use: fixed by the mode, or found by the first answer in AUTO. */
    public synchronized Optional<PortMapProtocol> protocol() {
        return Optional.ofNullable(found);
    }

    /** How many times an answer's epoch showed that the router lost its mappings. */
    public synchronized long stateResets() {
        return resets;
    }

    /** The last epoch the router sent, if any answer came. */
    public synchronized Optional<Long> lastEpoch() {
        return Optional.ofNullable(lastEpoch).map(Epoch.Observation::serverEpoch);
    }

    /**
     * The router's external IPv4 address. NAT-PMP has a request for it (opcode 0). PCP has none: as Tailscale's
     * portmapper does, the address is read from a MAP answer — here a short-lived UDP mapping of this call's own
     * socket port (a port nobody else uses on this host), deleted again right after. The ANNOUNCE answer carries no
     * address, only the epoch.
     */
    public synchronized ExternalAddress externalAddress() throws PcpException {
        PortMapProtocol p = negotiate();
        if (p == PortMapProtocol.NATPMP) {
            try (Exchange x = open()) {
                Wire.NatpmpAnswer a = x.natpmp(Wire.natpmpAddressRequest(), 0);
                if (!(a.address() instanceof Inet4Address) || a.address().isAnyLocalAddress()) {
                    throw new PcpException(PcpException.Kind.NO_ANSWER,
                            "NAT-PMP: the router has no external IPv4 address (it answered "
                                    + (a.address() == null ? "none" : a.address().getHostAddress()) + ")");
                }
                return new ExternalAddress(a.address(), a.epoch(), p);
            }
        }
        try (Exchange x = open()) {
            int probePort = x.socket.getLocalPort();
            byte[] nonce = newNonce();
            Wire.PcpAnswer a = x.pcp(Wire.pcpMapRequest(x.local, nonce, Transport.UDP, probePort, 0, null,
                    PROBE_LIFETIME), Wire.PCP_OPCODE_MAP, nonce, Transport.UDP, probePort);
            try {
                x.pcp(Wire.pcpMapRequest(x.local, nonce, Transport.UDP, probePort, 0, null, 0), Wire.PCP_OPCODE_MAP,
                        nonce, Transport.UDP, probePort);
            } catch (PcpException e) {
                LOG.debug("PCP: deleting the address probe mapping: {} (it expires in {} s)", e.getMessage(),
                        a.lifetime());
            }
            InetAddress ext = a.externalAddress();
            if (!(ext instanceof Inet4Address) || ext.isAnyLocalAddress()) {
                throw new PcpException(PcpException.Kind.NO_ANSWER, "PCP: the router's MAP answer has no external"
                        + " IPv4 address (" + (ext == null ? "none" : ext.getHostAddress()) + ")");
            }
            return new ExternalAddress(ext, a.epoch(), p);
        }
    }

    /**
     * PCP ANNOUNCE (opcode 0): the router's epoch, nothing else. With NAT-PMP the external-address request plays
     * this part. Every answer's epoch is checked for a router restart.
     */
    public synchronized long announce() throws PcpException {
        PortMapProtocol p = negotiate();
        if (p == PortMapProtocol.NATPMP) return externalAddress().epoch();
        try (Exchange x = open()) {
            return x.pcp(Wire.pcpAnnounceRequest(x.local), Wire.PCP_OPCODE_ANNOUNCE, null, null, 0).epoch();
        }
    }

    /**
     * Asks for {@code internalPort} on this host to be reachable from outside, for {@code lifetimeSeconds}; the
     * router may grant another external port and another lifetime: the answer is what it granted.
     */
    public synchronized PcpMapping map(Transport t, int internalPort, int suggestedExternalPort, long lifetimeSeconds)
            throws PcpException {
        return map(t, internalPort, suggestedExternalPort, lifetimeSeconds, false);
    }

    /**
     * Asks for exactly {@code externalPort} (high availability: the mapping is a lock held by one host). PCP sends
     * the PREFER_FAILURE option (RFC 6887 §13.2): a router that cannot give that port (another host holds it)
     * answers CANNOT_PROVIDE_EXTERNAL. NAT-PMP has no such option: its router may grant another port, so the caller
     * compares {@link PcpMapping#externalPort()} and gives back a mapping it did not ask for.
     */
    public synchronized PcpMapping mapExactly(Transport t, int internalPort, int externalPort, long lifetimeSeconds)
            throws PcpException {
        if (externalPort < 1 || externalPort > 65535) throw new IllegalArgumentException("external port " + externalPort);
        return map(t, internalPort, externalPort, lifetimeSeconds, true);
    }

    /** This host's address as the router sees it on the route towards it. */
    public InetAddress localAddress() throws PcpException {
        try (Exchange x = open()) {
            return x.local;
        }
    }

    private PcpMapping map(Transport t, int internalPort, int suggestedExternalPort, long lifetimeSeconds,
                           boolean preferFailure) throws PcpException {
        if (internalPort < 1 || internalPort > 65535) throw new IllegalArgumentException("internal port " + internalPort);
        if (lifetimeSeconds < 1 || lifetimeSeconds > 0xffffffffL) {
            throw new IllegalArgumentException("lifetime " + lifetimeSeconds + " (use unmap to delete)");
        }
        PortMapProtocol p = negotiate();
        if (p == PortMapProtocol.NATPMP) {
            // NAT-PMP's MAP answer has no address: ask for it first (same socket, same epoch checks)
            try (Exchange x = open()) {
                Wire.NatpmpAnswer addr = x.natpmp(Wire.natpmpAddressRequest(), 0);
                Wire.NatpmpAnswer a = x.natpmp(Wire.natpmpMapRequest(t, internalPort, suggestedExternalPort,
                        lifetimeSeconds), t.natpmpOpcode);
                if (a.internalPort() != internalPort) {
                    throw new PcpException(PcpException.Kind.MISMATCH, "NAT-PMP answer for internal port "
                            + a.internalPort() + " (asked " + internalPort + ")");
                }
                InetAddress ext = addr.address() == null ? Wire.address(new byte[4]) : addr.address();
                return new PcpMapping(t, internalPort, a.externalPort(), ext, a.lifetime(), clock.instant(),
                        a.epoch(), p);
            }
        }
        byte[] nonce = nonces.computeIfAbsent(t + "/" + internalPort, k -> newNonce());
        try (Exchange x = open()) {
            Wire.PcpAnswer a = x.pcp(Wire.pcpMapRequest(x.local, nonce, t, internalPort, suggestedExternalPort, null,
                    lifetimeSeconds, preferFailure), Wire.PCP_OPCODE_MAP, nonce, t, internalPort);
            return new PcpMapping(t, internalPort, a.externalPort(), a.externalAddress(), a.lifetime(),
                    clock.instant(), a.epoch(), p);
        }
    }

    /** Deletes a mapping this client made (lifetime 0, PCP with the same nonce). */
    public synchronized void unmap(Transport t, int internalPort) throws PcpException {
        PortMapProtocol p = negotiate();
        try (Exchange x = open()) {
            if (p == PortMapProtocol.NATPMP) {
                x.natpmp(Wire.natpmpMapRequest(t, internalPort, 0, 0), t.natpmpOpcode);
                return;
            }
            byte[] nonce = nonces.computeIfAbsent(t + "/" + internalPort, k -> newNonce());
            x.pcp(Wire.pcpMapRequest(x.local, nonce, t, internalPort, 0, null, 0), Wire.PCP_OPCODE_MAP, nonce, t,
                    internalPort);
        }
    }

    /** AUTO: an ANNOUNCE finds out whether the router speaks PCP; UNSUPP_VERSION or a NAT-PMP answer → NAT-PMP. */
    private PortMapProtocol negotiate() throws PcpException {
        if (found != null) return found;
        try (Exchange x = open()) {
            x.pcp(Wire.pcpAnnounceRequest(x.local), Wire.PCP_OPCODE_ANNOUNCE, null, null, 0);
            found = PortMapProtocol.PCP;
        } catch (PcpException e) {
            if (!e.unsupportedVersion()) throw e;
            LOG.info("PCP: the router does not speak PCP ({}); using NAT-PMP", e.getMessage());
            found = PortMapProtocol.NATPMP;
        }
        return found;
    }

    private byte[] newNonce() {
        byte[] n = new byte[Wire.NONCE_BYTES];
        random.nextBytes(n);
        return n;
    }

    private void observeEpoch(long epoch, PortMapProtocol p) {
        Epoch.Observation now = new Epoch.Observation(clock.millis(), epoch);
        if (Epoch.lostState(lastEpoch, now)) {
            resets++;
            LOG.warn("{}: the router's epoch went from {} to {}: it restarted or lost its mappings", p.label(),
                    lastEpoch.serverEpoch(), epoch);
        }
        lastEpoch = now;
    }

    private Exchange open() throws PcpException {
        try {
            InetAddress local;
            try (DatagramSocket probe = new DatagramSocket()) {
                probe.connect(gateway, port); // no packet: the kernel picks the route and source address
                local = probe.getLocalAddress();
            }
            DatagramSocket s = new DatagramSocket(new InetSocketAddress(local, 0));
            return new Exchange(s, local);
        } catch (IOException e) {
            throw new PcpException(PcpException.Kind.IO, "cannot open a UDP socket towards " + gateway.getHostAddress()
                    + ":" + port + ": " + e.getMessage());
        }
    }

    /** One socket: send, retransmit, accept only the right answer. */
    private final class Exchange implements AutoCloseable {
        final DatagramSocket socket;
        final InetAddress local;

        Exchange(DatagramSocket socket, InetAddress local) {
            this.socket = socket;
            this.local = local;
        }

        @Override
        public void close() {
            socket.close();
        }

        Wire.NatpmpAnswer natpmp(byte[] request, int opcode) throws PcpException {
            Wire.NatpmpAnswer a = (Wire.NatpmpAnswer) exchange(request, PortMapProtocol.NATPMP,
                    (d, n) -> Wire.parseNatpmp(d, n, opcode));
            observeEpoch(a.epoch(), PortMapProtocol.NATPMP);
            if (a.result() != 0) {
                ResultCode r = new ResultCode(PortMapProtocol.NATPMP, a.result());
                throw new PcpException(r, r.describe());
            }
            return a;
        }

        Wire.PcpAnswer pcp(byte[] request, int opcode, byte[] nonce, Transport t, int internalPort)
                throws PcpException {
            Wire.PcpAnswer a = (Wire.PcpAnswer) exchange(request, PortMapProtocol.PCP,
                    (d, n) -> Wire.parsePcp(d, n, opcode, nonce, t, internalPort));
            if (a.version() != Wire.PCP_VERSION) {
                // UNSUPP_VERSION from a PCP server of another version, or a NAT-PMP server's answer
                ResultCode r = new ResultCode(a.version() == Wire.NATPMP_VERSION ? PortMapProtocol.NATPMP
                        : PortMapProtocol.PCP, 1);
                throw new PcpException(r, r.describe() + " (it answered in version " + a.version()
                        + (a.version() == 0 ? ": NAT-PMP" : "") + ")");
            }
            observeEpoch(a.epoch(), PortMapProtocol.PCP);
            if (a.result() != 0) {
                ResultCode r = new ResultCode(PortMapProtocol.PCP, a.result());
                throw new PcpException(r, r.describe() + (a.lifetime() > 0 ? " (for the next " + a.lifetime()
                        + " s)" : ""));
            }
            return a;
        }

        private Object exchange(byte[] request, PortMapProtocol p, Parser parser) throws PcpException {
            long start = System.nanoTime();
            long deadline = start + budget.toNanos();
            long wait = FIRST_WAIT.toNanos();
            byte[] buf = new byte[Wire.MAX_MESSAGE + 4];
            int sent = 0;
            String ignored = null;
            int ignoredCount = 0;
            try {
                // no new request when too little time is left for its answer
                while (deadline - System.nanoTime() >= LAST_WAIT_NANOS) {
                    socket.send(new DatagramPacket(request, request.length, gateway, port));
                    sent++;
                    long attemptEnd = Math.min(deadline, System.nanoTime() + wait);
                    wait *= 2;
                    while (true) {
                        long left = attemptEnd - System.nanoTime();
                        if (left <= 0) break;
                        socket.setSoTimeout((int) Math.max(1, left / 1_000_000));
                        DatagramPacket in = new DatagramPacket(buf, buf.length);
                        try {
                            socket.receive(in);
                        } catch (SocketTimeoutException e) {
                            break;
                        }
                        if (!gateway.equals(in.getAddress()) || in.getPort() != port) {
                            ignoredCount++;
                            ignored = "a datagram from " + in.getAddress().getHostAddress() + ":" + in.getPort()
                                    + " (not the gateway's port " + port + ")";
                            continue;
                        }
                        try {
                            return parser.parse(in.getData(), in.getLength());
                        } catch (PcpException e) {
                            ignoredCount++;
                            ignored = e.getMessage();
                            LOG.debug("{}: ignored an answer from {}: {}", p.label(), gateway.getHostAddress(),
                                    e.getMessage());
                        }
                    }
                }
            } catch (IOException e) {
                throw new PcpException(PcpException.Kind.IO, p.label() + ": " + gateway.getHostAddress() + ":" + port
                        + ": " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
            }
            long ms = (System.nanoTime() - start) / 1_000_000;
            throw new PcpException(PcpException.Kind.NO_ANSWER, "no " + p.label() + " answer from "
                    + gateway.getHostAddress() + ":" + port + " within " + ms + " ms (" + sent + " requests"
                    + (ignoredCount == 0 ? "; is " + p.label() + " enabled on the router?"
                    : "; ignored " + ignoredCount + ", the last: " + ignored) + ")");
        }
    }

    @FunctionalInterface
    private interface Parser {
        Object parse(byte[] data, int length) throws PcpException;
    }

}
