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
import java.util.Locale;

/**
 * Listens (receive only) to the router's SSDP announcements on the LAN interface. A router that restarts
 * announces itself with {@code ssdp:alive} and a new {@code BOOTID.UPNP.ORG} (UPnP 1.1), or, for UPnP 1.0
 * routers, an {@code ssdp:alive} after its {@code ssdp:byebye}: either means its port mappings are gone.
 * Announcements from any other address are ignored.
 */
public final class SsdpAnnouncements implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SsdpAnnouncements.class);
    private static final InetAddress GROUP = groupAddress();

    /** Called on the listener thread. */
    public interface Listener {
        void onRouterRestart(String evidence);
    }

    private final MulticastSocket socket;
    private final InetAddress router;
    private final Listener listener;
    private final Thread thread;
    private volatile boolean closed;
    private String bootId;
    private boolean saidByeBye;

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
            String text = new String(p.getData(), 0, p.getLength(), StandardCharsets.ISO_8859_1);
            if (!text.startsWith("NOTIFY ")) continue;
            String evidence = observe(SsdpDiscovery.header(text, "NTS"), SsdpDiscovery.header(text, "BOOTID.UPNP.ORG"));
            if (evidence != null) {
                LOG.info("UPnP: the router restarted ({})", evidence);
                listener.onRouterRestart(evidence);
            }
        }
    }

    /** Updates what we know from one announcement; returns why it shows a restart, or null. */
    synchronized String observe(String nts, String newBootId) {
        String kind = nts == null ? "" : nts.trim().toLowerCase(Locale.ROOT);
        if (kind.equals("ssdp:byebye")) {
            saidByeBye = true;
            return null;
        }
        if (!kind.equals("ssdp:alive")) return null;
        String evidence = null;
        if (newBootId != null && bootId != null && !bootId.equals(newBootId.trim())) {
            evidence = "BOOTID.UPNP.ORG " + bootId + " → " + newBootId.trim();
        } else if (saidByeBye) {
            evidence = "ssdp:alive after ssdp:byebye";
        }
        if (newBootId != null) bootId = newBootId.trim();
        saidByeBye = false;
        return evidence;
    }

    @Override
    public void close() {
        closed = true;
        socket.close();
    }
}
