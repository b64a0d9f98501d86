package dev.wanagent.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.CollectionStartEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.NodeEvent;
import org.yaml.snakeyaml.events.ScalarEvent;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.ReaderException;
import org.yaml.snakeyaml.reader.StreamReader;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns config text into a Jackson tree, or a {@link ConfigException} that never quotes the document (a syntax error
 * is reported by line, column and a generic description: parsers quote the offending token, which may be a secret).
 * <p>
 * Limits keep every input cheap: at most {@value #MAX_CHARS} characters, {@value #MAX_DEPTH} levels of nesting,
 * keys of at most {@value #MAX_KEY_CHARS} characters and, in YAML, lines of at most {@value #MAX_YAML_LINE}
 * characters: SnakeYAML copies its whole read-ahead window for every 1 KiB it reads while one token is being
 * scanned, so parsing time grows with the square of the longest token (a 1 MB scalar took seconds); a token never
 * spans lines, so bounding lines makes parsing linear.
 * <p>
 * YAML anchors and aliases are refused (Jackson would read {@code *pw} as the text {@code pw}), as are streams with
 * more than one document.
 */
final class DocumentParser {
    static final int MAX_CHARS = 1024 * 1024;
    static final int MAX_YAML_LINE = 16 * 1024;
    static final int MAX_DEPTH = 64;
    static final int MAX_KEY_CHARS = 1024;

    private static final StreamReadConstraints LIMITS = StreamReadConstraints.builder()
            .maxNestingDepth(MAX_DEPTH).maxNameLength(MAX_KEY_CHARS).maxStringLength(MAX_CHARS).build();
    private static final JsonFactory JSON = JsonFactory.builder().streamReadConstraints(LIMITS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    /** Built on first use: a JSON config loads neither SnakeYAML nor Jackson's YAML module. */
    private static final class Yaml {
        static final YAMLFactory FACTORY = YAMLFactory.builder().streamReadConstraints(LIMITS)
                .loaderOptions(loaderOptions()).enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    }

    private static final Pattern TOKEN = Pattern.compile("'[^']*'|\"[^\"]*\"|`[^`]*`|\\S+");
    private static final Pattern PLAIN_WORD = Pattern.compile("<?[A-Za-z][A-Za-z-]*>?[.,]?");
    private static final Pattern KEPT_QUOTE = Pattern.compile("'(<[a-z ]+>|[^\\sA-Za-z0-9])'");

    private final String sourceName;
    private final boolean json;

    DocumentParser(String sourceName, boolean json) {
        this.sourceName = sourceName;
        this.json = json;
    }

    private static LoaderOptions loaderOptions() {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(MAX_CHARS + 1);
        options.setNestingDepthLimit(MAX_DEPTH);
        return options;
    }

    /** The document's tree; null or a missing node for an empty document. */
    JsonNode parse(String text) throws ConfigException {
        if (text.length() > MAX_CHARS) {
            throw new ConfigException(sourceName + ": is longer than " + MAX_CHARS + " characters (a config is at most "
                    + TextFile.size(MAX_CHARS) + ")");
        }
        if (!json) {
            checkLineLengths(text);
            checkYamlEvents(text);
        }
        try {
            return JsonTree.read(json ? JSON.createParser(text) : Yaml.FACTORY.createParser(text));
        } catch (StreamConstraintsException e) {
            throw new ConfigException(sourceName + ": " + limitExceeded(e));
        } catch (JsonProcessingException e) {
            throw new ConfigException(notValid(at(e.getLocation())) + jacksonProblem(e));
        } catch (YAMLException e) {
            throw new ConfigException(notValid(at(e, text)) + yamlProblem(e));
        } catch (IOException | RuntimeException e) {
            throw new ConfigException(notValid("") + "the parser failed (" + e.getClass().getSimpleName() + ")");
        }
    }

    private String notValid(String where) {
        return sourceName + ": not valid " + (json ? "JSON" : "YAML") + where + ": ";
    }

    private void checkLineLengths(String text) throws ConfigException {
        int line = 1;
        int start = 0;
        for (int i = 0; i <= text.length(); i++) {
            if (i == text.length() || text.charAt(i) == '\n' || text.charAt(i) == '\r') {
                if (i - start > MAX_YAML_LINE) {
                    throw new ConfigException(sourceName + ": line " + line + " is " + (i - start)
                            + " characters long (YAML lines are at most " + MAX_YAML_LINE + " characters)");
                }
                if (i < text.length() && text.charAt(i) == '\n') line++;
                else if (i + 1 < text.length() && text.charAt(i + 1) != '\n') line++;
                start = i + 1;
            }
        }
    }

    /** One place in the YAML tree being walked: a mapping (key or value next) or a sequence (next index). */
    private static final class Level {
        final String path;
        final boolean mapping;
        boolean valueNext;
        String key = "?";
        int index;

        Level(String path, boolean mapping) {
            this.path = path;
            this.mapping = mapping;
        }

        /** The path of the node that comes next at this level, then moves on. */
        String next(Event event) {
            if (!mapping) return path + "[" + index++ + "]";
            if (valueNext) {
                valueNext = false;
                return ConfigNode.childPath(path, key);
            }
            valueNext = true;
            if (!(event instanceof ScalarEvent scalar)) {
                key = "?";
                return path; // a key that is not text (an alias, a list): its mapping is the place to name
            }
            key = scalar.getValue();
            return ConfigNode.childPath(path, key);
        }
    }

    /** Walks SnakeYAML's events (Jackson does not report anchors on scalars) for anchors, aliases, documents. */
    private void checkYamlEvents(String text) throws ConfigException {
        Problems problems = new Problems();
        Deque<Level> levels = new ArrayDeque<>();
        int documents = 0;
        try {
            ParserImpl parser = new ParserImpl(new StreamReader(text), loaderOptions());
            while (!parser.checkEvent(Event.ID.StreamEnd)) {
                Event event = parser.getEvent();
                if (event.is(Event.ID.DocumentStart) && ++documents == 2) {
                    throw new ConfigException(sourceName + ": holds more than one YAML document (another starts at"
                            + " line " + (event.getStartMark().getLine() + 1) + "); a config is one document");
                }
                if (event.is(Event.ID.MappingEnd) || event.is(Event.ID.SequenceEnd)) {
                    levels.pop();
                    continue;
                }
                if (!(event instanceof NodeEvent node)) continue;
                String path = levels.isEmpty() ? "" : levels.peek().next(event);
                // a document that is a list has no key to name (it is refused as a config anyway)
                String shownPath = path.isEmpty() || path.startsWith("[") ? "(top level)" : path;
                if (node instanceof AliasEvent) {
                    problems.add(shownPath, "YAML aliases (*" + Redaction.plain(String.valueOf(node.getAnchor()))
                            + ") are not supported; write the value out");
                } else if (node.getAnchor() != null) {
                    problems.add(shownPath, "YAML anchors (&" + Redaction.plain(node.getAnchor())
                            + ") are not supported; write the value out where it is used");
                }
                if (node instanceof CollectionStartEvent) {
                    if (levels.size() >= MAX_DEPTH) {
                        throw new ConfigException(sourceName + ": is nested deeper than " + MAX_DEPTH
                                + " levels (at line " + (event.getStartMark().getLine() + 1) + ")");
                    }
                    levels.push(new Level(path, event.is(Event.ID.MappingStart)));
                }
            }
        } catch (YAMLException e) {
            throw new ConfigException(notValid(at(e, text)) + yamlProblem(e));
        } catch (RuntimeException e) {
            throw new ConfigException(notValid("") + "the parser failed (" + e.getClass().getSimpleName() + ")");
        }
        if (!problems.isEmpty()) throw problems.exception();
    }

    private static String at(JsonLocation location) {
        return location == null || location.getLineNr() < 1 ? ""
                : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    private static String at(YAMLException e, String text) {
        if (e instanceof MarkedYAMLException m && m.getProblemMark() != null) {
            Mark mark = m.getProblemMark();
            return " at line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
        }
        if (e instanceof ReaderException r) {
            int line = 1;
            int column = 1;
            for (int i = 0; i < Math.min(r.getPosition(), text.length()); i++) {
                if (text.charAt(i) == '\n') {
                    line++;
                    column = 1;
                } else {
                    column++;
                }
            }
            return " at line " + line + ", column " + column;
        }
        return "";
    }

    private static String yamlProblem(YAMLException e) {
        if (e instanceof MarkedYAMLException m) {
            String problem = generic(m.getProblem());
            String context = m.getContext() == null ? "" : generic(m.getContext());
            return context.isEmpty() || context.equals("a syntax error") ? problem : problem + " (" + context + ")";
        }
        if (e instanceof ReaderException) return "a control character or other special character is not allowed";
        return generic(e.getMessage());
    }

    private static String jacksonProblem(JsonProcessingException e) {
        String message = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        if (message.startsWith("Duplicate field '") && message.lastIndexOf('\'') > 16) {
            return "the key " + Redaction.key(message.substring(17, message.lastIndexOf('\''))) + " is given twice";
        }
        if (message.startsWith("Trailing token")) return "there is more after the end of the document";
        return generic(message);
    }

    private static String limitExceeded(StreamConstraintsException e) {
        String message = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        if (message.startsWith("Document nesting depth")) return "is nested deeper than " + MAX_DEPTH + " levels";
        if (message.startsWith("Name length")) return "has a key longer than " + MAX_KEY_CHARS + " characters";
        if (message.startsWith("Number value length")) {
            return "has a number longer than " + LIMITS.getMaxNumberLength() + " digits";
        }
        return "has a value longer than " + MAX_CHARS + " characters";
    }

    /**
     * A parser's message reduced to its leading plain words: quoted text becomes {@code …} (a single punctuation
     * character and SnakeYAML token names such as {@code '<block end>'} stay), and it stops at the first word that
     * is not plain (a colon, parentheses, digits, a tag), where parsers put document content.
     */
    static String generic(String message) {
        String line = message == null ? "" : message.lines().findFirst().orElse("").trim();
        List<String> words = new ArrayList<>();
        Matcher m = TOKEN.matcher(line);
        while (m.find()) {
            String token = m.group();
            char first = token.charAt(0);
            boolean quoted = token.length() >= 2 && "'\"`".indexOf(first) >= 0
                    && token.charAt(token.length() - 1) == first;
            if (quoted) {
                words.add(KEPT_QUOTE.matcher(token).matches() ? token : "…");
            } else if (PLAIN_WORD.matcher(token).matches()) {
                words.add(token);
            } else if (token.endsWith(":") && PLAIN_WORD.matcher(token.substring(0, token.length() - 1)).matches()) {
                words.add(token.substring(0, token.length() - 1)); // what follows a colon is often content
                break;
            } else {
                break;
            }
        }
        // what was cut was content: drop a dangling "…", "but found", "but"
        while (!words.isEmpty() && List.of("…", "found", "but").contains(words.get(words.size() - 1))) {
            words.remove(words.size() - 1);
        }
        String out = String.join(" ", words).replaceAll("[,\\s]+$", "");
        return out.isEmpty() ? "a syntax error" : out;
    }
}
