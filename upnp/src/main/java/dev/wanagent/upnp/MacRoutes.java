package dev.wanagent.upnp;

import dev.wanagent.config.IpLiteral;

import java.net.Inet4Address;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The IPv4 default gateway on macOS, from {@code route -n get default} (the route the kernel uses) and, when that
 * one is missing or goes through a tunnel, {@code netstat -rn -f inet} (every default route, also the interface-scoped
 * ones that macOS keeps for each active service behind the primary one).
 */
final class MacRoutes {
    static final int MAX_ROUTES = 64;

    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9]{0,15}");
    private static final Pattern PHYSICAL = Pattern.compile("en\\d{1,4}");
    /** utun (WireGuard, IKEv2, Tailscale, most VPN clients), ipsec, ppp (PPP, PPTP/L2TP), tun/tap, gif/stf. */
    private static final Pattern TUNNEL = Pattern.compile("(utun|ipsec|ppp|tun|tap|gif|stf|wg|zt)\\d{0,4}");
    private static final Pattern FLAGS = Pattern.compile("[A-Za-z0-9]{1,20}");

    private MacRoutes() {
    }

    /**
     * One default route.
     *
     * @param scoped an interface-scoped default (netstat flag {@code I}): a secondary service's default route
     */
    record Route(Inet4Address gateway, String interfaceName, boolean scoped) {
    }

    /**
     * The default route in {@code route -n get default} output ({@code destination: default}, {@code mask: default},
     * {@code gateway:} an IPv4 address, {@code interface:} a name); empty when the output shows none (no default
     * route: "not in table"; a VPN's 0.0.0.0/1 half, whose mask is 128.0.0.0; a gateway that is a link, not an
     * address). Never throws.
     */
    static Optional<Route> defaultGateway(String routeGetOutput) {
        String destination = null;
        String mask = null;
        String gateway = null;
        String iface = null;
        for (String line : RouteText.lines(routeGetOutput)) {
            int colon = line.indexOf(':');
            if (colon < 0) continue;
            String key = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            switch (key) {
                case "destination" -> destination = destination == null ? value : destination;
                case "mask" -> mask = mask == null ? value : mask;
                case "gateway" -> gateway = gateway == null ? value : gateway;
                case "interface" -> iface = iface == null ? value : iface;
                default -> {
                }
            }
        }
        if (!isDefault(destination) || !isDefault(mask) || iface == null || !NAME.matcher(iface).matches()) {
            return Optional.empty();
        }
        String name = iface;
        return IpLiteral.ipv4(gateway).map(g -> new Route(g, name, false));
    }

    private static boolean isDefault(String s) {
        return "default".equals(s) || "0.0.0.0".equals(s);
    }

    /**
     * The {@code default} rows with an IPv4 gateway and the U and G flags in {@code netstat -rn -f inet} output, in
     * the order listed. The interface is the column headed {@code Netif} (its place differs: Catalina and earlier
     * have Refs and Use columns before it); without a heading, the first word after the flags that is no number.
     * Never throws.
     */
    static List<Route> defaultGateways(String netstatOutput) {
        List<Route> out = new ArrayList<>();
        int netifColumn = -1;
        for (String line : RouteText.lines(netstatOutput)) {
            if (out.size() >= MAX_ROUTES) break;
            if (line.startsWith("Internet6")) break;
            List<String> t = RouteText.tokens(line);
            if (t.isEmpty()) continue;
            if (t.get(0).equals("Destination")) {
                netifColumn = t.indexOf("Netif");
                continue;
            }
            if (!t.get(0).equals("default") || t.size() < 4 || t.size() > 10) continue;
            Optional<Inet4Address> gw = IpLiteral.ipv4(t.get(1));
            String flags = t.get(2);
            if (gw.isEmpty() || !FLAGS.matcher(flags).matches() || flags.indexOf('U') < 0 || flags.indexOf('G') < 0) {
                continue;
            }
            String iface = null;
            if (netifColumn > 2 && netifColumn < t.size() && NAME.matcher(t.get(netifColumn)).matches()) {
                iface = t.get(netifColumn);
            } else {
                for (String w : t.subList(3, t.size())) {
                    if (RouteText.number(w)) continue;
                    if (NAME.matcher(w).matches()) iface = w;
                    break;
                }
            }
            if (iface != null) out.add(new Route(gw.get(), iface, flags.indexOf('I') >= 0));
        }
        return out;
    }

    /** Physical (en0, en1, …), tunnel/VPN (utun, ipsec, ppp, …), or else virtual (bridge, vmenet, …). */
    static DefaultGateway.Kind kind(String interfaceName) {
        if (PHYSICAL.matcher(interfaceName).matches()) return DefaultGateway.Kind.PHYSICAL;
        if (TUNNEL.matcher(interfaceName).matches()) return DefaultGateway.Kind.TUNNEL;
        return DefaultGateway.Kind.VIRTUAL;
    }

    /**
     * True when {@code route -n get default} already gives the answer, so netstat need not run: a default route
     * through a physical interface (or through {@code networkInterface}, when given).
     */
    static boolean enough(Optional<Route> fromRouteGet, Optional<String> networkInterface) {
        if (fromRouteGet.isEmpty()) return false;
        String name = fromRouteGet.get().interfaceName();
        return networkInterface.map(name::equals).orElse(kind(name) == DefaultGateway.Kind.PHYSICAL);
    }

    /**
     * The default gateway: with {@code networkInterface}, only routes on that interface (by name, e.g. en0); then
     * the first of: the interface's kind (physical, then virtual, then tunnel/VPN), the kernel's own choice
     * ({@code route get}) before netstat's rows, unscoped before interface-scoped rows, the order listed.
     */
    static DefaultGateway.Found choose(Optional<Route> fromRouteGet, List<Route> fromNetstat,
                                       Optional<String> networkInterface) {
        record Candidate(Route route, int source, int order) {
        }
        List<Candidate> all = new ArrayList<>();
        fromRouteGet.ifPresent(r -> all.add(new Candidate(r, 0, 0)));
        for (Route r : fromNetstat) {
            if (fromRouteGet.isPresent() && fromRouteGet.get().gateway().equals(r.gateway())
                    && fromRouteGet.get().interfaceName().equals(r.interfaceName())) {
                continue; // the same route, listed again
            }
            all.add(new Candidate(r, r.scoped() ? 2 : 1, all.size()));
        }
        List<String> listed = new ArrayList<>();
        for (Candidate c : all) listed.add(describe(c.route(), c.source()));
        List<Candidate> eligible = new ArrayList<>();
        for (Candidate c : all) {
            if (networkInterface.isEmpty() || networkInterface.get().trim().equals(c.route().interfaceName())) {
                eligible.add(c);
            }
        }
        if (eligible.isEmpty()) {
            if (all.isEmpty()) {
                return DefaultGateway.Found.none("neither route -n get default nor netstat -rn shows a default route"
                        + " with an IPv4 gateway");
            }
            return DefaultGateway.Found.none("no default route with an IPv4 gateway on interface "
                    + networkInterface.orElse("") + "; listed: " + String.join("; ", limit(listed)));
        }
        Candidate best = eligible.stream().min(Comparator.comparing((Candidate c) -> kind(c.route().interfaceName()))
                .thenComparingInt(Candidate::source).thenComparingInt(Candidate::order)).orElseThrow();
        listed.remove(all.indexOf(best));
        return DefaultGateway.Found.of(best.route().gateway(), describe(best.route(), best.source())
                + (listed.isEmpty() ? "" : "; passed over: " + String.join("; ", limit(listed))));
    }

    private static String describe(Route r, int source) {
        return r.gateway().getHostAddress() + " on " + r.interfaceName() + " ("
                + kind(r.interfaceName()).toString().toLowerCase(Locale.ROOT) + ", "
                + (source == 0 ? "route get" : source == 1 ? "netstat" : "netstat, interface-scoped") + ")";
    }

    private static List<String> limit(List<String> items) {
        if (items.size() <= 6) return items;
        List<String> out = new ArrayList<>(items.subList(0, 6));
        out.add("and " + (items.size() - 6) + " more");
        return out;
    }
}
