package dev.wanagent.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads {@code router.openwrt}: {@code enabled} (default false), {@code url} (http or https; default
 * {@code http://<default gateway>/ubus} at run time), {@code username} and {@code password} (required when enabled),
 * {@code interface} (default wan), {@code interface6} (default wan6), {@code allowPlainHttp} (default false).
 */
final class OpenWrtConfigReader {
    /** netifd interface names are UCI section names: letters, digits and underscores. */
    private static final Pattern INTERFACE = Pattern.compile("[A-Za-z0-9_]{1,64}");

    private OpenWrtConfigReader() {
    }

    static OpenWrtConfig read(ConfigNode n) {
        boolean enabled = n.bool("enabled", false);
        Optional<String> urlText = n.string("url");
        Optional<String> username = n.string("username");
        Optional<Secret> password = n.secret("password");
        String iface = interfaceName(n, "interface", OpenWrtConfig.DEFAULT_INTERFACE);
        String iface6 = interfaceName(n, "interface6", OpenWrtConfig.DEFAULT_INTERFACE6);
        boolean allowPlainHttp = n.bool("allowPlainHttp", false);
        n.rejectUnknownKeys();
        Optional<URI> url = urlText.flatMap(u -> url(n, u, allowPlainHttp));
        username.filter(u -> u.isEmpty() || u.length() > 64 || !u.chars().allMatch(c -> c > ' ' && c < 127))
                .ifPresent(u -> n.problem("username", n.show("username", u) + " is not an rpcd login name (1-64"
                        + " visible ASCII characters, no spaces)"));
        if (enabled) {
            if (username.isEmpty() && !n.has("username")) {
                n.problem("username", "is required when OpenWrt is enabled (the rpcd login: a 'config login' entry"
                        + " in /etc/config/rpcd)");
            }
            if (password.isEmpty() && !n.has("password")) {
                n.problem("password", "is required when OpenWrt is enabled (the rpcd login's password)");
            } else if (password.isPresent() && password.get().isEmpty()) {
                n.problem("password", "is empty (give the rpcd login a password)");
            }
        }
        return new OpenWrtConfig(enabled, url, username.orElse(""), password.orElse(new Secret("")), iface, iface6,
                allowPlainHttp);
    }

    private static String interfaceName(ConfigNode n, String key, String defaultName) {
        Optional<String> name = n.string(key);
        if (name.isPresent() && !INTERFACE.matcher(name.get()).matches()) {
            n.problem(key, n.show(key, name.get()) + " is not an OpenWrt interface name (letters, digits and _, as"
                    + " in /etc/config/network: wan, wan6, wan_6)");
            return defaultName;
        }
        return name.orElse(defaultName);
    }

    /** An http(s) URL of the router's ubus endpoint; plain http only to a local-network host unless allowed. */
    private static Optional<URI> url(ConfigNode n, String text, boolean allowPlainHttp) {
        String shown = n.show("url", text);
        URI uri;
        try {
            uri = new URI(text.trim());
        } catch (URISyntaxException e) {
            n.problem("url", shown + " is not a valid URL (" + Redaction.plain(e.getReason()) + ")");
            return Optional.empty();
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            n.problem("url", shown + " is not an http(s) URL with a host (e.g. http://192.168.1.1/ubus)");
            return Optional.empty();
        }
        if (uri.getPort() > 65535) {
            n.problem("url", shown + " has no valid port (1-65535)");
            return Optional.empty();
        }
        if (uri.getRawUserInfo() != null) {
            n.problem("url", shown + " has credentials in it: give them as username and password");
            return Optional.empty();
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            n.problem("url", shown + " has a query or fragment: the ubus endpoint is a plain path (e.g. /ubus)");
            return Optional.empty();
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        if (path.isEmpty() || path.equals("/")) {
            n.problem("url", shown + " has no path: uhttpd serves ubus at " + OpenWrtConfig.DEFAULT_PATH
                    + " (e.g. http://192.168.1.1/ubus)");
            return Optional.empty();
        }
        if (scheme.equals("http") && !allowPlainHttp && !localHost(uri.getHost())) {
            n.problem("url", shown + " uses plain http to a host that is not a loopback or private address: the"
                    + " rpcd password would cross the network in the clear; use https://, the router's LAN address,"
                    + " or set allowPlainHttp: true");
            return Optional.empty();
        }
        return Optional.of(uri);
    }

    private static boolean localHost(String host) {
        if (host.equalsIgnoreCase("localhost")) return true;
        return IpLiteral.parseHost(host).map(OpenWrtConfig::localNetwork).orElse(false);
    }
}
