package dev.wanagent.upnp;

import dev.wanagent.config.IpLiteral;

import java.net.Inet4Address;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The IPv4 default gateway from Windows' {@code route print -4}, read without regard to the display language: only
 * the shape of a row counts, never a heading. An active route row is five columns or more: destination, netmask,
 * gateway (an address, or one to three words for On-link / Auf Verbindung / …), interface address, metric (a
 * number). The persistent-routes section has no interface column (its rows are four columns, or five with a
 * two-word "Default" such as "Par défaut", whose last word is no number), so it is never read as active routes.
 */
final class WindowsRoutes {
    /** At most this many default routes are considered. */
    static final int MAX_ROUTES = 64;

    /** Tunnels and VPNs: TAP/TUN, Wintun, WireGuard, OpenVPN, vendors' VPN clients, PPP/RAS, IPv6 transition. */
    private static final Pattern TUNNEL = Pattern.compile("\\b(tap|tun|wintun|wireguard|wg|tailscale|zerotier"
            + "|openvpn|anyconnect|pangp|globalprotect|fortinet|forticlient|nordlynx|hamachi|softether|juniper|pulse"
            + "|sonicwall|teredo|isatap|6to4|ras|ppp|pppoe|l2tp|pptp|sstp|ikev2)\\b|vpn|tunnel",
            Pattern.CASE_INSENSITIVE);
    /** Virtual switches and host-side VM adapters: Hyper-V vEthernet, VMware, VirtualBox, WSL, Docker, bridges. */
    private static final Pattern VIRTUAL = Pattern.compile("virtual|vethernet|vmware|vbox|vmnet"
            + "|docker|\\bwsl\\b|loopback|npcap|bridge|miniport", Pattern.CASE_INSENSITIVE);
    /** Java's own names on Windows for PPP and tunnel interfaces. */
    private static final Pattern TUNNEL_NAME = Pattern.compile("(ppp|tun|tap)\\d*", Pattern.CASE_INSENSITIVE);

    private WindowsRoutes() {
    }

    /** One active 0.0.0.0/0 row; {@code gateway} empty for an On-link route (no router address). */
    record Route(Optional<Inet4Address> gateway, Inet4Address interfaceAddress, long metric) {
    }

    /**
     * What Java knows of the adapter holding an interface address ({@link java.net.NetworkInterface}: its name such
     * as {@code eth3}, its description such as {@code Intel(R) Ethernet Connection I219-V}, point-to-point or not).
     */
    record Adapter(String name, String description, boolean pointToPoint) {
    }

    /** The active 0.0.0.0/0 rows of {@code route print} output, in the order listed. Never throws. */
    static List<Route> defaultRoutes(String routePrintOutput) {
        List<Route> out = new ArrayList<>();
        for (String line : RouteText.lines(routePrintOutput)) {
            if (out.size() >= MAX_ROUTES) break;
            List<String> t = RouteText.tokens(line);
            int n = t.size();
            if (n < 5 || n > 7 || !t.get(0).equals("0.0.0.0") || !t.get(1).equals("0.0.0.0")) continue;
            if (!RouteText.number(t.get(n - 1))) continue;
            Optional<Inet4Address> iface = IpLiteral.ipv4(t.get(n - 2));
            if (iface.isEmpty()) continue;
            long metric = Long.parseLong(t.get(n - 1));
            if (n == 5 && IpLiteral.ipv4(t.get(2)).isPresent()) {
                out.add(new Route(IpLiteral.ipv4(t.get(2)), iface.get(), metric));
                continue;
            }
            boolean words = true; // On-link, in any language: one to three words, none an address or a number
            for (String w : t.subList(2, n - 2)) {
                if (IpLiteral.ipv4(w).isPresent() || RouteText.number(w) || w.indexOf('.') >= 0 && isDotted(w)) {
                    words = false;
                }
            }
            if (words) out.add(new Route(Optional.empty(), iface.get(), metric));
        }
        return out;
    }

    private static boolean isDotted(String w) {
        for (int i = 0; i < w.length(); i++) {
            char c = w.charAt(i);
            if (c != '.' && (c < '0' || c > '9')) return false;
        }
        return true;
    }

    /**
     * What kind of adapter holds a route: a tunnel or VPN (by its description, its Java name ppp/tun/tap, or being
     * point-to-point), a virtual switch or VM adapter (Hyper-V vEthernet, VMware, VirtualBox, …), or else physical.
     * An address Java cannot place on an adapter counts as physical: nothing says it is not.
     */
    static DefaultGateway.Kind kind(Optional<Adapter> adapter) {
        if (adapter.isEmpty()) return DefaultGateway.Kind.PHYSICAL;
        Adapter a = adapter.get();
        String description = a.description() == null ? "" : a.description();
        String name = a.name() == null ? "" : a.name();
        if (a.pointToPoint() || TUNNEL_NAME.matcher(name).matches() || TUNNEL.matcher(description).find()) {
            return DefaultGateway.Kind.TUNNEL;
        }
        if (VIRTUAL.matcher(description).find()) return DefaultGateway.Kind.VIRTUAL;
        return DefaultGateway.Kind.PHYSICAL;
    }

    /**
     * The default gateway among {@code routes}: routes without a router address (On-link) are passed over; with
     * {@code networkInterface}, only routes whose interface address (as route print shows it) or adapter name or
     * description equals it (case-insensitively); then the first of: the adapter's kind (physical, then virtual
     * switch, then tunnel/VPN), the lowest metric, the order listed.
     */
    static DefaultGateway.Found choose(List<Route> routes, Function<Inet4Address, Optional<Adapter>> adapters,
                                       Optional<String> networkInterface) {
        if (routes.isEmpty()) {
            return DefaultGateway.Found.none("route print lists no active 0.0.0.0/0 route");
        }
        record Candidate(Route route, Optional<Adapter> adapter, DefaultGateway.Kind kind, int order) {
        }
        List<Candidate> all = new ArrayList<>();
        for (Route r : routes) {
            Optional<Adapter> a = lookUp(adapters, r.interfaceAddress());
            all.add(new Candidate(r, a, kind(a), all.size()));
        }
        List<Candidate> eligible = new ArrayList<>();
        for (Candidate c : all) {
            if (c.route().gateway().isEmpty()) continue;
            if (networkInterface.isPresent() && !matches(networkInterface.get(), c.route(), c.adapter())) continue;
            eligible.add(c);
        }
        List<String> listed = new ArrayList<>();
        for (Candidate c : all) listed.add(describe(c.route(), c.adapter(), c.kind()));
        if (eligible.isEmpty()) {
            String why = all.stream().allMatch(c -> c.route().gateway().isEmpty())
                    ? "route print lists only On-link 0.0.0.0/0 routes (no router address)"
                    : "route print lists no 0.0.0.0/0 route with a router address on interface "
                    + networkInterface.orElse("");
            return DefaultGateway.Found.none(why + "; listed: " + String.join("; ", limit(listed)));
        }
        Candidate best = eligible.stream().min(Comparator.comparing(Candidate::kind)
                .thenComparingLong(c -> c.route().metric()).thenComparingInt(Candidate::order)).orElseThrow();
        listed.remove(best.order());
        return DefaultGateway.Found.of(best.route().gateway().get(), "route print: "
                + describe(best.route(), best.adapter(), best.kind())
                + (listed.isEmpty() ? "" : "; passed over: " + String.join("; ", limit(listed))));
    }

    private static Optional<Adapter> lookUp(Function<Inet4Address, Optional<Adapter>> adapters, Inet4Address a) {
        try {
            Optional<Adapter> found = adapters.apply(a);
            return found == null ? Optional.empty() : found;
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private static boolean matches(String wanted, Route r, Optional<Adapter> adapter) {
        String w = wanted.trim();
        if (w.equals(r.interfaceAddress().getHostAddress())) return true;
        if (adapter.isEmpty()) return false;
        return w.equalsIgnoreCase(adapter.get().name()) || w.equalsIgnoreCase(adapter.get().description());
    }

    private static String describe(Route r, Optional<Adapter> adapter, DefaultGateway.Kind kind) {
        String via = r.gateway().map(Inet4Address::getHostAddress).orElse("On-link");
        String on = r.interfaceAddress().getHostAddress() + adapter.map(a -> " (" + RouterText.printable(
                a.description() == null ? "?" : a.description(), 60) + ")").orElse("");
        return via + " on " + on + ", metric " + r.metric() + ", " + kind.toString().toLowerCase(Locale.ROOT);
    }

    private static List<String> limit(List<String> items) {
        if (items.size() <= 6) return items;
        List<String> out = new ArrayList<>(items.subList(0, 6));
        out.add("and " + (items.size() - 6) + " more");
        return out;
    }
}
