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
 */
public record AgentConfig(
        RouterConfig router,
        Duration pollInterval,
        List<MappingConfig> mappings,
        List<ProviderConfig> providers,
        Path stateDir,
        boolean removeMappingsOnExit,
        Optional<InetSocketAddress> statusListen) {

    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMinutes(5);
    public static final Path DEFAULT_STATE_DIR = Path.of("/var/lib/wan-agent");

    public AgentConfig {
        mappings = List.copyOf(mappings);
        providers = List.copyOf(providers);
    }
}
