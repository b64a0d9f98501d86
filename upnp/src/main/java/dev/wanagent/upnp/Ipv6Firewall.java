package dev.wanagent.upnp;

import dev.wanagent.config.IpLiteral;
import okhttp3.Dns;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;

import javax.net.SocketFactory;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The router's IPv6 firewall (IGD:2 WANIPv6FirewallControl:1): inbound pinholes to a LAN host's IPv6 address.
 *
 * <p>Routers authorise a pinhole by who asks: miniupnpd (like the IGD:2 spec recommends) grants one only when the
 * request comes from the pinhole's own address and for an internal port of at least 1024. So the calls go to the
 * router's IPv6 address, from the served host's address: the socket is bound to {@code from}. A link-local router
 * address (the usual IPv6 default route, fe80::1%eth0) cannot be written in a URL, so it is reached through a name
 * that only this client resolves, with the address literal in the Host header.
 */
public final class Ipv6Firewall {
    public static final int PINHOLE_SPACE_EXHAUSTED = 701;
    public static final int FIREWALL_DISABLED = 702;
    public static final int INBOUND_PINHOLE_NOT_ALLOWED = 703;
    public static final int NO_SUCH_ENTRY = 704;
    public static final int PROTOCOL_NOT_SUPPORTED = 705;
    /** The longest lease the service takes (IGD:2: 1 to 86400 s). */
    public static final int MAX_LEASE_SECONDS = 86400;
    private static final String ROUTER_NAME = "router.wan-agent.invalid";

    private final HttpUrl controlUrl;
    private final OkHttpClient client;
    private final Inet6Address from;

    /** A pinhole the router granted. */
    public record Pinhole(int id, Inet6Address internalClient, int internalPort, String protocol, int leaseSeconds) {
        @Override
        public String toString() {
            return "pinhole " + id + " [" + IpLiteral.text(internalClient) + "]:" + internalPort + "/" + protocol
                    + " lease " + leaseSeconds + " s";
        }
    }

    /** GetFirewallStatus. */
    public record Status(boolean enabled, boolean inboundPinholeAllowed) {
    }

    private Ipv6Firewall(HttpUrl controlUrl, OkHttpClient client, Inet6Address from) {
        this.controlUrl = controlUrl;
        this.client = client;
        this.from = from;
    }

    /**
     * The firewall of {@code gateway}, reached at {@code router} (its IPv6 LAN address; a link-local one with its
     * scope) from {@code from}; empty when the router offers no WANIPv6FirewallControl service.
     */
    public static Optional<Ipv6Firewall> of(InternetGateway gateway, Inet6Address router, Inet6Address from) {
        return gateway.description().ipv6Firewall().map(s -> {
            boolean scoped = router.isLinkLocalAddress();
            HttpUrl url = s.controlUrl().newBuilder().host(scoped ? ROUTER_NAME : IpLiteral.text(router)).build();
            OkHttpClient.Builder b = RouterHttp.CLIENT.newBuilder().socketFactory(new BoundSockets(from));
            if (scoped) {
                b.dns(host -> {
                    if (host.equals(ROUTER_NAME)) return List.of(router);
                    throw new UnknownHostException(host);
                });
                // routers refuse a Host header that is not an address literal (miniupnpd: DNS rebinding protection)
                String hostHeader = "[" + IpLiteral.text(router) + "]:" + url.port();
                b.addInterceptor(chain -> chain.proceed(chain.request().newBuilder().header("Host", hostHeader).build()));
            } else {
                b.dns(Dns.SYSTEM);
            }
            return new Ipv6Firewall(url, b.build(), from);
        });
    }

    /** The address the calls come from (the pinholes' internal client). */
    public Inet6Address from() {
        return from;
    }

    private Map<String, String> call(String action, Map<String, String> args) throws IOException {
        return SoapClient.call(client, controlUrl, GatewayDescription.IPV6_FIREWALL, action, args);
    }

    public Status status() throws IOException {
        Map<String, String> out = call("GetFirewallStatus", Map.of());
        return new Status(flag(out.get("FirewallEnabled")), flag(out.get("InboundPinholeAllowed")));
    }

    private static boolean flag(String v) {
        return v != null && (v.trim().equals("1") || v.trim().equalsIgnoreCase("true"));
    }

    /**
     * AddPinhole from any remote host and port to [{@code internalClient}]:{@code internalPort}. A router asked again
     * for the same pinhole extends it and answers the same UniqueID. Routers that follow the IGD:2 recommendation
     * (miniupnpd) grant only pinholes to {@link #from()} itself and to ports from 1024 (606 otherwise).
     */
    public Pinhole add(Inet6Address internalClient, int internalPort, String protocol, int leaseSeconds)
            throws IOException {
        int lease = Math.max(1, Math.min(MAX_LEASE_SECONDS, leaseSeconds));
        Map<String, String> args = new LinkedHashMap<>();
        args.put("RemoteHost", "");
        args.put("RemotePort", "0");
        args.put("InternalClient", IpLiteral.text(internalClient)); // compared as text by some routers
        args.put("InternalPort", Integer.toString(internalPort));
        args.put("Protocol", protocolNumber(protocol));
        args.put("LeaseTime", Integer.toString(lease));
        String id = call("AddPinhole", args).get("UniqueID");
        return new Pinhole(uniqueId(id), internalClient, internalPort, protocol, lease);
    }

    /** UpdatePinhole: a new lease for a pinhole; 704 (UpnpException) when the router no longer has it. */
    public Pinhole update(Pinhole p, int leaseSeconds) throws IOException {
        int lease = Math.max(1, Math.min(MAX_LEASE_SECONDS, leaseSeconds));
        Map<String, String> args = new LinkedHashMap<>();
        args.put("UniqueID", Integer.toString(p.id()));
        args.put("NewLeaseTime", Integer.toString(lease));
        call("UpdatePinhole", args);
        return new Pinhole(p.id(), p.internalClient(), p.internalPort(), p.protocol(), lease);
    }

    /** DeletePinhole; one that is already gone is not an error. */
    public void delete(Pinhole p) throws IOException {
        try {
            call("DeletePinhole", Map.of("UniqueID", Integer.toString(p.id())));
        } catch (UpnpException e) {
            if (!e.is(NO_SUCH_ENTRY)) throw e;
        }
    }

    static String protocolNumber(String protocol) {
        return switch (protocol) {
            case "TCP" -> "6";
            case "UDP" -> "17";
            default -> throw new IllegalArgumentException("not TCP or UDP: " + protocol);
        };
    }

    /** A UniqueID as the router sent it: 0 to 65535 (a 2-byte unsigned integer in the service description). */
    static int uniqueId(String text) throws UpnpException {
        if (text == null) throw new UpnpException("AddPinhole: the router's reply has no UniqueID");
        String t = text.trim();
        if (t.isEmpty() || t.length() > 5 || !t.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new UpnpException("AddPinhole: the router sent UniqueID '" + RouterText.printable(t, 40)
                    + "', which is not a number from 0 to 65535");
        }
        int v = Integer.parseInt(t);
        if (v > 65535) throw new UpnpException("AddPinhole: the router sent UniqueID " + v + ", over 65535");
        return v;
    }

    /** Sockets bound to one local address before they connect. */
    private static final class BoundSockets extends SocketFactory {
        private final InetAddress local;

        BoundSockets(InetAddress local) {
            this.local = local;
        }

        @Override
        public Socket createSocket() throws IOException {
            Socket s = new Socket();
            try {
                s.bind(new InetSocketAddress(local, 0));
            } catch (IOException e) {
                s.close();
                throw new IOException("cannot use " + local.getHostAddress() + " as the source address: "
                        + e.getMessage(), e);
            }
            return s;
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            throw new UnsupportedOperationException("unconnected sockets only");
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) {
            throw new UnsupportedOperationException("unconnected sockets only");
        }

        @Override
        public Socket createSocket(InetAddress host, int port) {
            throw new UnsupportedOperationException("unconnected sockets only");
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) {
            throw new UnsupportedOperationException("unconnected sockets only");
        }
    }
}
