package dev.wanagent.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;

/**
 * Jackson's tree ({@link JsonNode}) read and written with Jackson's streaming parser and generator, without an
 * {@code ObjectMapper}: the mapper's set-up loads about 550 classes and costs a small daemon about 7 MB of memory
 * (measured: README, "Footprint"), for trees the streaming API builds as well. Used for the config (JSON and YAML),
 * the state file, the status page and notification body checks; the providers' API replies still go through their
 * own mappers, loaded only when such a provider is configured.
 */
public final class JsonTree {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final JsonFactory JSON = new JsonFactory();

    private JsonTree() {
    }

    /** A new empty object node. */
    public static ObjectNode object() {
        return NODES.objectNode();
    }

    /**
     * The one value {@code parser} holds; {@link MissingNode} for an empty document. More after that value is a
     * {@link JsonParseException} whose message starts with "Trailing token" (as Jackson's FAIL_ON_TRAILING_TOKENS).
     * Limits (nesting, lengths) and duplicate keys are the parser's: configure its factory.
     */
    public static JsonNode read(JsonParser parser) throws IOException {
        try (parser) {
            JsonToken t = parser.nextToken();
            if (t == null) return MissingNode.getInstance();
            JsonNode root = value(parser, t);
            JsonToken more = parser.nextToken();
            if (more != null) {
                throw new JsonParseException(parser, "Trailing token (of type " + more + ") found after value");
            }
            return root;
        }
    }

    /**
     * The first JSON value in {@code json}, with the default factory; what follows it is not read (as
     * {@code ObjectMapper.readTree}, which the state file was read with): {@link MissingNode} when there is none.
     */
    public static JsonNode readFirst(byte[] json) throws IOException {
        try (JsonParser p = JSON.createParser(json)) {
            JsonToken t = p.nextToken();
            return t == null ? MissingNode.getInstance() : value(p, t);
        }
    }

    /** {@link #read(JsonParser)} of JSON text with the default factory. */
    public static JsonNode read(String json) throws IOException {
        return read(JSON.createParser(json));
    }

    private static JsonNode value(JsonParser p, JsonToken t) throws IOException {
        switch (t) {
            case START_OBJECT: {
                ObjectNode o = NODES.objectNode();
                for (JsonToken k = p.nextToken(); k != JsonToken.END_OBJECT; k = p.nextToken()) {
                    String name = p.currentName();
                    o.set(name, value(p, p.nextToken()));
                }
                return o;
            }
            case START_ARRAY: {
                ArrayNode a = NODES.arrayNode();
                for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) a.add(value(p, e));
                return a;
            }
            case VALUE_STRING:
                return NODES.textNode(p.getText());
            case VALUE_NUMBER_INT:
                switch (p.getNumberType()) {
                    case INT:
                        return NODES.numberNode(p.getIntValue());
                    case LONG:
                        return NODES.numberNode(p.getLongValue());
                    default:
                        return NODES.numberNode(p.getBigIntegerValue());
                }
            case VALUE_NUMBER_FLOAT:
                return NODES.numberNode(p.getDoubleValue());
            case VALUE_TRUE:
                return NODES.booleanNode(true);
            case VALUE_FALSE:
                return NODES.booleanNode(false);
            case VALUE_NULL:
                return NODES.nullNode();
            case VALUE_EMBEDDED_OBJECT: {
                Object o = p.getEmbeddedObject();
                return o instanceof byte[] b ? NODES.binaryNode(b) : NODES.pojoNode(o);
            }
            default:
                throw new JsonParseException(p, "Unexpected token (" + t + ")");
        }
    }

    /** {@code node} as indented JSON (Jackson's default pretty printer), UTF-8. */
    public static byte[] write(JsonNode node) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.useDefaultPrettyPrinter();
            write(g, node);
        }
        return out.toByteArray();
    }

    private static void write(JsonGenerator g, JsonNode n) throws IOException {
        if (n.isObject()) {
            g.writeStartObject();
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                g.writeFieldName(e.getKey());
                write(g, e.getValue());
            }
            g.writeEndObject();
        } else if (n.isArray()) {
            g.writeStartArray();
            for (JsonNode e : n) write(g, e);
            g.writeEndArray();
        } else if (n.isTextual()) {
            g.writeString(n.textValue());
        } else if (n.isBoolean()) {
            g.writeBoolean(n.booleanValue());
        } else if (n.isInt()) {
            g.writeNumber(n.intValue());
        } else if (n.isLong()) {
            g.writeNumber(n.longValue());
        } else if (n.isBigInteger()) {
            g.writeNumber(n.bigIntegerValue());
        } else if (n.isNumber()) {
            g.writeNumber(n.doubleValue());
        } else if (n.isNull() || n.isMissingNode()) {
            g.writeNull();
        } else {
            throw new IOException("cannot write a " + n.getNodeType() + " node as JSON");
        }
    }
}
