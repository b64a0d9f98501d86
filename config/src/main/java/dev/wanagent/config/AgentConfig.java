package dev.wanagent.config;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The whole agent configuration, validated.
 *
 * @param statusListen where {@code run} serves its status page (GET /status, JSON); empty: no status endpoint
 * @param statusToken  the bearer token a client of the status page must send ({@code Authorization: Bearer ...});
 *                     at least 16 characters, visible ASCII. Always present when {@code statusListen} is not a
 *                     loopback address; optional (empty: no token asked) on loopback
 */
public record AgentConfig(
        RouterConfig router,
        Duration pollInterval,
        List<MappingConfig> mappings,
        List<ProviderConfig> providers,
        Path stateDir,
        boolean removeMappingsOnExit,
        Optional<InetSocketAddress> statusListen,
        Optional<Secret> statusToken) {

    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMinutes(5);
    public static final Path DEFAULT_STATE_DIR = Path.of("/var/lib/wan-agent");

    public AgentConfig {
        mappings = List.copyOf(mappings);
        providers = List.copyOf(providers);
    }
}
