package dev.wanagent.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** The whole agent configuration, validated. */
public record AgentConfig(
        RouterConfig router,
        Duration pollInterval,
        List<MappingConfig> mappings,
        List<ProviderConfig> providers,
        Path stateDir,
        boolean removeMappingsOnExit) {

    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMinutes(5);
    public static final Path DEFAULT_STATE_DIR = Path.of("/var/lib/wan-agent");

    public AgentConfig {
        mappings = List.copyOf(mappings);
        providers = List.copyOf(providers);
    }
}
