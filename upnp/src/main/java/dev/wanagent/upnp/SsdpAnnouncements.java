package dev.wanagent.upnp;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.MulticastSocket;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Listens (receive only) to the router's SSDP announcements on the LAN interface and tells when the router has
 * restarted (its port mappings and event subscriptions are then gone): see {@link RestartEvidence} for the rules.
 * Only announcements from the router's address, and of its Internet Gateway Device, count: a router often
 * announces other devices too (a media server, TR-064), each with its own rhythm and BOOTID.
 */
public final class SsdpAnnouncements implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SsdpAnnouncements.class);
    private static final InetAddress GROUP = groupAddress();
    private static final String IGD_TYPE = "urn:schemas-upnp-org:device:InternetGatewayDevice:";
    private static final int MAX_HEADER_CHARS = 256;

    /** Called on the listener thread. */
    public interface Listener {
        void onRouterRestart(String evidence);
    }

    /** The headers of one NOTIFY that matter here, trimmed and printable; null when absent. */
    record Announcement(String nts, String nt, String usn, String location, Optional<String> bootId) {
        /** The device part of the USN ({@code uuid:…} before {@code ::}), or null. */
        String device() {
            if (usn == null) return null;
            int sep = usn.indexOf("::");
            return sep < 0 ? usn : usn.substring(0, sep);
        }
    }

    private final MulticastSocket socket;
    private final InetAddress router;
    private final Listener listener;
    private final Thread thread;
    private final RestartEvidence evidence = new RestartEvidence();
    private final Map<String, Boolean> igdLocations = bounded(16);
    private final Map<String, Boolean> igdDevices = bounded(64);
    private volatile boolean closed;

    SsdpAnnouncements(MulticastSocket socket, InetAddress router, Listener listener) {
        this.socket = socket;
        this.router = router;
        this.listener = listener;
        this.thread = new Thread(this::loop, "ssdp-announcements");
        thread.setDaemon(true);
    }

    private static InetAddress groupAddress() {
        try {
            return InetAddress.getByName("239.255.255.250");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Boolean> bounded(int max) {
        return new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > max;
            }
        };
    }

    /** Joins the SSDP group on the interface holding {@code localAddress}. */
    public static SsdpAnnouncements start(InetAddress localAddress, InetAddress router, Listener listener)
            throws IOException {
        NetworkInterface nic = NetworkInterface.getByInetAddress(localAddress);
        if (nic == null) throw new IOException("no network interface holds " + localAddress.getHostAddress());
        MulticastSocket socket = new MulticastSocket(null);
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(1900));
        socket.joinGroup(new InetSocketAddress(GROUP, 1900), nic);
        SsdpAnnouncements s = new SsdpAnnouncements(socket, router, listener);
        s.thread.start();
        return s;
    }

    /**
     * The router's BOOTID.UPNP.ORG as learnt from the M-SEARCH answer ({@link InternetGateway#bootId()}): an
     * announcement with another BOOTID is then a restart.
     */
    public void knownBootId(String bootId) {
        evidence.knownBootId(bootId);
    }

    /** Calls to the router failed (an outage): the router's next {@code ssdp:alive} is reported as a restart. */
    public void expectRestart() {
        evidence.expectRestart();
    }

    private void loop() {
        byte[] buf = new byte[2048];
        while (!closed) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(p);
            } catch (SocketException e) {
                if (!closed) LOG.warn("SSDP listener stopped: {}", e.getMessage());
                return;
            } catch (IOException e) {
                continue;
            }
            if (!router.equals(p.getAddress())) continue;
            Optional<Announcement> a = parse(new String(p.getData(), 0, p.getLength(), StandardCharsets.ISO_8859_1));
            if (a.isEmpty()) continue;
            Optional<String> restart = observe(a.get(), System.nanoTime());
            if (restart.isPresent()) {
                LOG.info("UPnP: the router restarted ({})", restart.get());
                try {
                    listener.onRouterRestart(restart.get());
                } catch (RuntimeException e) {
                    LOG.warn("UPnP: the router-restart listener failed", e);
                }
            }
        }
    }

    /** Reads one SSDP datagram; empty unless it is a NOTIFY. */
    static Optional<Announcement> parse(String text) {
        if (!text.startsWith("NOTIFY ")) return Optional.empty();
        return Optional.of(new Announcement(field(text, "NTS"), field(text, "NT"), field(text, "USN"),
                field(text, "LOCATION"), Optional.ofNullable(field(text, "BOOTID.UPNP.ORG"))));
    }

    private static String field(String text, String name) {
        String v = SsdpDiscovery.header(text, name);
        return v == null || v.isEmpty() ? null : RouterText.printable(v, MAX_HEADER_CHARS);
    }

    /** Updates what is known from one announcement of the router; returns why it shows a restart, or empty. */
    synchronized Optional<String> observe(Announcement a, long nowNanos) {
        String device = a.device();
        boolean igdType = a.nt() != null && a.nt().startsWith(IGD_TYPE);
        if (igdType && a.location() != null) igdLocations.put(a.location(), Boolean.TRUE);
        boolean igd = igdType || (a.location() != null ? igdLocations.containsKey(a.location())
                : device != null && igdDevices.containsKey(device));
        if (!igd) return Optional.empty();
        if (device != null && a.location() != null) igdDevices.put(device, Boolean.TRUE);
        return evidence.observe(a.nts(), a.bootId().orElse(null), a.usn(), nowNanos);
    }

    @Override
    public void close() {
        closed = true;
        if (socket != null) socket.close();
    }
}
