package dev.wanagent.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A position in the config tree that knows its key path ({@code mappings[1].externalPort}), resolves
 * {@code ${ENV}} / {@code ${file:/path}} references in scalar values, records every problem it meets instead of
 * stopping at the first, and reports keys nobody asked for as unknown.
 * <p>
 * Values appear in problems only through {@link #show}: never a value that came from a reference or belongs to a
 * key named like a credential (see {@link Redaction}).
 */
final class ConfigNode {
    private static final Pattern INDEXED = Pattern.compile("(.*?)((?:\\[\\d+])+)");
    private static final int MAX_REFERENCES_SHOWN = 3;
    /** No list in a config needs more entries (mappings, providers, hostnames); more is a broken or hostile file. */
    static final int MAX_LIST_SIZE = 1000;

    private final JsonNode node;
    private final String path;
    private final Problems problems;
    private final Interpolation interpolation;
    private final Set<String> readKeys = new LinkedHashSet<>();
    /** Per key read here ({@code password}, {@code hostnames[0]}): the references its value was made from. */
    private final Map<String, List<String>> references = new HashMap<>();

    ConfigNode(JsonNode node, String path, Problems problems, Interpolation interpolation) {
        this.node = node;
        this.path = path;
        this.problems = problems;
        this.interpolation = interpolation;
    }

    String path() {
        return path;
    }

    /** How many problems the whole parse has recorded so far (to tell whether a section added any). */
    int problemCount() {
        return problems.count();
    }

    boolean isObject() {
        return node != null && node.isObject();
    }

    /** {@code key} below this node; an odd key (blank, dots, control characters, very long) is quoted. */
    String keyPath(String key) {
        return childPath(path, key);
    }

    /** {@code key} (possibly with indexes, {@code hostnames[0]}) below {@code path}; odd keys quoted. */
    static String childPath(String path, String key) {
        Matcher indexed = INDEXED.matcher(key);
        String shown = indexed.matches() && !indexed.group(1).isEmpty()
                ? Redaction.key(indexed.group(1)) + indexed.group(2) : Redaction.key(key);
        return path.isEmpty() ? shown : path + "." + shown;
    }

    void problem(String key, String message) {
        problems.add(keyPath(key), message);
    }

    void problemHere(String message) {
        problems.add(path.isEmpty() ? "(top level)" : path, message);
    }

    /**
     * How a problem may show the value of {@code key}: quoted (with anything credential-shaped masked), or only
     * where it came from when it was made from {@code ${...}} or the key is named like a secret.
     */
    String show(String key, String value) {
        List<String> refs = references.getOrDefault(key, List.of());
        if (!refs.isEmpty()) {
            String from = String.join(", ", refs.subList(0, Math.min(refs.size(), MAX_REFERENCES_SHOWN)))
                    + (refs.size() > MAX_REFERENCES_SHOWN ? ", ..." : "");
            return "the value from " + from + " (not shown)";
        }
        if (Redaction.secretKey(baseKey(key))) return "a value (not shown)";
        return Redaction.quote(value);
    }

    /** Whether the value of {@code key} was made from {@code ${...}} references (so it may be a secret). */
    boolean interpolated(String key) {
        return !references.getOrDefault(key, List.of()).isEmpty();
    }

    private static String baseKey(String key) {
        Matcher indexed = INDEXED.matcher(key);
        return indexed.matches() ? indexed.group(1) : key;
    }

    private JsonNode raw(String key) {
        readKeys.add(key);
        if (node == null || !node.isObject()) return null;
        JsonNode v = node.get(key);
        return v == null || v.isNull() ? null : v;
    }

    /** The keys of this object, in document order. */
    List<String> keys() {
        List<String> out = new ArrayList<>();
        if (node != null && node.isObject()) node.fieldNames().forEachRemaining(out::add);
        return out;
    }

    boolean has(String key) {
        return raw(key) != null;
    }

    /** An object below this one, or empty when the key is absent (a wrong type is recorded as a problem). */
    Optional<ConfigNode> object(String key) {
        JsonNode v = raw(key);
        if (v == null) return Optional.empty();
        if (!v.isObject()) {
            problem(key, "expected a mapping of keys, got " + describe(key, v));
            return Optional.empty();
        }
        return Optional.of(new ConfigNode(v, keyPath(key), problems, interpolation));
    }

    /** The elements of a list below this one (absent key: empty list). */
    List<ConfigNode> list(String key) {
        JsonNode v = raw(key);
        if (v == null) return List.of();
        if (!v.isArray()) {
            problem(key, "expected a list, got " + describe(key, v));
            return List.of();
        }
        if (tooLong(key, v)) return List.of();
        List<ConfigNode> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            out.add(new ConfigNode(v.get(i), keyPath(key + "[" + i + "]"), problems, interpolation));
        }
        return out;
    }

    /** A list of strings; a single string is taken as a list of one. */
    List<String> stringList(String key) {
        JsonNode v = raw(key);
        if (v == null) return List.of();
        List<String> out = new ArrayList<>();
        if (v.isTextual()) {
            interpolate(key, v.asText()).ifPresent(out::add);
            references.put(key + "[0]", references.getOrDefault(key, List.of()));
            return out;
        }
        if (!v.isArray()) {
            problem(key, "expected a list of names, got " + describe(key, v));
            return out;
        }
        if (tooLong(key, v)) return out;
        for (int i = 0; i < v.size(); i++) {
            JsonNode e = v.get(i);
            String element = key + "[" + i + "]";
            if (e.isTextual()) {
                Optional<String> value = interpolate(element, e.asText());
                if (value.isPresent()) {
                    // after a skipped entry, key[n] of the result is another entry's: it carries that entry's
                    // ${...} references, so a value from the environment is never shown under a written one's key
                    references.put(key + "[" + out.size() + "]", references.getOrDefault(element, List.of()));
                    out.add(value.get());
                }
            } else {
                problem(element, "expected text, got " + describe(element, e));
            }
        }
        return out;
    }

    private boolean tooLong(String key, JsonNode list) {
        if (list.size() <= MAX_LIST_SIZE) return false;
        problem(key, "has " + list.size() + " entries (at most " + MAX_LIST_SIZE + ")");
        return true;
    }

    Optional<String> string(String key) {
        return text(key, false);
    }

    Optional<Secret> secret(String key) {
        return text(key, true).map(Secret::new);
    }

    String requiredString(String key) {
        Optional<String> s = string(key);
        if (s.isEmpty() && !problems.hasProblemAt(keyPath(key))) problem(key, "is required");
        return s.orElse("");
    }

    Secret requiredSecret(String key) {
        Optional<Secret> s = secret(key);
        if (s.isEmpty() && !problems.hasProblemAt(keyPath(key))) problem(key, "is required");
        return s.orElse(new Secret(""));
    }

    private Optional<String> text(String key, boolean secret) {
        JsonNode v = raw(key);
        if (v == null) return Optional.empty();
        if (v.isTextual()) {
            return interpolate(key, v.asText());
        }
        if (v.isNumber() || v.isBoolean()) {
            if (secret) {
                problem(key, "expected text (quote it), got " + (v.isNumber() ? "a number" : "true/false"));
                return Optional.empty();
            }
            return Optional.of(v.asText());
        }
        problem(key, "expected text, got " + describe(key, v));
        return Optional.empty();
    }

    boolean bool(String key, boolean defaultValue) {
        JsonNode v = raw(key);
        if (v == null) return defaultValue;
        if (v.isBoolean()) return v.booleanValue();
        if (v.isTextual()) {
            Optional<String> s = interpolate(key, v.asText());
            if (s.isEmpty()) return defaultValue;
            if (s.get().equalsIgnoreCase("true")) return true;
            if (s.get().equalsIgnoreCase("false")) return false;
            problem(key, "expected true or false, got " + show(key, s.get()));
            return defaultValue;
        }
        problem(key, "expected true or false, got " + describe(key, v));
        return defaultValue;
    }

    /** An integer in [min, max]; {@code what} names the range in the message, e.g. "a port (1-65535)". */
    Optional<Integer> integer(String key, long min, long max, String what) {
        JsonNode v = raw(key);
        if (v == null) return Optional.empty();
        String shown;
        long value;
        if (v.isIntegralNumber() && v.canConvertToLong()) {
            value = v.longValue();
            shown = Long.toString(value);
        } else if (v.isTextual() && v.asText().contains("${")) {
            Optional<String> s = interpolate(key, v.asText());
            if (s.isEmpty()) return Optional.empty();
            shown = show(key, s.get());
            try {
                value = Long.parseLong(s.get().trim());
            } catch (NumberFormatException e) {
                problem(key, shown + " is not " + what);
                return Optional.empty();
            }
        } else {
            problem(key, "expected a whole number, got " + describe(key, v));
            return Optional.empty();
        }
        if (value < min || value > max) {
            problem(key, shown + " is not " + what);
            return Optional.empty();
        }
        return Optional.of((int) value);
    }

    /** Every key of this object that no one read is an error: it is a typo or a key this version does not know. */
    void rejectUnknownKeys() {
        if (node == null || !node.isObject()) return;
        String known = "; known keys here: " + String.join(", ", readKeys);
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            String k = field.getKey();
            if (!readKeys.contains(k)) {
                String hint = closest(k, readKeys);
                problem(k, "unknown key" + (hint == null ? "" : " (did you mean '" + hint + "'?)") + known);
            }
        }
    }

    private Optional<String> interpolate(String key, String value) {
        try {
            Interpolation.Resolved resolved = interpolation.resolve(value);
            references.put(key, resolved.references());
            return Optional.of(resolved.value());
        } catch (IllegalArgumentException e) {
            problem(key, e.getMessage());
            return Optional.empty();
        }
    }

    /** What a value of the wrong type is, for "expected ..., got ..."; text as written, under {@link #show}'s rules. */
    private String describe(String key, JsonNode v) {
        boolean secret = Redaction.secretKey(baseKey(key));
        if (v.isObject()) return "a mapping of keys";
        if (v.isArray()) return "a list";
        if (v.isTextual()) return secret ? "text (not shown)" : "text " + Redaction.quote(v.asText());
        if (v.isBoolean()) return "true/false";
        if (v.isNumber()) return secret ? "a number" : "the number " + Redaction.plain(v.asText());
        return v.getNodeType().toString().toLowerCase(Locale.ROOT);
    }

    private static String closest(String key, Set<String> known) {
        String best = null;
        int bestDistance = 3;
        for (String k : known) {
            if (Math.abs(k.length() - key.length()) >= bestDistance) continue; // the distance is at least that
            int d = distance(key.toLowerCase(Locale.ROOT), k.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                bestDistance = d;
                best = k;
            }
        }
        return best;
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
