package dev.wanagent.config;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The streaming tree reader and writer give what Jackson's ObjectMapper gives (which the agent no longer loads). */
class JsonTreeTest {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String JSON = "{\"version\":1,\"wanAddress\":\"11.22.33.44\",\"records\":[{\"provider\":\"dyndns2\","
            + "\"failures\":0,\"big\":123456789012,\"huge\":123456789012345678901234567890,\"f\":1.5,\"t\":true,"
            + "\"n\":null,\"s\":\"\\u00e9\\\"\\n\",\"e\":{},\"a\":[]}]}";
    private static final String YAML = "router:\n  upnp: {enabled: true, events: true}\npollInterval: 5m\nmappings:\n"
            + "  - {name: web, externalPort: 8080, internalPort: 80}\nproviders:\n  - type: dyndns2\n    password: ~\n"
            + "    ttl: 1.5\n    hostnames: [a.example, 'b', \"c\"]\nempty:\n";

    @Test
    void readsTheTreesObjectMapperReads() throws Exception {
        assertEquals(MAPPER.readTree(JSON), JsonTree.read(JSON));
        assertEquals(MAPPER.readTree(JSON), JsonTree.readFirst(JSON.getBytes(StandardCharsets.UTF_8)));
        // readFirst, as readTree, stops after the first value; read refuses what follows it
        byte[] twice = (JSON + "}}").getBytes(StandardCharsets.UTF_8);
        assertEquals(MAPPER.readTree(twice), JsonTree.readFirst(twice));
        assertTrue(JsonTree.readFirst(new byte[0]).isMissingNode());
        YAMLFactory yaml = new YAMLFactory();
        assertEquals(new ObjectMapper(yaml).readTree(YAML), JsonTree.read(yaml.createParser(YAML)));
        assertTrue(JsonTree.read("").isMissingNode());
        assertTrue(JsonTree.read("  ").isMissingNode());
        assertEquals(MAPPER.readTree("\"x\""), JsonTree.read("\"x\""));
    }

    @Test
    void writesTheBytesObjectMapperWrites() throws Exception {
        JsonNode tree = JsonTree.read(JSON);
        assertArrayEquals(MAPPER.writeValueAsBytes(tree), JsonTree.write(tree));
        ObjectNode built = JsonTree.object().put("version", 1).put("s", "a\u0000\u2028\"");
        built.putArray("records").add(JsonTree.object().put("n", 5L));
        assertArrayEquals(MAPPER.writeValueAsBytes(built), JsonTree.write(built));
    }

    @Test
    void moreAfterTheValueIsAParseError() {
        JsonParseException e = assertThrows(JsonParseException.class, () -> JsonTree.read("{} {}"));
        assertTrue(e.getOriginalMessage().startsWith("Trailing token"), e.getOriginalMessage());
        assertThrows(JsonParseException.class, () -> JsonTree.read("{\"a\":"));
        assertThrows(JsonParseException.class, () -> JsonTree.read("[1,"));
        assertThrows(JsonParseException.class, () -> JsonTree.read("{\"a\" 1}"));
    }
}
