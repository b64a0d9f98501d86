package dev.wanagent.config;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The whole agent configuration, validated.
 *
 * @param statusListen where {@code run} serves its status page (GET /status, JSON); empty: no status endpoint
 * @param statusToken  the bearer token a client of the status page must send ({@code Authorization: Bearer ...});
 *                     at least 16 characters, visible ASCII. Always present when {@code statusListen} is not a
 *                     loopback address; optional (empty: no token asked) on loopback
 * @param hostId6      the served host's IPv6 interface identifier, when it is not this host: AAAA records and
 *                     pinholes then carry the LAN's /64 prefix joined to it; empty: this host's own stable address
 * @param ha           high availability: a standby host takes the mappings over when the active one's lapse
 * @param notifications the {@code notify:} hooks, in config order (empty: none)
 */
public record AgentConfig(
        RouterConfig router,
        Duration pollInterval,
        List<MappingConfig> mappings,
        List<ProviderConfig> providers,
        Path stateDir,
        boolean removeMappingsOnExit,
        Optional<InetSocketAddress> statusListen,
        Optional<Secret> statusToken,
        Optional<InterfaceId> hostId6,
        HaConfig ha,
        List<NotifyConfig> notifications) {

    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMinutes(5);
    private static final String UNIX_STATE_DIR = "/var/lib/wan-agent";
    private static final String WINDOWS_PROGRAM_DATA = "C:\\ProgramData";
    /** An absolute path on a drive, without the characters Windows refuses in names; at most 200 characters. */
    private static final Pattern WINDOWS_DRIVE_PATH = Pattern.compile("[A-Za-z]:[\\\\/][^<>:\"|?*\\x00-\\x1f]{0,197}");

    /**
     * Where {@code state.json} goes when the config names no {@code stateDir}: {@code %ProgramData%\wan-agent} on
     * Windows (C:\ProgramData when that variable is unset or not an absolute drive path),
     * {@code /Library/Application Support/wan-agent} on macOS, {@code /var/lib/wan-agent} elsewhere.
     */
    public static final Path DEFAULT_STATE_DIR = defaultStateDirPath(System.getProperty("os.name", ""), System.getenv());

    public AgentConfig {
        mappings = List.copyOf(mappings);
        providers = List.copyOf(providers);
        notifications = List.copyOf(notifications);
    }

    /** Without {@code hostId6}, HA and notification hooks. */
    public AgentConfig(RouterConfig router, Duration pollInterval, List<MappingConfig> mappings,
                       List<ProviderConfig> providers, Path stateDir, boolean removeMappingsOnExit,
                       Optional<InetSocketAddress> statusListen, Optional<Secret> statusToken) {
        this(router, pollInterval, mappings, providers, stateDir, removeMappingsOnExit, statusListen, statusToken,
                Optional.empty(), HaConfig.disabled(), List.of());
    }

    /**
     * The default state directory for an OS ({@code os.name}) and environment, as text (so tests can ask for any
     * OS on any OS).
     */
    static String defaultStateDir(String osName, Map<String, String> env) {
        String os = osName == null ? "" : osName.toLowerCase(Locale.ROOT);
        if (os.startsWith("windows")) {
            String programData = env.get("ProgramData");
            if (programData == null || !WINDOWS_DRIVE_PATH.matcher(programData).matches()) {
                programData = WINDOWS_PROGRAM_DATA;
            }
            while (programData.length() > 3 && (programData.endsWith("\\") || programData.endsWith("/"))) {
                programData = programData.substring(0, programData.length() - 1);
            }
            return programData + (programData.endsWith("\\") || programData.endsWith("/") ? "" : "\\") + "wan-agent";
        }
        if (os.startsWith("mac") || os.startsWith("darwin")) return "/Library/Application Support/wan-agent";
        return UNIX_STATE_DIR;
    }

    private static Path defaultStateDirPath(String osName, Map<String, String> env) {
        String dir = defaultStateDir(osName, env);
        try {
            return Path.of(dir);
        } catch (RuntimeException e) { // InvalidPathException: never fail class loading over a default
            return Path.of(dir.startsWith("/") ? UNIX_STATE_DIR : WINDOWS_PROGRAM_DATA + "\\wan-agent");
        }
    }
}
