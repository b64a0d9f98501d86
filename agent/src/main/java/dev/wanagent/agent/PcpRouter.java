package dev.wanagent.agent;

import dev.wanagent.config.PcpConfig;
import dev.wanagent.pcp.PcpClient;
import dev.wanagent.upnp.DefaultGateway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.MulticastSocket;
import java.net.NetworkInterface;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The router over PCP / NAT-PMP ({@code router.pcp}): a WAN source named {@code pcp}, and the client the mapping
 * keeper shares. The gateway is {@code router.pcp.gateway} or the default gateway, looked up again while none is
 * known. With {@link #enableAnnouncements}, the router's unsolicited announcements (PCP ANNOUNCE, NAT-PMP address
 * notices, both multicast to 224.0.0.1:5350 when it starts or its address changes) trigger a pass at once.
 */
final class PcpRouter implements WanSource, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PcpRouter.class);
    static final int ANNOUNCE_PORT = 5350;
    private final PcpConfig config;
    private PcpClient client;
    private MulticastSocket announcements;
    private Thread listener;
    /** Unsolicited announcements heard from the router (see {@link #announcements()}). */
    private final java.util.concurrent.atomic.AtomicLong heard = new java.util.concurrent.atomic.AtomicLong();

    PcpRouter(PcpConfig config) {
        this.config = config;
    }

    /** For tests: a client of a router at another port. */
    PcpRouter(PcpConfig config, PcpClient client) {
        this.config = config;
        this.client = client;
    }

    synchronized PcpClient client() throws IOException {
        if (client != null) return client;
        Optional<InetAddress> gw = config.gateway().or(() -> DefaultGateway.ipv4(Optional.empty()));
        if (gw.isEmpty()) throw new IOException("no default gateway to ask over PCP/NAT-PMP (set router.pcp.gateway)");
        client = new PcpClient(gw.get(), switch (config.protocol()) {
            case AUTO -> PcpClient.Mode.AUTO;
            case PCP -> PcpClient.Mode.PCP;
            case NATPMP -> PcpClient.Mode.NATPMP;
        });
        return client;
    }

    @Override
    public String name() {
        return "pcp";
    }

    @Override
    public WanAddress readWanAddress() throws IOException {
        return WanAddress.ipv4Only(client().externalAddress().address());
    }

    @Override
    public String describe() throws IOException {
        PcpClient c = client();
        PcpClient.ExternalAddress a = c.externalAddress();
        return a.via().label() + " at " + c.gateway().getHostAddress() + ":5351 (protocol "
                + config.protocol().name().toLowerCase(java.util.Locale.ROOT) + "), external address "
                + a.address().getHostAddress() + ", epoch " + a.epoch() + " s";
    }

    /** Listens on UDP 5350 for the router's announcements ({@code run} only); each one calls {@code trigger}. */
    synchronized void enableAnnouncements(Consumer<String> trigger) {
        try {
            InetAddress router = client().gateway();
            MulticastSocket s = new MulticastSocket(null);
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(ANNOUNCE_PORT));
            NetworkInterface nic = NetworkInterface.getByInetAddress(DefaultGateway.localAddressTowards(router));
            if (nic != null) s.joinGroup(new InetSocketAddress(InetAddress.getByName("224.0.0.1"), 0), nic);
            announcements = s;
            listener = new Thread(() -> listen(s, router, heard, trigger), "pcp-announce");
            listener.setDaemon(true);
            listener.start();
        } catch (IOException e) {
            LOG.warn("PCP: cannot listen for the router's announcements on UDP {} ({}); a restart is noticed at the"
                    + " next renewal or poll", ANNOUNCE_PORT, e.getMessage());
        }
    }

    /**
     * How many unsolicited announcements came from the router. The router sends them when it starts (RFC 6887
     * §14.1.3; miniupnpd does): the mapping keeper re-creates everything at once on a new one, because a router whose
     * epoch follows the system uptime (miniupnpd's {@code system_uptime=yes}) keeps its epoch across a daemon
     * restart that lost every mapping. Renewing a mapping the router still has is harmless.
     */
    long announcements() {
        return heard.get();
    }

    private static void listen(MulticastSocket s, InetAddress router, java.util.concurrent.atomic.AtomicLong heard,
                               Consumer<String> trigger) {
        byte[] buf = new byte[1100];
        while (!s.isClosed()) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                s.receive(p);
            } catch (IOException e) {
                return;
            }
            if (!router.equals(p.getAddress()) || p.getPort() != 5351 || p.getLength() < 2) continue;
            int version = buf[0] & 0xff;
            int op = buf[1] & 0xff;
            if (version == 2 && op == 0x80) {
                heard.incrementAndGet();
                trigger.accept("PCP ANNOUNCE from the router: re-creating the mappings");
            } else if (version == 0 && op == 128) {
                heard.incrementAndGet();
                trigger.accept("NAT-PMP address notice from the router: re-creating the mappings");
            }
        }
    }

    @Override
    public synchronized void close() {
        if (announcements != null) announcements.close();
        announcements = null;
    }
}
