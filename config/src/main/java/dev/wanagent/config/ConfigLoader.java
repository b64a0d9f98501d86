package dev.wanagent.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads a config file (YAML, or JSON when the name ends in {@code .json}) into a validated {@link AgentConfig}.
 * Every problem is collected and reported together, each naming its key path. No network access.
 */
public final class ConfigLoader {
    /** The largest config file read: far more than any real config, small enough to parse quickly. */
    static final int MAX_FILE_BYTES = 1024 * 1024;
    /** No duration anywhere may exceed this (keys have their own, smaller maxima). */
    static final Duration MAX_DURATION = Duration.ofDays(3650);
    static final Duration MAX_POLL_INTERVAL = Duration.ofDays(1);
    static final Duration MAX_SNMP_TIMEOUT = Duration.ofSeconds(60);
    static final Duration MAX_FORCE_REFRESH = Duration.ofDays(365);
    /** A bearer token shorter than this is guessable. */
    static final int MIN_STATUS_TOKEN = 16;
    static final int MAX_SUCCESS_PATTERN = 1024;
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");
    private static final Pattern HOSTNAME = Pattern.compile(
            "(?=.{1,253}$)(\\*\\.)?([A-Za-z0-9_]([A-Za-z0-9-_]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z][A-Za-z0-9-]{0,62}");

    private final Function<String, String> environment;

    public ConfigLoader(Function<String, String> environment) {
        this.environment = environment;
    }

    /** A loader that resolves {@code ${NAME}} from the process environment. */
    public static ConfigLoader withSystemEnvironment() {
        return new ConfigLoader(System::getenv);
    }

    /** Reads a regular file of at most {@value #MAX_FILE_BYTES} bytes (never a FIFO or device: they may block). */
    public AgentConfig load(Path file) throws ConfigException {
        String text;
        try {
            text = new TextFile(file, MAX_FILE_BYTES).read();
        } catch (TextFile.Unreadable e) {
            String name = Redaction.plain(file.toString());
            throw new ConfigException(switch (e.problem()) {
                case MISSING -> name + ": no such file";
                case NOT_REGULAR -> name + ": not a regular file (a config is read from a file, not a FIFO, device"
                        + " or directory)";
                case TOO_LARGE -> name + ": larger than " + TextFile.size(MAX_FILE_BYTES) + " (a config is at most "
                        + TextFile.size(MAX_FILE_BYTES) + ")";
                case NOT_UTF8 -> name + ": not UTF-8 text";
                case UNREADABLE -> name + ": cannot read (" + e.getMessage() + ")";
            });
        }
        Path fileName = file.getFileName();
        return parse(text, fileName == null ? file.toString() : fileName.toString());
    }

    /** Parses config text; {@code sourceName} decides the format (.json → JSON, otherwise YAML) and labels errors. */
    public AgentConfig parse(String text, String sourceName) throws ConfigException {
        boolean json = sourceName.toLowerCase(Locale.ROOT).endsWith(".json");
        String source = Redaction.plain(sourceName);
        JsonNode root = new DocumentParser(source, json).parse(text);
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw new ConfigException(source + ": the config is empty");
        }
        Problems problems = new Problems();
        ConfigNode top = new ConfigNode(root, "", problems, new Interpolation(environment));
        if (!top.isObject()) {
            throw new ConfigException(source + ": the top level must be a mapping of keys (router, mappings, providers, ...)");
        }
        AgentConfig config = readAgent(top);
        if (!problems.isEmpty()) throw problems.exception();
        return config;
    }

    private AgentConfig readAgent(ConfigNode top) {
        RouterConfig router = top.object("router").map(this::readRouter)
                .orElse(new RouterConfig(UpnpConfig.defaults(), SnmpConfig.disabled(), PcpConfig.disabled(),
                        List.of("upnp")));
        Duration poll = top.string("pollInterval")
                .map(s -> duration(top, "pollInterval", s, Duration.ofSeconds(1), MAX_POLL_INTERVAL))
                .orElse(AgentConfig.DEFAULT_POLL_INTERVAL);
        List<MappingConfig> mappings = readMappings(top);
        List<ProviderConfig> providers = new ArrayList<>();
        for (ConfigNode p : top.list("providers")) {
            readProvider(p).ifPresent(providers::add);
        }
        Path stateDir = top.string("stateDir").flatMap(s -> {
            Optional<Path> dir = TextFile.path(s);
            if (dir.isEmpty()) top.problem("stateDir", top.show("stateDir", s) + " is not a valid path");
            return dir;
        }).orElse(AgentConfig.DEFAULT_STATE_DIR);
        boolean removeOnExit = top.bool("removeMappingsOnExit", false);
        Status status = top.object("status").map(this::readStatus).orElse(Status.NONE);
        Optional<InterfaceId> hostId6 = top.string("hostId6").flatMap(s -> {
            Optional<InterfaceId> id = InterfaceId.parse(s);
            if (id.isEmpty()) {
                top.problem("hostId6", top.show("hostId6", s) + " is not an IPv6 interface identifier: write the low 64"
                        + " bits as ::1234:5678:9abc:def0 (not zero), or mac(aa:bb:cc:dd:ee:ff) for the EUI-64 one");
            }
            return id;
        });
        HaConfig ha = top.object("ha").map(h -> {
            boolean enabled = h.bool("enabled", false);
            int lease = h.integer("leaseSeconds", HaConfig.MIN_LEASE_SECONDS, HaConfig.MAX_LEASE_SECONDS,
                    "a lease in seconds (" + HaConfig.MIN_LEASE_SECONDS + "-" + HaConfig.MAX_LEASE_SECONDS + ")")
                    .orElse(HaConfig.DEFAULT_LEASE_SECONDS);
            h.rejectUnknownKeys();
            return new HaConfig(enabled, lease);
        }).orElse(HaConfig.disabled());
        List<NotifyConfig> notify = NotifyConfigReader.read(top);
        top.rejectUnknownKeys();
        if (ha.enabled()) {
            if (mappings.isEmpty()) top.problem("ha", "ha.enabled needs mappings: the router's leases on them are the lock");
            if (!router.upnp().enabled() && !router.pcp().enabled()) {
                top.problem("ha", "ha.enabled needs router.upnp.enabled or router.pcp.enabled: the router's leases on"
                        + " the mappings are the lock");
            }
            for (int i = 0; i < mappings.size(); i++) {
                if (mappings.get(i).internalClient().isPresent()) {
                    top.problem("mappings[" + i + "].internalClient", "must be auto (or left out) with ha.enabled: each"
                            + " host forwards the ports to itself when it is the active one");
                }
            }
        }
        if (!mappings.isEmpty() && !router.upnp().enabled() && !router.pcp().enabled()) {
            top.problem("mappings", "port mappings are made over UPnP or PCP/NAT-PMP, but router.upnp.enabled and"
                    + " router.pcp.enabled are false");
        }
        if (!router.upnp().enabled() && !router.snmp().enabled() && !router.pcp().enabled()
                && !router.openwrt().enabled()) {
            top.problem("router", "no WAN address source is enabled (set router.upnp.enabled, router.snmp.enabled,"
                    + " router.pcp.enabled or router.openwrt.enabled)");
        }
        return new AgentConfig(router, poll, mappings, providers, stateDir, removeOnExit, status.listen(),
                status.token(), hostId6, ha, notify);
    }

    /** The {@code status} section: where to listen, and the bearer token clients must send. */
    private record Status(Optional<InetSocketAddress> listen, Optional<Secret> token) {
        static final Status NONE = new Status(Optional.empty(), Optional.empty());
    }

    /**
     * {@code status: {listen: 127.0.0.1:8787, token: ${STATUS_TOKEN}}}: an IPv4 address (loopback by default) and a
     * port; the token is required when the address is not loopback.
     */
    private Status readStatus(ConfigNode n) {
        Optional<String> listenText = n.string("listen");
        Optional<Secret> token = n.secret("token");
        n.rejectUnknownKeys();
        token.ifPresent(t -> {
            if (t.reveal().length() < MIN_STATUS_TOKEN) {
                n.problem("token", "is shorter than " + MIN_STATUS_TOKEN + " characters (a bearer token needs at least "
                        + MIN_STATUS_TOKEN + "; e.g. openssl rand -hex 32)");
            } else if (!t.reveal().chars().allMatch(c -> c > ' ' && c < 127)) {
                n.problem("token", "may hold only visible ASCII characters (no spaces or control characters): it is"
                        + " sent in an HTTP header");
            }
        });
        Optional<InetSocketAddress> listen = listenText.flatMap(text -> listenAddress(n, text));
        listen.filter(a -> !a.getAddress().isLoopbackAddress()).ifPresent(a -> {
            if (token.isEmpty() && !n.has("token")) {
                n.problem("token", "required when status.listen is not on loopback (" + a.getAddress().getHostAddress()
                        + ":" + a.getPort() + " is reachable from the network)");
            }
        });
        return new Status(listen, token);
    }

    private Optional<InetSocketAddress> listenAddress(ConfigNode n, String listen) {
        String text = listen.trim();
        int colon = text.lastIndexOf(':');
        String host = colon < 0 ? "127.0.0.1" : text.substring(0, colon);
        String port = colon < 0 ? text : text.substring(colon + 1);
        Optional<Inet4Address> address = IpLiteral.ipv4(host);
        int p;
        try {
            p = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            p = -1;
        }
        if (address.isEmpty() || p < 1 || p > 65535) {
            n.problem("listen", n.show("listen", listen) + " is not ADDRESS:PORT (e.g. 127.0.0.1:8787)");
            return Optional.empty();
        }
        return Optional.of(new InetSocketAddress(address.get(), p));
    }

    private RouterConfig readRouter(ConfigNode r) {
        UpnpConfig upnp = r.object("upnp").map(this::readUpnp).orElse(UpnpConfig.defaults());
        SnmpConfig snmp = r.object("snmp").map(this::readSnmp).orElse(SnmpConfig.disabled());
        PcpConfig pcp = r.object("pcp").map(this::readPcp).orElse(PcpConfig.disabled());
        OpenWrtConfig openwrt = r.object("openwrt").map(OpenWrtConfigReader::read).orElse(OpenWrtConfig.disabled());
        WebEchoConfig web = r.object("web").map(WebEchoConfigReader::read).orElse(WebEchoConfig.disabled());
        r.rejectUnknownKeys();
        // enabled sources in the order the config lists them; UPnP (enabled by default) first when not listed
        List<String> order = new ArrayList<>(r.keys().stream()
                .filter(k -> k.equals("upnp") || k.equals("snmp") || k.equals("pcp") || k.equals("openwrt"))
                .toList());
        if (!order.contains("upnp")) order.add(0, "upnp");
        order.removeIf(k -> switch (k) {
            case "upnp" -> !upnp.enabled();
            case "snmp" -> !snmp.enabled();
            case "openwrt" -> !openwrt.enabled();
            default -> !pcp.enabled();
        });
        return new RouterConfig(upnp, snmp, pcp, openwrt, order, web);
    }

    /** {@code router.pcp: {enabled, protocol: auto | pcp | natpmp, gateway: IPv4}}. */
    private PcpConfig readPcp(ConfigNode p) {
        boolean enabled = p.bool("enabled", false);
        PcpConfig.Protocol protocol = p.string("protocol").map(v -> switch (v.toLowerCase(Locale.ROOT)) {
            case "auto" -> PcpConfig.Protocol.AUTO;
            case "pcp" -> PcpConfig.Protocol.PCP;
            case "natpmp", "nat-pmp" -> PcpConfig.Protocol.NATPMP;
            default -> {
                p.problem("protocol", p.show("protocol", v) + " is not auto, pcp or natpmp");
                yield PcpConfig.Protocol.AUTO;
            }
        }).orElse(PcpConfig.Protocol.AUTO);
        Optional<java.net.InetAddress> gateway = p.string("gateway").flatMap(g -> {
            Optional<java.net.InetAddress> a = PcpConfig.ipv4(g.trim());
            if (a.isEmpty()) {
                p.problem("gateway", p.show("gateway", g) + " is not an IPv4 address (the router's LAN address)");
            }
            return a;
        });
        p.rejectUnknownKeys();
        return new PcpConfig(enabled, protocol, gateway);
    }

    private UpnpConfig readUpnp(ConfigNode u) {
        boolean enabled = u.bool("enabled", true);
        boolean events = u.bool("events", true);
        Optional<URI> location = u.string("location").flatMap(s -> {
            Optional<URI> uri = uri(u, "location", s);
            if (uri.isPresent() && !"http".equals(uri.get().getScheme())) {
                u.problem("location", u.show("location", s)
                        + " must be an http:// URL of the router's description (rootDesc.xml)");
                return Optional.empty();
            }
            return uri;
        });
        int callbackPort = u.integer("callbackPort", 0, 65535, "a port (1-65535, or 0 for any free port)").orElse(0);
        Optional<String> nic = u.string("interface");
        boolean pinholes = u.bool("pinholes", true);
        u.rejectUnknownKeys();
        return new UpnpConfig(enabled, events, location, callbackPort, nic, pinholes);
    }

    private SnmpConfig readSnmp(ConfigNode s) {
        boolean enabled = s.bool("enabled", false);
        String host = s.string("host").orElse("");
        int port = s.integer("port", 1, 65535, "a port (1-65535)").orElse(161);
        SnmpConfig.Version version = s.string("version").map(v -> switch (v.toLowerCase(Locale.ROOT)) {
            case "v2c", "2c" -> SnmpConfig.Version.V2C;
            case "v3", "3" -> SnmpConfig.Version.V3;
            default -> {
                s.problem("version", s.show("version", v) + " is not a supported SNMP version (v2c or v3)");
                yield SnmpConfig.Version.V2C;
            }
        }).orElse(SnmpConfig.Version.V2C);
        Optional<Secret> community = s.secret("community");
        Optional<String> user = s.string("user");
        Optional<SnmpConfig.AuthProtocol> auth = s.string("authProtocol").flatMap(v -> switch (norm(v)) {
            case "SHA", "SHA1" -> Optional.of(SnmpConfig.AuthProtocol.SHA);
            case "SHA256" -> Optional.of(SnmpConfig.AuthProtocol.SHA256);
            default -> {
                s.problem("authProtocol", s.show("authProtocol", v) + " is not supported (SHA or SHA-256)");
                yield Optional.empty();
            }
        });
        Optional<Secret> authPass = s.secret("authPassphrase");
        Optional<SnmpConfig.PrivProtocol> priv = s.string("privProtocol").flatMap(v -> switch (norm(v)) {
            case "AES", "AES128" -> Optional.of(SnmpConfig.PrivProtocol.AES128);
            case "AES256" -> Optional.of(SnmpConfig.PrivProtocol.AES256);
            default -> {
                s.problem("privProtocol", s.show("privProtocol", v) + " is not supported (AES-128 or AES-256)");
                yield Optional.empty();
            }
        });
        Optional<Secret> privPass = s.secret("privPassphrase");
        Optional<String> wanInterface = s.string("wanInterface");
        Duration timeout = s.string("timeout")
                .map(t -> duration(s, "timeout", t, Duration.ofMillis(100), MAX_SNMP_TIMEOUT))
                .orElse(SnmpConfig.DEFAULT_TIMEOUT);
        int retries = s.integer("retries", 0, 10, "a retry count (0-10)").orElse(SnmpConfig.DEFAULT_RETRIES);
        Optional<Integer> trapPort = s.integer("trapPort", 1, 65535, "a port (1-65535)");
        s.rejectUnknownKeys();
        if (trapPort.isPresent() && version == SnmpConfig.Version.V2C && community.isEmpty()) {
            s.problem("trapPort", "v2c traps are checked against router.snmp.community: set it");
        }
        if (enabled) {
            if (host.isBlank()) s.problem("host", "is required when SNMP is enabled (the router's LAN address)");
            else if (IpLiteral.parse(host).isEmpty()) {
                s.problem("host", s.show("host", host) + " is not an IP address (the router's LAN address; names are"
                        + " not looked up)");
            }
            if (version == SnmpConfig.Version.V2C && community.isEmpty()) {
                s.problem("community", "is required for SNMP v2c");
            }
            if (version == SnmpConfig.Version.V3) {
                if (user.isEmpty()) s.problem("user", "is required for SNMP v3");
                if (auth.isEmpty()) s.problem("authProtocol", "is required for SNMP v3 (SHA or SHA-256)");
                if (authPass.isEmpty()) s.problem("authPassphrase", "is required for SNMP v3");
                if (priv.isPresent() != privPass.isPresent()) {
                    s.problem(priv.isPresent() ? "privPassphrase" : "privProtocol",
                            "privProtocol and privPassphrase go together (both for authPriv, neither for authNoPriv)");
                }
            }
        }
        authPass.filter(p -> p.reveal().length() < 8)
                .ifPresent(p -> s.problem("authPassphrase", "is shorter than 8 characters (SNMP v3 requires at least 8)"));
        privPass.filter(p -> p.reveal().length() < 8)
                .ifPresent(p -> s.problem("privPassphrase", "is shorter than 8 characters (SNMP v3 requires at least 8)"));
        return new SnmpConfig(enabled, host, port, version, community, user, auth, authPass, priv, privPass,
                wanInterface, timeout, retries, trapPort);
    }

    private static String norm(String v) {
        return v.toUpperCase(Locale.ROOT).replace("-", "").replace("_", "");
    }

    private Optional<MappingConfig> readMapping(ConfigNode m) {
        if (!m.isObject()) {
            m.problemHere("expected a mapping with name, externalPort, internalPort, protocol");
            return Optional.empty();
        }
        int before = m.problemCount();
        String name = m.requiredString("name");
        Optional<Integer> ext = m.integer("externalPort", 1, 65535, "a port (1-65535)");
        if (ext.isEmpty() && !m.has("externalPort")) m.problem("externalPort", "is required");
        int internal = m.integer("internalPort", 1, 65535, "a port (1-65535)").orElse(ext.orElse(0));
        String protocol = m.string("protocol").map(p -> p.toUpperCase(Locale.ROOT)).orElse("TCP");
        if (!protocol.equals("TCP") && !protocol.equals("UDP")) {
            m.problem("protocol", m.show("protocol", protocol) + " is not TCP or UDP");
        }
        Optional<String> client = m.string("internalClient").filter(c -> !c.equalsIgnoreCase("auto"));
        client.ifPresent(c -> {
            if (IpLiteral.ipv4(c).isEmpty()) {
                m.problem("internalClient", m.show("internalClient", c) + " is not an IPv4 address or 'auto'");
            }
        });
        int lease = m.integer("leaseSeconds", 0, 604800, "a lease in seconds (0-604800; 0 = permanent)")
                .orElse(MappingConfig.DEFAULT_LEASE_SECONDS);
        boolean force = m.bool("force", false);
        m.rejectUnknownKeys();
        if (m.problemCount() != before) return Optional.empty();
        return Optional.of(new MappingConfig(name, ext.orElse(0), internal, protocol, client, lease, force));
    }

    /** Every valid mapping; names and external ports must be distinct. */
    private List<MappingConfig> readMappings(ConfigNode top) {
        List<MappingConfig> mappings = new ArrayList<>();
        Map<String, String> names = new HashMap<>();
        Map<String, String> ports = new HashMap<>();
        for (ConfigNode m : top.list("mappings")) {
            Optional<MappingConfig> read = readMapping(m);
            if (read.isEmpty()) continue;
            MappingConfig mapping = read.get();
            mappings.add(mapping);
            String other = names.putIfAbsent(mapping.name(), m.path());
            if (other != null) m.problem("name", m.show("name", mapping.name()) + " is already the name of " + other);
            String port = mapping.externalPort() + "/" + mapping.protocol();
            other = ports.putIfAbsent(port, m.path());
            if (other != null) m.problem("externalPort", port + " is already claimed by " + other);
        }
        return mappings;
    }

    private Optional<ProviderConfig> readProvider(ConfigNode p) {
        if (!p.isObject()) {
            p.problemHere("expected a mapping with type, hostnames and the provider's credentials");
            return Optional.empty();
        }
        int before = p.problemCount();
        String type = p.requiredString("type");
        ProviderConfig result = switch (type) {
            case "dyndns2" -> readDyndns2(p);
            case "cloudflare" -> readCloudflare(p);
            case "duckdns" -> new DuckDnsProviderConfig(common(p), p.requiredSecret("token"));
            case "rfc2136" -> readRfc2136(p);
            case "alidns" -> new AliDnsProviderConfig(common(p), p.requiredString("accessKeyId"),
                    p.requiredSecret("accessKeySecret"));
            case "dnspod" -> new DnsPodProviderConfig(common(p), p.requiredString("secretId"),
                    p.requiredSecret("secretKey"), zoneName(p, "domain"));
            case "webhook" -> readWebhook(p);
            case "" -> null;
            default -> {
                p.problem("type", p.show("type", type) + " is not a known provider type (known: "
                        + String.join(", ", TYPES) + ")");
                yield null;
            }
        };
        if (result != null) {
            p.rejectUnknownKeys();
        }
        return p.problemCount() == before ? Optional.ofNullable(result) : Optional.empty();
    }

    static final List<String> TYPES = List.of("dyndns2", "cloudflare", "duckdns", "rfc2136", "alidns", "dnspod",
            "webhook");

    /** dyndns2 services by name: {@code preset: noip} fills {@code server}. */
    static final Map<String, String> DYNDNS2_PRESETS = Map.of(
            "noip", "https://dynupdate.no-ip.com",
            "dyn", "https://members.dyndns.org",
            "dynu", "https://api.dynu.com",
            "dnsomatic", "https://updates.dnsomatic.com",
            "he", "https://dyn.dns.he.net",
            "ovh", "https://www.ovh.com",
            "strato", "https://dyndns.strato.com");

    private ProviderCommon common(ConfigNode p) {
        List<String> hostnames = hostnames(p);
        boolean ipv6 = p.bool("ipv6", false);
        Duration forceRefresh = p.string("forceRefresh")
                .map(t -> duration(p, "forceRefresh", t, Duration.ofHours(1), MAX_FORCE_REFRESH))
                .orElse(ProviderCommon.DEFAULT_FORCE_REFRESH);
        boolean verifyDns = p.bool("verifyDns", false);
        Optional<String> verifyServer = p.string("verifyDnsServer");
        verifyServer.filter(v -> IpLiteral.parse(v).isEmpty()).ifPresent(v ->
                p.problem("verifyDnsServer", p.show("verifyDnsServer", v) + " is not an IP address"));
        Ipv6Source ipv6Source = p.string("ipv6Source").flatMap(t -> switch (t.trim()) {
            case "host" -> Optional.of(Ipv6Source.HOST);
            case "router" -> Optional.of(Ipv6Source.ROUTER);
            default -> {
                p.problem("ipv6Source", p.show("ipv6Source", t) + " is not one of: host (the served host's own"
                        + " address, the default), router (the router's WAN address)");
                yield Optional.<Ipv6Source>empty();
            }
        }).orElse(Ipv6Source.HOST);
        return new ProviderCommon(hostnames, ipv6, forceRefresh, verifyDns, verifyServer, ipv6Source);
    }

    private String zoneName(ConfigNode p, String key) {
        String zone = p.requiredString(key);
        if (!zone.isEmpty() && !HOSTNAME.matcher(zone).matches()) {
            p.problem(key, p.show(key, zone) + " is not a domain name (e.g. example.com)");
        }
        return zone;
    }

    private CloudflareProviderConfig readCloudflare(ConfigNode p) {
        ProviderCommon common = common(p);
        Secret token = p.requiredSecret("apiToken");
        String zone = zoneName(p, "zone");
        boolean create = p.bool("create", false);
        boolean proxied = p.bool("proxied", false);
        int ttl = p.integer("ttl", 1, 86400, "a TTL in seconds (1 = automatic, 60-86400)").orElse(1);
        checkInZone(p, common, "zone", zone);
        return new CloudflareProviderConfig(common, token, zone, create, proxied, ttl);
    }

    private Rfc2136ProviderConfig readRfc2136(ConfigNode p) {
        ProviderCommon common = common(p);
        String serverText = p.requiredString("server");
        String host = serverText;
        int port = 53;
        int colon = serverText.lastIndexOf(':');
        if (colon > 0 && serverText.indexOf(':') == colon) {
            host = serverText.substring(0, colon);
            try {
                port = Integer.parseInt(serverText.substring(colon + 1));
                if (port < 1 || port > 65535) throw new NumberFormatException();
            } catch (NumberFormatException e) {
                p.problem("server", p.show("server", serverText) + " has no valid port (HOST[:PORT])");
            }
        }
        if (!host.isEmpty() && IpLiteral.ipv4(host).isEmpty() && !HOSTNAME.matcher(host).matches()) {
            p.problem("server", p.show("server", serverText) + " is not HOST[:PORT]");
        }
        String zone = zoneName(p, "zone");
        String keyName = p.requiredString("tsigKeyName");
        String algorithm = p.string("tsigAlgorithm").orElse("hmac-sha256").toLowerCase(Locale.ROOT);
        if (!algorithm.equals("hmac-sha256") && !algorithm.equals("hmac-sha512")) {
            p.problem("tsigAlgorithm", p.show("tsigAlgorithm", algorithm)
                    + " is not supported (hmac-sha256 or hmac-sha512)");
        }
        Secret secret = p.requiredSecret("tsigSecret");
        if (!secret.isEmpty()) {
            try {
                if (java.util.Base64.getDecoder().decode(secret.reveal().trim()).length == 0) {
                    throw new IllegalArgumentException();
                }
            } catch (IllegalArgumentException e) {
                p.problem("tsigSecret", "is not base64 key material (as printed by tsig-keygen)");
            }
        }
        int ttl = p.integer("ttl", 1, 86400, "a TTL in seconds (1-86400)").orElse(60);
        checkInZone(p, common, "zone", zone);
        return new Rfc2136ProviderConfig(common, host, port, zone, keyName, algorithm, secret, ttl);
    }

    private WebhookProviderConfig readWebhook(ConfigNode p) {
        ProviderCommon common = common(p);
        Secret url = p.requiredSecret("url");
        boolean allowPlainHttp = p.bool("allowPlainHttp", false);
        String host = "";
        if (!url.isEmpty()) {
            // check the URL with the placeholders filled in; never print it (it may carry a token)
            String probe = url.reveal().replace("{ip}", "192.0.2.1").replace("{ip6}", "2001:db8::1")
                    .replace("{hostname}", "host.example.com");
            try {
                URI u = new URI(probe);
                host = u.getHost() == null ? "" : u.getHost();
                if (host.isEmpty() || !("https".equals(u.getScheme()) || "http".equals(u.getScheme()))) {
                    p.problem("url", "is not an http(s) URL with a host");
                } else if ("http".equals(u.getScheme()) && !allowPlainHttp && !isLocalNetworkHost(host)) {
                    // the host may come from a ${...} value: name it only when the URL was written out
                    p.problem("url", "uses plain http" + (p.interpolated("url") ? "" : " to " + Redaction.plain(host))
                            + ": use https:// (or set allowPlainHttp: true)");
                }
            } catch (URISyntaxException e) {
                p.problem("url", "is not a valid URL (" + e.getReason() + ")");
            }
        }
        String method = p.string("method").orElse("GET").toUpperCase(Locale.ROOT);
        if (!List.of("GET", "POST", "PUT", "PATCH").contains(method)) {
            p.problem("method", p.show("method", method) + " is not GET, POST, PUT or PATCH");
        }
        Map<String, Secret> headers = new LinkedHashMap<>();
        p.object("headers").ifPresent(h -> {
            for (String k : h.keys()) h.secret(k).ifPresent(v -> headers.put(k, v));
        });
        Optional<String> body = p.string("body");
        Optional<Pattern> success = p.string("successPattern").flatMap(s -> {
            if (s.length() > MAX_SUCCESS_PATTERN) {
                p.problem("successPattern", "is longer than " + MAX_SUCCESS_PATTERN + " characters");
                return Optional.empty();
            }
            try {
                return Optional.of(Pattern.compile(s));
            } catch (PatternSyntaxException e) {
                p.problem("successPattern", "is not a valid regular expression"
                        + (p.interpolated("successPattern") ? "" : ": " + Redaction.plain(e.getDescription())));
                return Optional.empty();
            }
        });
        return new WebhookProviderConfig(common, url, host, method, headers, body, success, allowPlainHttp);
    }

    private static void checkInZone(ConfigNode p, ProviderCommon common, String zoneKey, String zone) {
        if (zone.isEmpty()) return;
        List<String> hostnames = common.hostnames();
        for (int i = 0; i < hostnames.size(); i++) {
            String key = "hostnames[" + i + "]";
            if (!inZone(hostnames.get(i), zone)) {
                p.problem(key, p.show(key, hostnames.get(i)) + " is not in zone " + p.show(zoneKey, zone));
            }
        }
    }

    private static boolean inZone(String hostname, String zone) {
        String h = hostname.toLowerCase(Locale.ROOT);
        String z = zone.toLowerCase(Locale.ROOT);
        return h.equals(z) || h.endsWith("." + z);
    }

    private Dyndns2ProviderConfig readDyndns2(ConfigNode p) {
        ProviderCommon common = common(p);
        Optional<String> preset = p.string("preset");
        preset.filter(n -> !DYNDNS2_PRESETS.containsKey(n)).ifPresent(n -> p.problem("preset", p.show("preset", n)
                + " is not a known dyndns2 service (known: " + String.join(", ", new TreeSet<>(DYNDNS2_PRESETS.keySet()))
                + ")"));
        if (preset.isPresent() && p.has("server")) p.problem("preset", "give preset or server, not both");
        String serverText = preset.map(n -> DYNDNS2_PRESETS.getOrDefault(n, "")).orElseGet(() -> p.requiredString("server"));
        String username = p.requiredString("username");
        Secret password = p.requiredSecret("password");
        boolean allowPlainHttp = p.bool("allowPlainHttp", false);
        URI server = null;
        if (!serverText.isEmpty()) {
            server = uri(p, "server", serverText).orElse(null);
            if (server != null) {
                String scheme = server.getScheme();
                String shown = p.show("server", serverText);
                if (!"https".equals(scheme) && !"http".equals(scheme)) {
                    p.problem("server", shown + " must start with https://");
                } else if (server.getRawUserInfo() != null) {
                    p.problem("server", shown + " has credentials in it: give them as username and password");
                } else if ("http".equals(scheme) && !allowPlainHttp && !isLocalNetworkHost(server.getHost())) {
                    p.problem("server", shown + " uses plain http: the password would cross the internet"
                            + " in the clear; use https:// (or set allowPlainHttp: true)");
                }
            }
        }
        return new Dyndns2ProviderConfig(common, server, username, password, allowPlainHttp);
    }

    private List<String> hostnames(ConfigNode p) {
        List<String> hostnames = p.stringList("hostnames");
        if (hostnames.isEmpty() && !p.has("hostnames")) {
            p.problem("hostnames", "is required (a list of the names to update)");
        } else if (hostnames.isEmpty()) {
            p.problem("hostnames", "is empty");
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < hostnames.size(); i++) {
            String h = hostnames.get(i);
            String key = "hostnames[" + i + "]";
            if (!HOSTNAME.matcher(h).matches()) {
                p.problem(key, p.show(key, h) + " is not a fully qualified host name");
            } else if (!seen.add(h.toLowerCase(Locale.ROOT))) {
                p.problem(key, p.show(key, h) + " is listed twice");
            }
        }
        return hostnames;
    }

    private static Optional<URI> uri(ConfigNode n, String key, String text) {
        try {
            URI uri = new URI(text);
            if (uri.getScheme() == null || uri.getHost() == null) {
                n.problem(key, n.show(key, text) + " is not a URL with a scheme and host (e.g. https://example.com)");
                return Optional.empty();
            }
            return Optional.of(uri);
        } catch (URISyntaxException e) {
            n.problem(key, n.show(key, text) + " is not a valid URL: " + e.getReason());
            return Optional.empty();
        }
    }

    /**
     * A duration such as {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 1d} in [minimum, maximum]
     * (maximum at most {@link #MAX_DURATION}); a number of any size is "too long", never an overflow.
     */
    static Duration duration(ConfigNode n, String key, String text, Duration minimum, Duration maximum) {
        Duration max = maximum.compareTo(MAX_DURATION) > 0 ? MAX_DURATION : maximum;
        Matcher m = DURATION.matcher(text.trim());
        if (!m.matches()) {
            n.problem(key, n.show(key, text) + " is not a duration (a number and a unit: 500ms, 30s, 5m, 1h, 1d)");
            return minimum;
        }
        long unitMillis = switch (m.group(2)) {
            case "ms" -> 1;
            case "s" -> 1000;
            case "m" -> 60_000;
            case "h" -> 3_600_000;
            default -> 86_400_000;
        };
        String digits = m.group(1);
        int firstNonZero = 0;
        while (firstNonZero < digits.length() - 1 && digits.charAt(firstNonZero) == '0') firstNonZero++;
        Duration d = null;
        if (digits.length() - firstNonZero <= 15) { // below 10^15: Long.parseLong cannot overflow
            try {
                d = Duration.ofMillis(Math.multiplyExact(Long.parseLong(digits.substring(firstNonZero)), unitMillis));
            } catch (ArithmeticException e) {
                d = null;
            }
        }
        if (d == null || d.compareTo(max) > 0) {
            n.problem(key, n.show(key, text) + " is too long (at most " + format(max) + ")");
            return max;
        }
        if (d.compareTo(minimum) < 0) {
            n.problem(key, n.show(key, text) + " is too short (at least " + format(minimum) + ")");
            return minimum;
        }
        return d;
    }

    /** {@code 1d}, {@code 60s}, {@code 100ms}: the largest unit that states the duration exactly. */
    static String format(Duration d) {
        long ms = d.toMillis();
        if (ms % 86_400_000 == 0) return ms / 86_400_000 + "d";
        if (ms % 3_600_000 == 0) return ms / 3_600_000 + "h";
        if (ms % 60_000 == 0) return ms / 60_000 + "m";
        if (ms % 1000 == 0) return ms / 1000 + "s";
        return ms + "ms";
    }

    /** localhost, a loopback address or an RFC 1918 address: plain http stays inside the home. */
    static boolean isLocalNetworkHost(String host) {
        if (host == null) return false;
        if (host.equalsIgnoreCase("localhost")) return true;
        if (host.equals("[::1]") || host.equals("::1")) return true;
        return IpLiteral.ipv4(host).map(a -> a.isLoopbackAddress() || a.isSiteLocalAddress()).orElse(false);
    }
}
