package dev.wanagent.dist;

import dev.wanagent.config.AgentConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The .deb's systemd unit agrees with the agent and the other packages: the config path, the state directory,
 * and the sandbox the JVM can live in. (lab/packages.sh runs systemd-analyze verify and security on it.)
 */
class SystemdUnitTest {
    static final Path UNIT = Path.of("src/deb/systemd/wan-agent.service");
    static final Path PROCD_INIT = Path.of("src/openwrt/wan-agent.init");
    static final String CONFIG = "/etc/wan-agent/wan-agent.yaml";

    @Test
    void runsTheInstalledLauncherOnTheShippedConfig() throws IOException {
        Map<String, List<String>> service = section(UNIT, "Service");

        assertEquals(List.of("/usr/bin/wan-agent run -c " + CONFIG), service.get("ExecStart"));
        List<String> init = Files.readAllLines(PROCD_INIT);
        assertTrue(init.contains("PROG=/usr/bin/wan-agent") && init.contains("CONFIG=" + CONFIG),
                "the OpenWrt init script runs the same launcher on the same config");
        assertEquals(List.of("on-failure"), service.get("Restart"));
        assertTrue(service.get("SuccessExitStatus").get(0).contains("143"), "SIGTERM's exit is a clean stop");
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void theStateDirectoryIsTheAgentsDefaultStateDir() throws IOException {
        Map<String, List<String>> service = section(UNIT, "Service");

        assertEquals(AgentConfig.DEFAULT_STATE_DIR, Path.of("/var/lib", service.get("StateDirectory").get(0)));
        assertEquals(List.of("strict"), service.get("ProtectSystem"), "only the state directory is writable");
    }

    @Test
    void sandboxedWithoutBreakingTheJvmOrTheNetworkCode() throws IOException {
        Map<String, List<String>> service = section(UNIT, "Service");

        assertEquals(List.of("yes"), service.get("DynamicUser"));
        assertEquals(List.of("yes"), service.get("NoNewPrivileges"));
        assertEquals(List.of(""), service.get("CapabilityBoundingSet"));
        assertEquals(List.of(""), service.get("AmbientCapabilities"));
        assertEquals(Set.of("AF_INET", "AF_INET6", "AF_UNIX", "AF_NETLINK"),
                Set.of(service.get("RestrictAddressFamilies").get(0).split(" ")));
        assertFalse(service.containsKey("MemoryDenyWriteExecute"), "the JIT needs writable, executable memory");
        assertFalse(service.containsKey("PrivateNetwork"), "the agent talks to the router");
    }

    /** The Key=Value lines of one [section] (a key may repeat), comments and blank lines skipped. */
    static Map<String, List<String>> section(Path unit, String name) throws IOException {
        Map<String, List<String>> out = new LinkedHashMap<>();
        String current = "";
        for (String raw : Files.readAllLines(unit)) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) continue;
            if (line.startsWith("[") && line.endsWith("]")) {
                current = line.substring(1, line.length() - 1);
                continue;
            }
            int eq = line.indexOf('=');
            assertTrue(eq > 0, unit + ": not Key=Value: " + raw);
            if (current.equals(name)) {
                out.computeIfAbsent(line.substring(0, eq).strip(), k -> new ArrayList<>())
                        .add(line.substring(eq + 1).strip());
            }
        }
        return out;
    }
}
