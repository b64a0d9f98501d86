package dev.wanagent.agent;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class MappingEditTest {
    @Test
    void theClientIsAnIpv4Literal() {
        assertEquals(Optional.of("192.168.1.20"),
                MappingEdit.from("8080:80/tcp", null, "192.168.1.20", null).orElseThrow().client());
        // 999.1.1.1 passed the old pattern and went to the router; 010 is octal 8 to inet_aton
        for (String bad : new String[] {"999.1.1.1", "192.168.1.256", "192.168.001.020", "1.2.3", "router.lan",
                "2001:db8::1", " 192.168.1.20", ""}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> MappingEdit.from("8080", null, bad, null), bad);
            assertEquals("--client '" + bad + "' is not an IPv4 address", e.getMessage());
        }
    }
}
