package dev.wanagent.dist;

import dev.wanagent.config.AgentConfig;
import dev.wanagent.config.ConfigException;
import dev.wanagent.config.ConfigLoader;
import dev.wanagent.config.Dyndns2ProviderConfig;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The example config the packages ship (/etc/wan-agent/wan-agent.yaml in the .deb, wan-agent.yaml in the Windows
 * zip), read by the agent's own loader: as shipped, and with its commented examples switched on.
 */
class ExampleConfigTest {
    static final Path EXAMPLE = Path.of("src/config/wan-agent.yaml");

    @Test
    void theShippedConfigLoadsWithNothingInTheEnvironment() throws ConfigException {
        AgentConfig c = new ConfigLoader(name -> null).load(EXAMPLE);

        assertEquals(List.of("upnp"), c.router().sourceOrder());
        assertEquals(List.of(), c.mappings(), "as shipped it maps nothing on the user's router");
        assertEquals(List.of(), c.providers());
        assertEquals(AgentConfig.DEFAULT_STATE_DIR, c.stateDir(), "stateDir stays at the unit's StateDirectory");
        assertEquals(Optional.of(new InetSocketAddress("127.0.0.1", 8787)), c.statusListen());
    }

    @Test
    void theCommentedExamplesAreValidOnceUncommented() throws IOException, ConfigException {
        // as the file says: a '[]' followed by an example is replaced by it; example lines are '#' + the indented
        // YAML line, prose comments '# ' + text
        List<String> lines = Files.readAllLines(EXAMPLE);
        List<String> uncommented = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            boolean exampleFollows = i + 1 < lines.size() && lines.get(i + 1).startsWith("#  ");
            if (line.startsWith("#  ")) line = line.substring(1);
            else if (exampleFollows) line = line.replaceFirst(": \\[] ", ":    ");
            uncommented.add(line);
        }
        AgentConfig c = new ConfigLoader(Map.of("NOIP_PASSWORD", "example-password")::get)
                .parse(String.join("\n", uncommented), "wan-agent.yaml");

        assertEquals(1, c.mappings().size());
        assertEquals("web", c.mappings().get(0).name());
        assertEquals(8080, c.mappings().get(0).externalPort());
        assertEquals(80, c.mappings().get(0).internalPort());
        assertEquals(1, c.providers().size());
        Dyndns2ProviderConfig p = (Dyndns2ProviderConfig) c.providers().get(0);
        assertEquals(List.of("myhome.ddns.net"), p.hostnames());
        assertEquals("example-password", p.password().reveal());
    }
}
