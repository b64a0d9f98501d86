package dev.wanagent.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The default stateDir per OS: os.name and the environment are passed in, so every OS is checked here. */
class DefaultStateDirTest {
    private static final Map<String, String> NONE = Map.of();

    @Test
    void linuxAndOtherUnixKeepVarLib() {
        assertEquals("/var/lib/wan-agent", AgentConfig.defaultStateDir("Linux", NONE));
        assertEquals("/var/lib/wan-agent", AgentConfig.defaultStateDir("Linux", Map.of("ProgramData", "D:\\Data")));
        assertEquals("/var/lib/wan-agent", AgentConfig.defaultStateDir("FreeBSD", NONE));
        assertEquals("/var/lib/wan-agent", AgentConfig.defaultStateDir("", NONE));
        assertEquals("/var/lib/wan-agent", AgentConfig.defaultStateDir(null, NONE));
    }

    @Test
    void onThisLinuxBuildMachineTheConstantIsUnchanged() {
        if (System.getProperty("os.name", "").startsWith("Linux")) {
            assertEquals(Path.of("/var/lib/wan-agent"), AgentConfig.DEFAULT_STATE_DIR);
        }
    }

    @Test
    void macOsUsesLibraryApplicationSupport() {
        assertEquals("/Library/Application Support/wan-agent", AgentConfig.defaultStateDir("Mac OS X", NONE));
        assertEquals("/Library/Application Support/wan-agent", AgentConfig.defaultStateDir("Darwin", NONE));
    }

    @Test
    void windowsUsesProgramData() {
        for (String os : new String[] {"Windows 10", "Windows 11", "Windows Server 2022"}) {
            assertEquals("C:\\ProgramData\\wan-agent",
                    AgentConfig.defaultStateDir(os, Map.of("ProgramData", "C:\\ProgramData")));
        }
        assertEquals("D:\\ProgramData\\wan-agent",
                AgentConfig.defaultStateDir("Windows 10", Map.of("ProgramData", "D:\\ProgramData")));
        assertEquals("D:\\Shared Data\\wan-agent",
                AgentConfig.defaultStateDir("Windows 10", Map.of("ProgramData", "D:\\Shared Data\\\\")));
        assertEquals("D:\\wan-agent", AgentConfig.defaultStateDir("Windows 10", Map.of("ProgramData", "D:\\")));
    }

    @Test
    void windowsFallsBackToCProgramDataWithoutAUsableVariable() {
        String fallback = "C:\\ProgramData\\wan-agent";
        assertEquals(fallback, AgentConfig.defaultStateDir("Windows 10", NONE));
        for (String bad : new String[] {"", " ", "ProgramData", "\\\\server\\share", "C:", "C:relative",
                "C:\\Pro<gram", "C:\\a\u0000b", "C:\\a\nb", "%ProgramData%", "/var/lib", "C:\\x\\" + "y".repeat(300)}) {
            assertEquals(fallback, AgentConfig.defaultStateDir("Windows 10", Map.of("ProgramData", bad)), bad);
        }
    }

    @Test
    void anUnsetStateDirInTheConfigGivesTheDefault() throws Exception {
        AgentConfig c = new ConfigLoader(Map.<String, String>of()::get).parse("pollInterval: 5m\n", "c.yaml");
        assertEquals(AgentConfig.DEFAULT_STATE_DIR, c.stateDir());
    }
}
