package dev.wanagent.upnp;

import dev.wanagent.config.IpLiteral;
import okhttp3.HttpUrl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The router's UPnP Internet Gateway Device: its WAN address and its port-mapping table.
 * Obtain one with {@link #discover(Duration)} (SSDP, trusting only the default gateway) or {@link #at(HttpUrl)}.
 */
public final class InternetGateway {
    private static final Logger LOG = LoggerFactory.getLogger(InternetGateway.class);
    private static final RepeatedWarnings WARNINGS = new RepeatedWarnings();
    private static final int MAX_TABLE_ENTRIES = 1024;

    private final GatewayDescription description;
    private final GatewayDescription.WanService service;
    private final InetAddress localAddress;
    private final Optional<String> bootId;

    InternetGateway(GatewayDescription description, GatewayDescription.WanService service, InetAddress localAddress,
                    Optional<String> bootId) {
        this.description = description;
        this.service = service;
        this.localAddress = localAddress;
        this.bootId = bootId;
    }

    /**
     * Picks the router's best WAN connection service, ranked as miniupnpc's UPNP_GetValidIGD does: connected with a
     * public address, then connected, then answering at all (in document order among equals).
     */
    static InternetGateway connect(GatewayDescription d, InetAddress localAddress, Optional<String> bootId) {
        if (d.services().size() == 1) return new InternetGateway(d, d.services().get(0), localAddress, bootId);
        InternetGateway best = null;
        int bestScore = -1;
        for (GatewayDescription.WanService s : d.services()) {
            InternetGateway candidate = new InternetGateway(d, s, localAddress, bootId);
            int score = candidate.score();
            LOG.debug("UPnP: {} scores {}", s.shortName(), score);
            if (score > bestScore) {
                best = candidate;
                bestScore = score;
            }
        }
        return best;
    }

    private int score() {
        try {
            boolean connected = "Connected".equals(connectionStatus());
            InetAddress a = externalIpAddress();
            boolean publicLooking = !(a.isAnyLocalAddress() || a.isSiteLocalAddress() || a.isLoopbackAddress()
                    || a.isLinkLocalAddress());
            return connected && publicLooking ? 3 : connected ? 2 : 1;
        } catch (IOException e) {
            return 0;
        }
    }

    /** The WAN connection service in use. */
    public GatewayDescription.WanService service() {
        return service;
    }

    /** True when the router has another WAN connection service to fall back to. */
    public boolean hasAlternatives() {
        return description.services().size() > 1;
    }

    /**
     * Finds the IGD by SSDP on the interface that routes to the default gateway (of {@code networkInterface} when
     * given). Only an answer from that gateway itself is used; any other device claiming to be an IGD is ignored
     * with a log line.
     */
    public static InternetGateway discover(Duration wait, Optional<String> networkInterface) throws IOException {
        DefaultGateway.Found found = DefaultGateway.find(networkInterface);
        InetAddress gateway = found.gateway().orElseThrow(() -> new UpnpException(
                "no IPv4 default gateway in the routing table" + networkInterface.map(n -> " for " + n).orElse("")
                        + " (" + found.explanation() + "): cannot tell which device is the router"
                        + " (set router.upnp.location to the router's rootDesc URL)"));
        InetAddress local = DefaultGateway.localAddressTowards(gateway);
        List<SsdpDiscovery.Response> answers = SsdpDiscovery.search(local, wait, Optional.of(gateway));
        for (SsdpDiscovery.Response r : answers) {
            if (!r.responder().equals(gateway)) {
                WARNINGS.warn(LOG, r.location().toString(), "UPnP: ignored the IGD at {} ({}): it is not the default"
                        + " gateway {}", r.responder().getHostAddress(), r.location(), gateway.getHostAddress());
            }
        }
        UpnpException last = null;
        for (SsdpDiscovery.Response r : answers) {
            if (!r.responder().equals(gateway)) continue;
            try {
                return connect(GatewayDescription.fetch(r.location()), local, r.bootId());
            } catch (UpnpException e) {
                LOG.warn("UPnP: {}", e.getMessage());
                last = e;
            }
        }
        throw new UpnpException("no usable UPnP IGD answered from the default gateway " + gateway.getHostAddress()
                + " within " + wait.toMillis() + " ms (is UPnP enabled on the router?)"
                + (last == null ? "" : "; last problem: " + last.getMessage()));
    }

    /** Uses the IGD whose description is at {@code location}, without SSDP. */
    public static InternetGateway at(HttpUrl location) throws IOException {
        InetAddress router = IpLiteral.parse(location.host()).orElseThrow(() -> new UpnpException(
                "router.upnp.location must name the router by IP address, not '" + location.host() + "'"));
        return connect(GatewayDescription.fetch(location), DefaultGateway.localAddressTowards(router), Optional.empty());
    }

    /**
     * The router's {@code BOOTID.UPNP.ORG} from the SSDP answer this gateway was found by (UPnP 1.1 routers send it;
     * it changes when the router restarts). Empty for {@link #at(HttpUrl)} and for UPnP 1.0 routers. Seed
     * {@link SsdpAnnouncements#knownBootId(String)} with it.
     */
    public Optional<String> bootId() {
        return bootId;
    }

    public GatewayDescription description() {
        return description;
    }

    /** This host's LAN address on the route to the router (the "auto" internal client). */
    public InetAddress localAddress() {
        return localAddress;
    }

    /** The router's address (host of the description URL). */
    public InetAddress routerAddress() {
        return IpLiteral.parse(description.location().host()).orElseThrow();
    }

    /** The router's address (host of the description URL), as text. */
    public String routerHost() {
        return description.location().host();
    }

    private Map<String, String> call(String action, Map<String, String> args) throws IOException {
        return SoapClient.call(service.controlUrl(), service.serviceType(), action, args);
    }

    /**
     * GetExternalIPAddress. An empty answer (miniupnpd's when the WAN link has no address) is returned as 0.0.0.0,
     * like the 0.0.0.0 other routers send: the router answered, and it has no WAN address. A reply that is not an
     * IP address literal is an error.
     */
    public InetAddress externalIpAddress() throws IOException {
        String answer = call("GetExternalIPAddress", Map.of()).get("NewExternalIPAddress");
        if (answer == null) {
            throw new UpnpException("GetExternalIPAddress: the router's reply has no NewExternalIPAddress");
        }
        String value = answer.isBlank() ? "0.0.0.0" : answer;
        return answeredAddress(value).orElseThrow(() -> new UpnpException(
                "GetExternalIPAddress: the router answered '" + RouterText.printable(value, 80)
                        + "', which is not an IP address"));
    }

    /** GetStatusInfo's NewConnectionStatus, e.g. Connected or Disconnected (printable, short: it is shown). */
    public String connectionStatus() throws IOException {
        return RouterText.printable(call("GetStatusInfo", Map.of()).getOrDefault("NewConnectionStatus", ""), 64);
    }

    /**
     * AddPortMapping with the requested lease, then reads back what the router granted. A router that only
     * supports permanent leases (725) gets lease 0.
     */
    public PortMapping addPortMapping(PortMappingRequest request) throws IOException {
        try {
            call("AddPortMapping", addArgs(request));
        } catch (UpnpException e) {
            if (!e.is(UpnpException.ONLY_PERMANENT_LEASES_SUPPORTED) || request.leaseSeconds() == 0) throw e;
            LOG.info("UPnP: router supports only permanent leases; mapping {} {} with lease 0",
                    request.protocol(), request.externalPort());
            call("AddPortMapping", addArgs(request.withLease(0)));
        }
        return specificPortMapping(request.externalPort(), request.protocol()).orElseThrow(() -> new UpnpException(
                "AddPortMapping " + request.protocol() + " " + request.externalPort()
                        + " succeeded but the router does not list the mapping"));
    }

    private static Map<String, String> addArgs(PortMappingRequest r) {
        Map<String, String> args = new LinkedHashMap<>();
        args.put("NewRemoteHost", "");
        args.put("NewExternalPort", Integer.toString(r.externalPort()));
        args.put("NewProtocol", r.protocol());
        args.put("NewInternalPort", Integer.toString(r.internalPort()));
        args.put("NewInternalClient", r.internalClient());
        args.put("NewEnabled", "1");
        args.put("NewPortMappingDescription", r.description());
        args.put("NewLeaseDuration", Long.toString(r.leaseSeconds()));
        return args;
    }

    /** GetSpecificPortMappingEntry; empty when the router has no such mapping (714). */
    public Optional<PortMapping> specificPortMapping(int externalPort, String protocol) throws IOException {
        Map<String, String> args = new LinkedHashMap<>();
        args.put("NewRemoteHost", "");
        args.put("NewExternalPort", Integer.toString(externalPort));
        args.put("NewProtocol", protocol);
        try {
            Map<String, String> out = call("GetSpecificPortMappingEntry", args);
            return Optional.of(mapping("", externalPort, protocol, out));
        } catch (UpnpException e) {
            if (e.is(UpnpException.NO_SUCH_ENTRY_IN_ARRAY)) return Optional.empty();
            throw e;
        }
    }

    /** DeletePortMapping; a mapping that is already gone is not an error. */
    public void deletePortMapping(int externalPort, String protocol) throws IOException {
        Map<String, String> args = new LinkedHashMap<>();
        args.put("NewRemoteHost", "");
        args.put("NewExternalPort", Integer.toString(externalPort));
        args.put("NewProtocol", protocol);
        try {
            call("DeletePortMapping", args);
        } catch (UpnpException e) {
            if (!e.is(UpnpException.NO_SUCH_ENTRY_IN_ARRAY)) throw e;
        }
    }

    /** The whole port-mapping table, by GetGenericPortMappingEntry index until the router says there are no more. */
    public List<PortMapping> portMappings() throws IOException {
        List<PortMapping> out = new ArrayList<>();
        for (int i = 0; i < MAX_TABLE_ENTRIES; i++) {
            Map<String, String> out1;
            try {
                out1 = call("GetGenericPortMappingEntry", Map.of("NewPortMappingIndex", Integer.toString(i)));
            } catch (UpnpException e) {
                if (e.is(UpnpException.SPECIFIED_ARRAY_INDEX_INVALID) || e.is(UpnpException.NO_SUCH_ENTRY_IN_ARRAY)
                        || (i > 0 && e.is(UpnpException.INVALID_ARGS))) {
                    return out;
                }
                throw e;
            }
            out.add(mapping(out1.getOrDefault("NewRemoteHost", ""),
                    parseInt(out1.get("NewExternalPort"), "NewExternalPort"),
                    out1.getOrDefault("NewProtocol", ""), out1));
        }
        return out;
    }

    private static PortMapping mapping(String remoteHost, int externalPort, String protocol, Map<String, String> v)
            throws UpnpException {
        return new PortMapping(remoteHost, externalPort, protocol,
                parseInt(v.get("NewInternalPort"), "NewInternalPort"),
                v.getOrDefault("NewInternalClient", ""),
                !"0".equals(v.getOrDefault("NewEnabled", "1")),
                v.getOrDefault("NewPortMappingDescription", ""),
                parseLong(v.getOrDefault("NewLeaseDuration", "0"), "NewLeaseDuration"));
    }

    private static int parseInt(String s, String field) throws UpnpException {
        long v = parseLong(s, field);
        if (v > 65535) throw new UpnpException("the router sent " + field + " = " + v + ", which is not a port");
        return (int) v;
    }

    private static long parseLong(String s, String field) throws UpnpException {
        if (s == null) throw new UpnpException("the router's reply lacks " + field);
        try {
            long v = Long.parseLong(s.trim());
            if (v < 0) throw new NumberFormatException();
            return v;
        } catch (NumberFormatException e) {
            throw new UpnpException("the router sent " + field + " = '" + RouterText.printable(s, 80)
                    + "', which is not a number");
        }
    }

    /**
     * The address in GetExternalIPAddress's answer: an IP literal, IPv6 also in [brackets], with surrounding
     * whitespace ignored ({@link IpLiteral}: never a DNS lookup).
     */
    static Optional<InetAddress> answeredAddress(String answer) {
        return IpLiteral.parseHost(answer.trim());
    }

}
