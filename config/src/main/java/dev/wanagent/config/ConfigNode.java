package dev.wanagent.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * A position in the config tree that knows its key path ({@code mappings[1].externalPort}), resolves
 * {@code ${ENV}} / {@code ${file:/path}} references in scalar values, records every problem it meets instead of
 * stopping at the first, and reports keys nobody asked for as unknown.
 */
final class ConfigNode {
    private final JsonNode node;
    private final String path;
    private final List<String> problems;
    private final Interpolator interpolator;
    private final Set<String> readKeys = new LinkedHashSet<>();

    ConfigNode(JsonNode node, String path, List<String> problems, Interpolator interpolator) {
        this.node = node;
        this.path = path;
        this.problems = problems;
        this.interpolator = interpolator;
    }

    String path() {
        return path;
    }

    /** How many problems the whole parse has recorded so far (to tell whether a section added any). */
    int problemCount() {
        return problems.size();
    }

    boolean isObject() {
        return node != null && node.isObject();
    }

    String keyPath(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    void problem(String key, String message) {
        problems.add(keyPath(key) + ": " + message);
    }

    void problemHere(String message) {
        problems.add((path.isEmpty() ? "(top level)" : path) + ": " + message);
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
            problem(key, "expected a mapping of keys, got " + describe(v));
            return Optional.empty();
        }
        return Optional.of(new ConfigNode(v, keyPath(key), problems, interpolator));
    }

    /** The elements of a list below this one (absent key: empty list). */
    List<ConfigNode> list(String key) {
        JsonNode v = raw(key);
        if (v == null) return List.of();
        if (!v.isArray()) {
            problem(key, "expected a list, got " + describe(v));
            return List.of();
        }
        List<ConfigNode> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            out.add(new ConfigNode(v.get(i), keyPath(key) + "[" + i + "]", problems, interpolator));
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
            return out;
        }
        if (!v.isArray()) {
            problem(key, "expected a list of names, got " + describe(v));
            return out;
        }
        for (int i = 0; i < v.size(); i++) {
            JsonNode e = v.get(i);
            if (e.isTextual()) {
                interpolate(key + "[" + i + "]", e.asText()).ifPresent(out::add);
            } else {
                problem(key + "[" + i + "]", "expected text, got " + describe(e));
            }
        }
        return out;
    }

    Optional<String> string(String key) {
        return text(key, false);
    }

    Optional<Secret> secret(String key) {
        return text(key, true).map(Secret::new);
    }

    String requiredString(String key) {
        Optional<String> s = string(key);
        if (s.isEmpty() && !problemRecordedFor(key)) problem(key, "is required");
        return s.orElse("");
    }

    Secret requiredSecret(String key) {
        Optional<Secret> s = secret(key);
        if (s.isEmpty() && !problemRecordedFor(key)) problem(key, "is required");
        return s.orElse(new Secret(""));
    }

    private boolean problemRecordedFor(String key) {
        String prefix = keyPath(key);
        return problems.stream().anyMatch(p -> p.startsWith(prefix + ":") || p.startsWith(prefix + "["));
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
        problem(key, "expected text, got " + describe(v));
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
            problem(key, "expected true or false, got \"" + s.get() + "\"");
            return defaultValue;
        }
        problem(key, "expected true or false, got " + describe(v));
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
            shown = s.get();
            try {
                value = Long.parseLong(shown.trim());
            } catch (NumberFormatException e) {
                problem(key, "\"" + shown + "\" is not " + what);
                return Optional.empty();
            }
        } else {
            problem(key, "expected a whole number, got " + describe(v));
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
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            String k = field.getKey();
            if (!readKeys.contains(k)) {
                String hint = closest(k, readKeys);
                problem(k, "unknown key" + (hint == null ? "" : " (did you mean '" + hint + "'?)")
                        + "; known keys here: " + String.join(", ", readKeys));
            }
        }
    }

    private Optional<String> interpolate(String key, String value) {
        try {
            return Optional.of(interpolator.apply(value));
        } catch (IllegalArgumentException e) {
            problem(key, e.getMessage());
            return Optional.empty();
        }
    }

    static String describe(JsonNode v) {
        if (v.isObject()) return "a mapping of keys";
        if (v.isArray()) return "a list";
        if (v.isTextual()) return "text \"" + v.asText() + "\"";
        if (v.isBoolean()) return "true/false";
        if (v.isNumber()) return "the number " + v.asText();
        return v.getNodeType().toString().toLowerCase();
    }

    private static String closest(String key, Set<String> known) {
        String best = null;
        int bestDistance = 3;
        for (String k : known) {
            int d = distance(key.toLowerCase(), k.toLowerCase());
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

    /** Resolves {@code ${NAME}} and {@code ${file:/path}}; {@code $${} is a literal {@code ${}. */
    interface Interpolator extends Function<String, String> {
    }
}
